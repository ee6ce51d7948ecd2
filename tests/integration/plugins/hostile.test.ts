import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../host/bus/bus.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { PicodeError } from '../../../host/core/errors.js';
import { readManifest } from '../../../host/plugins/manifest.js';
import { PluginRuntime } from '../../../host/plugins/host/runtime.js';
import { readPluginLogs } from '../../../host/plugins/host/state.js';
import { PluginCallError } from '../../../host/plugins/host/supervisor.js';
import { openStore, type Store } from '../../../host/store/db.js';
import { buildFixture, clonePlugin, event, quietLog, tempDir, until } from './helpers.js';

/**
 * Hostile plugins: one real component (tests/fixtures/plugins/hostile) that loops, allocates
 * without end, traps, floods actions, returns malformed data or reads outside its root on
 * demand, loaded under several names with different grants and limits. For each attack: the
 * host's event loop keeps running, the other plugins keep answering, the status says what
 * happened, and the plugin's kv survives its restarts.
 */
describe('hostile plugins', () => {
  const tmp = tempDir('picode-hostile-');
  const plugins = join(tmp.dir, 'plugins');
  const fsRoot = join(tmp.dir, 'root');
  let store: Store;
  let runtime: PluginRuntime;
  const emitted: PicodeEvent[] = [];

  beforeAll(async () => {
    mkdirSync(plugins, { recursive: true });
    mkdirSync(join(tmp.dir, 'outside'), { recursive: true });
    writeFileSync(join(tmp.dir, 'outside.txt'), 'outside');
    writeFileSync(join(tmp.dir, 'outside', 'secret.txt'), 'secret');
    mkdirSync(fsRoot);
    writeFileSync(join(fsRoot, 'inside.txt'), 'inside');
    symlinkSync(join(tmp.dir, 'outside'), join(fsRoot, 'link-out'));

    const hostile = await buildFixture('hostile', plugins);
    for (const name of ['bystander', 'bomber', 'flooder', 'fragile', 'slowpoke', 'gatekeeper', 'strictgate']) clonePlugin(hostile, name, plugins);
    clonePlugin(hostile, 'greedy', plugins);

    store = openStore(join(tmp.dir, 'picode.db'));
    const bus = new EventBus('test', 1, () => undefined, (e) => { emitted.push(e); }, quietLog);
    const grants = ['log', 'kv', 'fs-read'] as const;
    runtime = new PluginRuntime({
      session: 'test', db: store.db, bus, panes: undefined, gates: undefined, log: quietLog,
      cacheDir: join(tmp.dir, 'cache'), cwd: fsRoot, complete: undefined,
      config: {
        entries: {
          hostile: { grants: [...grants], roots: [fsRoot], eventDeadlineMs: 1000, maxFailures: 100 },
          bystander: { grants: [...grants], eventDeadlineMs: 5000 },
          bomber: { grants: [...grants], eventDeadlineMs: 20_000, memoryMiB: 32, maxFailures: 100 },
          flooder: { grants: [...grants], eventDeadlineMs: 20_000, maxActions: 100 },
          fragile: { grants: [...grants], eventDeadlineMs: 200, maxFailures: 2, failureWindowMs: 60_000 },
          slowpoke: { grants: [...grants], eventDeadlineMs: 1500, queueSize: 10, batchSize: 5, maxFailures: 100 },
          gatekeeper: { grants: [...grants], eventDeadlineMs: 20_000, maxFailures: 100 },
          strictgate: { grants: [...grants], eventDeadlineMs: 20_000, gateDeadlineMs: 50, maxFailures: 2 },
          greedy: { grants: ['log', 'kv'] },
        },
      },
    });
    for (const name of ['hostile', 'bystander', 'bomber', 'flooder', 'fragile', 'slowpoke', 'gatekeeper', 'strictgate']) {
      await runtime.loadManifest(readManifest(join(plugins, name)));
    }
  }, 180_000);

  afterAll(async () => {
    await runtime?.stop();
    store?.close();
    tmp.dispose();
  });

  const status = (name: string) => runtime.list().find((p) => p.name === name)!;
  const ping = async (name: string): Promise<string> => {
    const { actions } = await runtime.deliver(name, event('ping'));
    const line = actions.find((a) => a.tag === 'set-status');
    return line?.val as string;
  };
  const failure = async (promise: Promise<unknown>): Promise<PluginCallError> => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(PluginCallError);
      return error as PluginCallError;
    }
    throw new Error('the call was expected to fail');
  };

  it('refuses to start a plugin whose component imports an ungranted capability, naming the fix', async () => {
    let error: unknown;
    try {
      await runtime.loadManifest(readManifest(join(plugins, 'greedy')));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PicodeError);
    expect((error as PicodeError).message).toContain('plugin greedy needs permission fs-read');
    expect((error as PicodeError).hint).toContain('picode plugin grant greedy fs-read');
    expect(status('greedy').state).toBe('refused');
    expect(runtime.names()).not.toContain('greedy');
  });

  it('cuts off an infinite loop at the deadline while the host keeps serving and others keep working', async () => {
    expect(await ping('hostile')).toBe('pong 1');
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 10);
    const looping = failure(runtime.deliver('hostile', event('hostile.loop')));
    // While the plugin spins in its worker, another plugin answers.
    expect(await ping('bystander')).toBe('pong 1');
    const error = await looping;
    clearInterval(ticker);
    expect(error.kind).toBe('timeout');
    expect(ticks).toBeGreaterThan(0);
    // Restarted with its kv intact: the count goes on.
    expect(await until('hostile restarted', async () => ((await ping('hostile')) === 'pong 2' ? true : undefined))).toBe(true);
    expect(status('hostile').stats.timeouts).toBeGreaterThanOrEqual(1);
    expect(status('hostile').stats.restarts).toBeGreaterThanOrEqual(1);
  });

  it('caps the linear memory: a memory bomb fails inside the plugin, not on the machine', async () => {
    const before = process.memoryUsage().rss;
    const error = await failure(runtime.deliver('bomber', event('hostile.bomb')));
    expect(error.kind).not.toBe('timeout');
    // 32 MiB cap: the process did not grow by anything near an unbounded allocation.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    expect(await until('bomber answers again', async () => ping('bomber').catch(() => undefined))).toMatch(/^pong \d+$/);
  });

  it('restarts a plugin that traps, and reports the trap', async () => {
    const error = await failure(runtime.deliver('hostile', event('hostile.trap')));
    expect(error.kind).toBe('trap');
    expect(error.message).toContain('unreachable');
    expect(await until('hostile after trap', async () => ping('hostile').catch(() => undefined))).toMatch(/^pong \d+$/);
    expect(await ping('bystander')).toMatch(/^pong \d+$/);
  });

  it('a plugin error (err result) fails the call without restarting the plugin', async () => {
    const restarts = status('hostile').stats.restarts;
    const error = await failure(runtime.deliver('hostile', event('hostile.error')));
    expect(error.kind).toBe('plugin-error');
    expect(error.message).toBe('plugin refused politely');
    expect(status('hostile').stats.restarts).toBe(restarts);
    expect(status('hostile').state).toBe('running');
  });

  it('applies at most maxActions of a flood and counts the rest as rejected', async () => {
    const before = emitted.filter((e) => e.type === 'plugin.flood').length;
    const { actions } = await runtime.deliver('flooder', event('hostile.flood'));
    expect(actions).toHaveLength(100);
    await until('flood events on the bus', () => (emitted.filter((e) => e.type === 'plugin.flood').length - before === 100 ? true : undefined));
    expect(status('flooder').stats.rejected).toBeGreaterThanOrEqual(99_900);
    expect(await ping('bystander')).toMatch(/^pong \d+$/);
  });

  it('rejects malformed actions one by one and applies the valid ones', async () => {
    const rejected = status('hostile').stats.rejected;
    const { actions } = await runtime.deliver('hostile', event('hostile.malformed'));
    expect(actions.map((a) => a.tag)).toEqual(['add-context']);
    expect(status('hostile').stats.rejected - rejected).toBe(4);
    expect(emitted.some((e) => e.type === 'plugin.bad' || (e.type === 'session.stopped'))).toBe(false);
    const context = await runtime.gatherContext({ tokenBudget: 1000, plugins: ['hostile'] });
    expect(context.map((c) => c.source)).toContain('hostile:x');
  });

  it('refuses reads outside the granted root: "..", absolute paths and symlinks leading out', async () => {
    const { actions } = await runtime.deliver('hostile', event('hostile.escape', { absolute: join(tmp.dir, 'outside.txt') }));
    const parts = actions.map((a) => (JSON.parse((a.val as { data: string }).data) as { result: string }).result);
    expect(parts).toHaveLength(4);
    expect(parts[0]).toContain('refused');
    expect(parts[0]).toContain('".."');
    expect(parts[1]).toContain('outside the granted roots');
    expect(parts[2]).toContain('through a symlink');
    expect(parts[3]).toBe('read: inside');
  });

  it('fails closed: a gate plugin that cannot decide denies the blocking event', async () => {
    const { decision } = await runtime.deliver('hostile', event('llm.request', { messages: [] }));
    expect(decision?.decision).toBe('deny');
    expect(decision?.reason).toMatch(/^plugin hostile did not decide on llm\.request within its 1000 ms gate deadline, so llm\.request was denied \(fail closed\)/);
    expect(decision?.reason).toContain('raise plugins.entries.hostile.gateDeadlineMs');
    expect(decision?.reason).toContain('picode plugin list');
    expect(await until('hostile after the gate', async () => ping('hostile').catch(() => undefined))).toMatch(/^pong \d+$/);
  });

  describe('a slow gate (busy for about 300 ms before it allows)', () => {
    // The component has no clock: how many iterations make ~300 ms is measured on this
    // machine, now (median of three), with the same plugin.
    let spin = 0;
    const gate = (name: string) => runtime.deliver(name, event('llm.request', { spin, messages: [] }));
    beforeAll(async () => {
      expect(await ping('gatekeeper')).toMatch(/^pong \d+$/);
      expect(await ping('strictgate')).toMatch(/^pong \d+$/);
      const probe = 300_000;
      const rates: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await runtime.deliver('gatekeeper', event('hostile.spin', { spin: probe }));
        rates.push(probe / (performance.now() - started));
      }
      spin = Math.round(rates.sort((a, b) => a - b)[1]! * 300);
    }, 60_000);

    it('is let through with the default gate deadline (1000 ms), although it misses the on-event one (100 ms)', async () => {
      const { decision } = await gate('gatekeeper');
      expect(decision).toEqual({ decision: 'allow', reason: expect.stringMatching(/^spun -?\d+$/) });
      expect(status('gatekeeper').stats.timeouts).toBe(0);
    });

    it('is denied with gateDeadlineMs 50, the reason naming the plugin and the setting; the restarted worker decides the next one', async () => {
      const { decision } = await gate('strictgate');
      expect(decision?.decision).toBe('deny');
      expect(decision?.reason).toMatch(/^plugin strictgate did not decide on llm\.request within its 50 ms gate deadline, so llm\.request was denied \(fail closed\); /);
      expect(decision?.reason).toContain('raise plugins.entries.strictgate.gateDeadlineMs');
      // The very next gate call lands on the respawned worker, whose first call has the
      // cold-start grace (lazy wasm compilation): it decides instead of failing again.
      const next = await gate('strictgate');
      expect(next.decision?.decision).toBe('allow');
      expect(status('strictgate').stats.restarts).toBe(1);
    });

    it('a gate plugin disabled after repeated failures denies, saying so and how to re-enable it', async () => {
      expect((await gate('strictgate')).decision?.decision).toBe('deny');
      await until('strictgate failed', () => (status('strictgate').state === 'failed' ? true : undefined));
      const { decision } = await gate('strictgate');
      expect(decision?.decision).toBe('deny');
      expect(decision?.reason).toMatch(/^plugin strictgate was disabled after repeated failures \(2 failures within 60 s; last: on-event passed its 50 ms deadline\); it gates llm\.request, so llm\.request was denied \(fail closed\); /);
      expect(decision?.reason).toContain('picode plugin enable strictgate');
    });
  });

  it('keeps a log per plugin in the store: its own lines, restarts, rejected actions', () => {
    runtime.flush();
    const lines = readPluginLogs(store.db, 'hostile', { limit: 100 }).map((l) => `${l.level} ${l.message}`);
    expect(lines.some((l) => /^error restarting: on-event passed its \d+ ms deadline$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('error restarting: trapped in on-event: wasm trap'))).toBe(true);
    expect(lines.some((l) => l.startsWith('warn rejected 4 action(s): emit: data is not valid JSON'))).toBe(true);
    expect(lines.some((l) => l.startsWith('info refused: Error: path ../outside.txt contains ".."'))).toBe(true);
    expect(readPluginLogs(store.db, 'bystander', { limit: 100 }).filter((l) => l.level === 'error')).toEqual([]);
  });

  it('disables a plugin after repeated failures, with a status the user can see', async () => {
    await failure(runtime.deliver('fragile', event('hostile.loop')));
    await until('fragile restarted', () => (status('fragile').state === 'running' ? true : undefined));
    await failure(runtime.deliver('fragile', event('hostile.loop')));
    const s = await until('fragile failed', () => (status('fragile').state === 'failed' ? status('fragile') : undefined));
    expect(s.detail).toMatch(/^2 failures within 60 s; last: on-event passed its \d+ ms deadline$/);
    const error = await failure(runtime.deliver('fragile', event('ping')));
    expect(error.kind).toBe('unavailable');
    await until('plugin.failed event', () => (emitted.some((e) => e.type === 'plugin.failed' && (e.data as { plugin: string }).plugin === 'fragile') ? true : undefined));
    // The store records it for `picode plugin list` without a host.
    const row = store.db.prepare("SELECT status, status_detail FROM plugin_state WHERE name = 'fragile'").get() as { status: string; status_detail: string };
    expect(row.status).toBe('failed');
    expect(await ping('bystander')).toMatch(/^pong \d+$/);
  });

  it('bounds the queue of a plugin that falls behind, counts drops, and keeps the order of what it keeps', async () => {
    // The loop is handed over at once; the pings pile up behind it in a queue of 10.
    expect(runtime.enqueue('slowpoke', [event('hostile.loop')])).toBe(0);
    const dropped = runtime.enqueue('slowpoke', Array.from({ length: 40 }, () => event('ping')));
    expect(dropped).toBe(30);
    await until('slowpoke drained', () => (status('slowpoke').statusLine === 'pong 10' ? true : undefined));
    const s = status('slowpoke');
    expect(s.stats.dropped).toBe(30);
    expect(s.stats.timeouts).toBe(1);
    expect(s.queued).toBe(0);
    expect(emitted.some((e) => e.type === 'plugin.dropped' && (e.data as { plugin: string }).plugin === 'slowpoke')).toBe(true);
  });
});
