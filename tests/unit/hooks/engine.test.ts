import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HookEngine } from '../../../host/hooks/engine.js';
import { hookSchema } from '../../../host/config/sections/hooks.js';
import { fakeServices, hooks, limits, makeEvent, type FakeServices } from './fakes.js';

const blocking = new Set(['agent.tool.before', 'pane.send.before', 'llm.request']);

function engine(config: unknown[], overrides = {}, services: FakeServices = fakeServices()) {
  const rows: Array<Record<string, unknown>> = [];
  const e = new HookEngine({
    hooks: hooks(...config), limits: limits(overrides), services, blockingTypes: blocking,
    runLog: { record: (r) => rows.push(r as unknown as Record<string, unknown>) },
  });
  return { e, services, rows };
}

const finished = (exitCode: number | null, paneName = 'tests') =>
  makeEvent('command.finished', { command: 'npm test', exitCode }, { pane: '%2', paneName });

describe('the hook list in the config', () => {
  it('needs exactly one action per hook', () => {
    expect(hookSchema.safeParse({ event: 'x' }).success).toBe(false);
    const two = hookSchema.safeParse({ event: 'x', command: 'a', notify: { message: 'b' } });
    expect(two.success).toBe(false);
    expect(JSON.stringify(two.error?.issues)).toMatch(/exactly one action, found command and notify/);
    expect(hookSchema.safeParse({ event: 'x', command: 'a', bogus: 1 }).success).toBe(false);
  });
  it('refuses a hook that would trigger itself', () => {
    expect(() => engine([{ event: 'user.*', emit: { event: 'ping' } }])).toThrow(/would trigger itself/);
    expect(() => engine([{ event: 'notification', notify: { message: 'x' } }])).toThrow(/would trigger itself/);
  });
  it('refuses pane actions on blocking events (they would pass the same gate again)', () => {
    expect(() => engine([{ event: 'pane.send.before', send: { pane: 'x', text: 'y' } }])).toThrow(/cannot run on the blocking event pane.send.before/);
    expect(() => engine([{ event: 'pane.*', run: { pane: 'x', command: 'y' } }])).toThrow(/blocking event/);
  });
  it('refuses duplicate names', () => {
    expect(() => engine([{ name: 'a', event: 'x', command: 'true' }, { name: 'a', event: 'y', command: 'true' }])).toThrow(/already named "a"/);
  });
});

describe('non-blocking events', () => {
  it('never wait on hooks: dispatch returns before the run finishes', async () => {
    const { e, services, rows } = engine([{ event: 'command.finished', run: { pane: 'x', command: 'slow' } }]);
    let release!: () => void;
    services.runResult = () => new Promise((r) => { release = () => r({ exitCode: 0, output: '', durationMs: 1, interrupted: false }); });
    e.dispatch(finished(1));
    expect(services.runs).toHaveLength(1);
    expect(rows).toHaveLength(0); // still running
    release();
    await e.idle();
    expect(rows).toHaveLength(1);
  });

  it('runs built-in actions with placeholders filled (shell-quoted in run)', async () => {
    const { e, services } = engine([
      { name: 'r', event: 'file.changed', run: { pane: 'tests', command: 'npm test -- {{data.path}}' } },
      { name: 's', event: 'file.changed', send: { pane: 'log', text: 'changed {{data.path}}', enter: true } },
      { name: 'e', event: 'file.changed', emit: { event: 'saved', data: { file: '{{data.path}}' } } },
    ]);
    e.dispatch(makeEvent('file.changed', { root: '/r', path: "src/a b;rm -rf ~'.ts", paths: ["src/a b;rm -rf ~'.ts"], count: 1 }));
    await e.idle();
    expect(services.runs[0]).toEqual({ pane: 'tests', command: `npm test -- 'src/a b;rm -rf ~'\\''.ts'`, origin: 'hook:r' });
    expect(services.sent[0]).toMatchObject({ pane: 'log', text: "changed src/a b;rm -rf ~'.ts", origin: 'hook:s' });
    const user = services.emitted.find((ev) => ev.type === 'user.saved');
    expect(user?.data).toEqual({ file: "src/a b;rm -rf ~'.ts" });
  });

  it('notifies with the failure gathered as context', async () => {
    const services = fakeServices();
    services.captureText = 'line1\nFAIL src/a.test.ts\n  expected 1 got 2\n\n\n';
    const { e, rows } = engine([{
      name: 'fail', event: 'command.finished', match: { pane: 'tests', exitCode: 'nonzero' },
      notify: { level: 'error', message: 'tests failed (exit {{data.exitCode}})', context: { pane: 'tests', lines: 2 } },
    }], {}, services);
    e.dispatch(finished(0));
    e.dispatch(finished(1, 'other'));
    e.dispatch(finished(3));
    await e.idle();
    const notes = services.emitted.filter((ev) => ev.type === 'notification');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data).toEqual({
      level: 'error', message: 'tests failed (exit 3)', source: 'hook:fail', context: 'FAIL src/a.test.ts\n  expected 1 got 2',
    });
    expect(rows).toHaveLength(1);
  });

  it('gathers a finished command\'s own output tail rather than capturing the pane', async () => {
    const services = fakeServices();
    services.captureText = 'later output that is not the failure';
    const { e } = engine([{ name: 'f', event: 'command.finished', notify: { message: 'm', context: { pane: 'tests', lines: 1 } } }], {}, services);
    e.dispatch(makeEvent('command.finished', { command: 'npm test', exitCode: 1, outputTail: 'a\nFAIL x\n' }, { pane: '%2', paneName: 'tests' }));
    await e.idle();
    expect(services.emitted.find((ev) => ev.type === 'notification')!.data).toMatchObject({ context: 'FAIL x' });
  });

  it('reports ask and plan as not available when their services are missing', async () => {
    const { e, rows } = engine([
      { name: 'q', event: 'user.x', ask: { prompt: 'why?' } },
      { name: 'p', event: 'user.x', plan: { task: 'fix it' } },
    ]);
    e.dispatch(makeEvent('user.x', {}));
    await e.idle();
    expect(rows.map((r) => [r.hook, r.outcome, r.reason])).toEqual([
      ['q', 'unavailable', 'not available: no LLM service in this test'],
      ['p', 'unavailable', 'not available: no planner in this test'],
    ]);
  });

  it('records exit 2 of a hook on a non-blocking event as blocked, without a decision (nothing to block)', async () => {
    const { e, rows } = engine([{ name: 'x', event: 'user.x', command: 'echo too late >&2; exit 2' }]);
    e.dispatch(makeEvent('user.x', {}));
    await e.idle();
    expect(rows[0]).toMatchObject({ outcome: 'blocked', decision: undefined, reason: 'too late' });
  });

  it('records a crash of an action as an error and keeps going', async () => {
    const { e, services, rows } = engine([{ name: 'r', event: 'user.x', run: { pane: 'nope', command: 'x' } }]);
    services.runResult = async () => { throw new Error('unknown pane nope'); };
    e.dispatch(makeEvent('user.x', {}));
    await e.idle();
    expect(rows[0]).toMatchObject({ outcome: 'error', reason: 'unknown pane nope' });
    expect(e.stats()[0]).toMatchObject({ runs: 1, failures: 1 });
  });

  it('emits hook.run for each run, but not for runs triggered by hook events', async () => {
    const { e, services } = engine([
      { name: 'a', event: 'user.x', command: 'true' },
      { name: 'b', event: 'hook.run', command: 'true' },
    ]);
    e.dispatch(makeEvent('user.x', {}));
    await e.idle();
    const runs = services.emitted.filter((ev) => ev.type === 'hook.run');
    expect(runs).toHaveLength(1);
    e.dispatch(runs[0]!);
    await e.idle();
    expect(services.emitted.filter((ev) => ev.type === 'hook.run')).toHaveLength(1);
  });

  it('coalesces a storm while a run is in progress into one more run of the latest event', async () => {
    const { e, services } = engine([{ name: 't', event: 'file.changed', run: { pane: 'tests', command: 'test {{data.path}}' } }]);
    const releases: Array<() => void> = [];
    services.runResult = () => new Promise((r) => releases.push(() => r({ exitCode: 0, output: '', durationMs: 1, interrupted: false })));
    for (let i = 0; i < 1000; i++) e.dispatch(makeEvent('file.changed', { root: '/', path: `f${i}`, paths: [`f${i}`], count: 1 }));
    expect(services.runs.map((r) => r.command)).toEqual(['test f0']);
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 10));
    expect(services.runs.map((r) => r.command)).toEqual(['test f0', 'test f999']);
    releases.shift()!();
    await e.idle();
    expect(services.runs).toHaveLength(2);
    expect(e.stats()[0]!.dropped).toEqual({ coalesced: 998 });
  });

  it('rate-limits runs per hook and reports what it dropped', async () => {
    const { e, services } = engine([{ name: 'n', event: 'user.x', concurrency: 'parallel', emit: { event: 'y' } }], { maxRuns: 5, perSeconds: 60 });
    for (let i = 0; i < 50; i++) e.dispatch(makeEvent('user.x', {}));
    await e.idle();
    expect(services.emitted.filter((ev) => ev.type === 'user.y')).toHaveLength(5);
    await e.stop();
    const dropped = services.emitted.filter((ev) => ev.type === 'hook.dropped');
    expect(dropped.map((d) => d.data)).toEqual([{ hook: 'n', reason: 'rate-limit', count: 45 }]);
  });

  it('bounds the shell process pool and its queue', async () => {
    const { e, rows } = engine([{ name: 'sh', event: 'user.x', concurrency: 'parallel', command: 'sleep 0.2' }],
      { maxProcesses: 2, maxQueued: 3, maxRuns: 1000 });
    for (let i = 0; i < 10; i++) e.dispatch(makeEvent('user.x', {}));
    await e.idle();
    expect(rows).toHaveLength(5); // 2 running + 3 queued; 5 dropped
    expect(e.stats()[0]!.dropped).toEqual({ 'queue-full': 5 });
  });
});

describe('stopping', () => {
  it('kills shell hooks still running when the stop grace runs out, and records them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-stop-'));
    const marker = join(dir, 'survived');
    const { e, rows } = engine([{ name: 'long', event: 'user.x', timeout: 60, command: `(sleep 1; touch ${marker}) & sleep 30` }]);
    e.dispatch(makeEvent('user.x', {}));
    await new Promise((r) => setTimeout(r, 200)); // the hook has started
    await e.stop(100);
    expect(rows[0]).toMatchObject({ hook: 'long', outcome: 'error', reason: 'killed: the host stopped while it ran' });
    await new Promise((r) => setTimeout(r, 1300));
    expect(existsSync(marker)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ignores events after stop', async () => {
    const { e, services } = engine([{ event: 'user.x', emit: { event: 'y' } }]);
    await e.stop();
    e.dispatch(makeEvent('user.x', {}));
    expect(await e.decide(makeEvent('pane.send.before', { text: 'x', enter: true, origin: 'cli' }))).toBeUndefined();
    await e.idle();
    expect(services.emitted.filter((ev) => ev.type === 'user.y')).toHaveLength(0);
  });
});

describe('blocking events', () => {
  it('are not dispatched as non-blocking events (the gate handles them)', async () => {
    const { e, rows } = engine([{ event: 'pane.send.before', command: 'exit 2' }]);
    e.dispatch(makeEvent('pane.send.before', { text: 'x', enter: true, origin: 'cli' }));
    await e.idle();
    expect(rows).toHaveLength(0);
  });

  it('combine plugin and shell verdicts; notify hooks run without being waited for', async () => {
    const services = fakeServices();
    services.plugin = async (plugin) => ({ decision: 'ask', reason: `${plugin} wants a human`, summary: 'asked' });
    const { e, rows } = engine([
      { name: 'shell', event: 'agent.tool.before', command: 'true' },
      { name: 'plug', event: 'agent.tool.before', plugin: 'policy' },
      { name: 'note', event: 'agent.tool.before', notify: { message: 'tool {{data.tool}}' } },
    ], {}, services);
    const out = await e.decide(makeEvent('agent.tool.before', { tool: 'write_file', input: {} }));
    expect(out).toMatchObject({ decision: 'ask', reason: 'plug: policy wants a human' });
    await e.idle();
    expect(rows.map((r) => r.hook).sort()).toEqual(['note', 'plug', 'shell']);
    expect(services.emitted.some((ev) => ev.type === 'notification' && (ev.data as { message: string }).message === 'tool write_file')).toBe(true);
  });

  it('are not rate-limited (a guard always runs)', async () => {
    const { e } = engine([{ event: 'pane.send.before', match: { text: 'rm -rf /' }, command: 'exit 2' }], { maxRuns: 1, perSeconds: 3600 });
    for (let i = 0; i < 3; i++) {
      expect((await e.decide(makeEvent('pane.send.before', { text: 'rm -rf /', enter: true, origin: 'agent:1' })))?.decision).toBe('deny');
    }
  });

  it('report an unavailable plugin runtime without deciding', async () => {
    const { e, rows } = engine([{ name: 'p', event: 'llm.request', plugin: 'secrets-redactor' }]);
    expect(await e.decide(makeEvent('llm.request', { prompt: 'x' }))).toBeUndefined();
    expect(rows[0]).toMatchObject({ outcome: 'unavailable', reason: 'not available: no plugin runtime in this test' });
  });
});

describe('dry runs (hooks test)', () => {
  it('combines modifications and context of shell hooks as the gate would', async () => {
    const { e } = engine([
      { name: 'redact', event: 'llm.request', command: `cat >/dev/null; echo '{"hookSpecificOutput":{"updatedInput":{"system":"[masked]"},"additionalContext":"be brief"}}'` },
    ]);
    const report = await e.test(makeEvent('llm.request', { system: 'key sk-1', messages: [] }));
    expect(report.decision).toMatchObject({ decision: 'allow', data: { system: '[masked]', messages: [] }, additionalContext: 'be brief' });
  });

  it('shows which hooks match, runs shell hooks, describes built-ins and combines decisions', async () => {
    const { e, services, rows } = engine([
      { name: 'guard', event: 'pane.send.before', match: { text: 'rm\\s+-rf\\s+/' }, command: 'echo "dangerous" >&2; exit 2' },
      { name: 'ok', event: 'pane.send.before', command: 'true' },
      { name: 'off', event: 'pane.send.before', enabled: false, command: 'exit 2' },
      { name: 'other', event: 'file.changed', run: { pane: 'tests', command: 'npm test' } },
      { name: 'note', event: 'pane.send.before', notify: { message: 'sending {{data.text}}' } },
    ]);
    const report = await e.test(makeEvent('pane.send.before', { text: 'rm -rf /', enter: true, origin: 'agent:1' }));
    expect(report.blocking).toBe(true);
    expect(report.decision).toMatchObject({ decision: 'deny', reason: 'guard: dangerous' });
    const byName = Object.fromEntries(report.hooks.map((h) => [h.hook, h]));
    expect(byName.guard).toMatchObject({ matched: true, outcome: 'blocked', decision: 'deny' });
    expect(byName.ok).toMatchObject({ matched: true, outcome: 'ok' });
    expect(byName.off).toMatchObject({ matched: false, why: 'disabled' });
    expect(byName.other).toMatchObject({ matched: false, why: 'event type' });
    expect(byName.note).toMatchObject({ matched: true, wouldDo: 'notify (info): sending rm -rf /' });
    expect(services.emitted).toHaveLength(0); // nothing performed, nothing recorded
    expect(rows).toHaveLength(0);
  });
});
