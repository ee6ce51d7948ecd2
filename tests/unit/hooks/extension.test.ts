import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { IpcMethodMissing, type EventFilter, type GateDecision, type HostApi, type HostExtension, type IpcCallContext } from '../../../host/api/hostApi.js';
import { ServiceDirectory } from '../../../host/api/serviceDirectory.js';
import { configSchema } from '../../../host/config/schema.js';
import { openStore, type Store } from '../../../host/store/db.js';
import { hooksExtension } from '../../../host/hooks/extension.js';

/** An in-memory HostApi: a bus that delivers after emit returns, gates, an IPC registry, panes that record. */
function memoryHost(config: unknown, store: Store) {
  let nextId = 1;
  const events: PicodeEvent[] = [];
  const subscribers = new Set<{ filter: EventFilter; handler: (e: PicodeEvent) => void }>();
  const gates = new Map<string, (e: PicodeEvent) => Promise<GateDecision | undefined>>();
  const methods = new Map<string, (params: unknown, context: IpcCallContext) => unknown>();
  const sent: Array<{ pane: string; text: string; origin: string }> = [];
  const matches = (f: EventFilter, e: PicodeEvent) =>
    !f.types || f.types.some((t) => (t.endsWith('*') ? e.type.startsWith(t.slice(0, -1)) : t === e.type));
  const host: HostApi = {
    session: 'mem',
    config: configSchema.parse(config),
    store,
    bus: {
      emit(input) {
        const event = { id: nextId++, type: input.type, time: Date.now(), session: 'mem', window: undefined, pane: input.pane, paneName: input.pane === '%1' ? 'tests' : undefined, data: input.data };
        events.push(event);
        for (const s of subscribers) if (matches(s.filter, event)) queueMicrotask(() => s.handler(event));
        return event as never;
      },
      subscribe(filter, handler) {
        const entry = { filter, handler };
        subscribers.add(entry);
        return () => subscribers.delete(entry);
      },
    },
    panes: {
      list: () => [],
      resolve: (p) => (p === 'tests' || p === '%1' ? { id: '%1', name: 'tests', windowId: '@1', windowName: 'w', index: 0, width: 80, height: 24, active: true, command: 'bash', cwd: '/', pid: 1, dead: false } : undefined),
      capture: async () => 'captured',
      sendText: async (pane, text, options) => { sent.push({ pane, text, origin: options.origin }); },
      sendKeys: async () => {},
      run: async () => ({ exitCode: 0, output: '', durationMs: 1, interrupted: false }),
    },
    ipc: {
      register: (method, handler) => { methods.set(method, handler); },
      call: async (method, params) => {
        const handler = methods.get(method);
        if (!handler) throw new IpcMethodMissing(method);
        return handler(params, { notify() {}, signal: new AbortController().signal });
      },
    },
    services: new ServiceDirectory(),
    gates: {
      register: (name, gate) => { gates.set(name, gate); return () => gates.delete(name); },
      pass: async () => { throw new Error('not used'); },
    },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const call = (method: string, params?: unknown) => {
    const handler = methods.get(method);
    if (!handler) throw new Error(`no method ${method}`);
    return handler(params, { notify() {}, signal: new AbortController().signal });
  };
  return { host, events, gates, methods, sent, call, subscribers };
}

const dirs: string[] = [];
const running: HostExtension[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function started(config: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'picode-hooks-ext-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'picode.db'));
  stores.push(store);
  const mem = memoryHost({ ...config, watch: { root: dir, debounceMs: 20, ...(config.watch as object | undefined) } }, store);
  const extension = hooksExtension();
  await extension.start(mem.host);
  running.push(extension);
  return { ...mem, dir, extension };
}

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** The hook runs recorded, once there are `count` of them (generous deadline). */
async function runsUntil(mem: { call(method: string, params?: unknown): unknown }, count: number): Promise<Array<{ hook: string; outcome: string; reason: string; output: string }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await mem.call('hooks.log', {}) as Array<{ hook: string; outcome: string; reason: string; output: string }>;
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the hooks host extension', () => {
  it('registers its IPC methods and the hooks gate', async () => {
    const mem = await started({ hooks: [] });
    expect([...mem.methods.keys()].sort()).toEqual(['events.emit', 'hooks.list', 'hooks.log', 'hooks.test']);
    expect([...mem.gates.keys()]).toEqual(['hooks']);
  });

  it('runs hooks on bus events, records them in hook_runs and serves them on hooks.log', async () => {
    const mem = await started({ hooks: [{ name: 'hi', event: 'user.deploy', send: { pane: 'tests', text: 'deploying {{data.env}}', enter: true } }] });
    const emitted = await mem.call('events.emit', { name: 'deploy', data: { env: 'prod' } }) as { id: number; type: string };
    expect(emitted.type).toBe('user.deploy');
    await settle();
    expect(mem.sent).toEqual([{ pane: 'tests', text: 'deploying prod', origin: 'hook:hi' }]);
    const log = await mem.call('hooks.log', {}) as Array<{ hook: string; eventId: number; outcome: string }>;
    expect(log).toEqual([expect.objectContaining({ hook: 'hi', eventId: emitted.id, outcome: 'ok' })]);
    expect(mem.events.some((e) => e.type === 'hook.run')).toBe(true);
  });

  it('decides blocking events through its gate and leaves them alone on the bus', async () => {
    const mem = await started({ hooks: [{ name: 'no', event: 'pane.send.before', match: { text: '^rm ' }, command: 'echo nope >&2; exit 2' }] });
    const event = mem.host.bus.emit({ type: 'pane.send.before', data: { text: 'rm x', enter: true, origin: 'agent:1' } });
    const decision = await mem.gates.get('hooks')!(event as PicodeEvent);
    expect(decision).toMatchObject({ decision: 'deny', reason: 'no: nope' });
    await settle();
    // Once for the gate; the bus delivery of the same event ran nothing.
    const log = await mem.call('hooks.log', {}) as unknown[];
    expect(log).toHaveLength(1);
  });

  it('reaches the other extensions through the host API: the planner in-process, the plugin runtime and the LLM from host.services', async () => {
    const mem = await started({ hooks: [
      { name: 'planner', event: 'user.plan', plan: { task: 'fix {{data.what}}' } },
      { name: 'policy', event: 'user.plugin', plugin: 'guard' },
      { name: 'question', event: 'user.ask', ask: { prompt: 'why?' } },
    ] });
    // Nothing offers them yet: each run says what is missing.
    for (const name of ['plan', 'plugin', 'ask']) await mem.call('events.emit', { name, data: { what: 'tests' } });
    const missing = await runsUntil(mem, 3);
    expect(missing.map((r) => [r.hook, r.outcome]).sort()).toEqual([['planner', 'unavailable'], ['policy', 'unavailable'], ['question', 'unavailable']]);
    expect(missing.find((r) => r.hook === 'planner')!.reason).toMatch(/plan\.create/);

    const planned: unknown[] = [];
    mem.host.ipc.register('plan.create', (params) => { planned.push(params); return { id: 7 }; });
    mem.host.services.provide('plugins', { deliver: async () => ({ actions: [{ tag: 'set-status', val: 'ok' }] }) } as never);
    mem.host.services.provide('llm', { complete: async () => ({ text: 'because' }) } as never);
    for (const name of ['plan', 'plugin', 'ask']) await mem.call('events.emit', { name, data: { what: 'tests' } });
    await runsUntil(mem, 6);
    expect(planned).toEqual([expect.objectContaining({ task: 'fix tests', origin: 'hook:planner' })]);
    const log = await mem.call('hooks.log', { outcome: 'ok' }) as Array<{ hook: string; output: string }>;
    expect(log.map((r) => r.hook).sort()).toEqual(['planner', 'policy', 'question']);
    expect(log.find((r) => r.hook === 'question')!.output).toBe('because');
  });

  it('refuses a bad event name and an unknown pane on events.emit', async () => {
    const mem = await started({ hooks: [] });
    expect(() => mem.call('events.emit', { name: 'bad name!' })).toThrow(/invalid event name/);
    expect(() => mem.call('events.emit', { name: 'x', pane: 'nope' })).toThrow(/no pane "nope"/);
  });

  it('answers hooks.test with a dry run on the host\'s panes', async () => {
    const mem = await started({ hooks: [{ name: 'r', event: 'command.finished', match: { pane: 'tests', exitCode: 'nonzero' }, notify: { message: 'failed' } }] });
    const report = await mem.call('hooks.test', { event: 'command.finished', pane: 'tests', data: { command: 'npm test', exitCode: 1 } }) as { hooks: Array<{ matched: boolean }> };
    expect(report.hooks[0]).toMatchObject({ matched: true, wouldDo: 'notify (info): failed' });
    await expect(Promise.resolve().then(() => mem.call('hooks.test', { event: 'x', pane: 'ghost' }))).rejects.toThrow(/no pane "ghost"/);
  });

  it('watches files only when a hook listens to file.changed, and puts batches on the bus', async () => {
    const idle = await started({ hooks: [{ event: 'user.x', notify: { message: 'm' } }] });
    expect((await idle.call('hooks.list') as { watching: unknown }).watching).toBeNull();

    const mem = await started({ hooks: [{ name: 't', event: 'file.changed', match: { path: 'src/**' }, notify: { message: 'changed {{data.path}}' } }], watch: { paths: ['src/**'] } });
    mkdirSync(join(mem.dir, 'src'), { recursive: true });
    await settle(300);
    writeFileSync(join(mem.dir, 'src', 'a.ts'), 'x');
    const isFile = (e: PicodeEvent) => e.type === 'file.changed' && (e.data as { path: string }).path === 'src/a.ts';
    for (let i = 0; i < 200 && !mem.events.some(isFile); i++) await settle(25);
    // (Creating src/ itself is reported too, as an `addDir` change of `src`.)
    expect(mem.events.find(isFile)?.data).toMatchObject({ root: mem.dir, paths: ['src/a.ts'], changes: [{ path: 'src/a.ts', kind: 'add' }], count: 1 });
    await settle(100);
    expect(mem.events.filter((e) => e.type === 'notification').map((e) => (e.data as { message: string }).message)).toContain('changed src/a.ts');
  });

  it('stops cleanly: unsubscribed, gate removed', async () => {
    const mem = await started({ hooks: [{ event: 'user.x', notify: { message: 'm' } }] });
    await mem.extension.stop();
    running.splice(running.indexOf(mem.extension), 1);
    expect(mem.subscribers.size).toBe(0);
    expect(mem.gates.size).toBe(0);
  });
});
