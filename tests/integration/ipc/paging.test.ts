import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, hostReady, newSession, until, type World } from '../host/helpers.js';
import { connectHost, type HostClient } from '../../../host/ipc/client.js';
import { IpcServer } from '../../../host/ipc/server.js';
import { listPage } from '../../../host/ipc/protocol.js';
import { openStore } from '../../../host/store/db.js';
import { databasePath } from '../../../host/core/paths.js';

/**
 * Issue 13 §8: `events.list` with no limit once returned every stored event as one 53 MB
 * line. Every answer is a page now (default and maximum size, a byte budget), no answer is
 * over the size cap, and `picode events` pages through the store.
 */
let world: World;
let client: HostClient;
const emitted = listPage.defaultSize + 250;

beforeAll(async () => {
  world = createWorld();
  delete world.env.PICODE_HOST_NO_EXTENSIONS; // events.emit comes with the hooks extension
  newSession(world, 'paged');
  world.startHost('paged');
  await hostReady(world, 'paged');
  client = await connectHost('paged', world.socket, { env: world.env });
  // The socket is served before the extensions start: wait for the hooks extension's method.
  await until('events.emit', () => client.call('events.emit', { name: 'warmup', data: {} }).then(() => true));
  for (let i = 0; i < emitted; i++) await client.call('events.emit', { name: 'tick', data: { i } });
}, 120_000);

afterAll(async () => {
  client?.close();
  await world?.dispose();
});

describe('paged IPC lists', () => {
  it('events.list answers a page of the default size, and the next page follows from afterId', async () => {
    const first = await client.call<Array<{ id: number; data: { i: number } }>>('events.list', { types: ['user.tick'] });
    expect(first).toHaveLength(listPage.defaultSize);
    expect(first[0]!.data.i).toBe(0);
    const next = await client.call<Array<{ id: number; data: { i: number } }>>('events.list', { types: ['user.tick'], afterId: first.at(-1)!.id });
    expect(next.map((e) => e.data.i)).toEqual(Array.from({ length: emitted - listPage.defaultSize }, (_, k) => listPage.defaultSize + k));
    const huge = await client.call<unknown[]>('events.list', { types: ['user.tick'], limit: 1e9 });
    expect(huge.length).toBeLessThanOrEqual(listPage.maxSize);
    const last = await client.call<Array<{ data: { i: number } }>>('events.list', { types: ['user.tick'], last: true, limit: 3 });
    expect(last.map((e) => e.data.i)).toEqual([emitted - 3, emitted - 2, emitted - 1]);
    const earlier = await client.call<Array<{ data: { i: number } }>>('events.list', { types: ['user.tick'], last: true, limit: 2, beforeId: first[10]!.id });
    expect(earlier.map((e) => e.data.i)).toEqual([8, 9]);
  });

  it('picode events pages through the whole history, and --limit takes the most recent', async () => {
    // The host persists events in batches: wait until the last one is in the store.
    const ticks = await until('every event in the store', async () => {
      const all = await world.cli(['events', '--session', 'paged', '--since', '0', '--json', '--type', 'user.tick']);
      expect(all.stderr).toBe('');
      const got = all.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { data: { i: number } }).data.i);
      return got.at(-1) === emitted - 1 ? got : undefined;
    }, 60_000);
    expect(ticks).toEqual(Array.from({ length: emitted }, (_, k) => k));
    const recent = await world.cli(['events', '--session', 'paged', '--limit', String(listPage.defaultSize + 10), '--json', '--type', 'user.tick']);
    const recentTicks = recent.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { data: { i: number } }).data.i);
    expect(recentTicks).toEqual(Array.from({ length: listPage.defaultSize + 10 }, (_, k) => emitted - listPage.defaultSize - 10 + k));
  });
});

/** `plan.list`, `agent.list` and `hooks.log` once answered 50 rows, or every row, in one answer. */
describe('every list method pages', () => {
  const rows = listPage.defaultSize + 20;
  const methods = ['plan.list', 'agent.list', 'hooks.log', 'jobs.list'] as const;

  beforeAll(() => {
    const store = openStore(databasePath(world.env));
    try {
      const now = Date.now();
      const plan = store.db.prepare("INSERT INTO plans (session, task, status, created_at, updated_at) VALUES ('paged', ?, 'ready', ?, ?)");
      const run = store.db.prepare("INSERT INTO agent_runs (session, task, model, status, cwd, limits_json, created_at, updated_at) VALUES ('paged', ?, 'm', 'done', '/', '{}', ?, ?)");
      const job = store.db.prepare("INSERT INTO jobs (session, kind, title, status, stages_json, input_json, created_at, updated_at) VALUES ('paged', 'plan', ?, 'done', '[]', '{}', ?, ?)");
      const hookRun = store.db.prepare("INSERT INTO hook_runs (session, event_id, event_type, hook, action, started_at, duration_ms, outcome) VALUES ('paged', ?, 'user.tick', ?, 'shell', ?, 1, 'ok')");
      store.db.transaction(() => {
        for (let i = 0; i < rows; i++) { plan.run(`plan ${i}`, now, now); run.run(`run ${i}`, now, now); job.run(`job ${i}`, now, now); hookRun.run(i, `hook-${i}`, now); }
      })();
    } finally {
      store.close();
    }
  });

  it.each(methods)('%s answers a page of the default size; the next follows from afterId; an empty page ends', async (method) => {
    const ids = (page: Array<{ id: number }>): number[] => page.map((r) => r.id);
    const first = await client.call<Array<{ id: number }>>(method, {});
    expect(first).toHaveLength(listPage.defaultSize);
    const next = await client.call<Array<{ id: number }>>(method, { afterId: first.at(-1)!.id });
    expect(next.length).toBeGreaterThanOrEqual(rows - listPage.defaultSize);
    const all = [...ids(first), ...ids(next)];
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(new Set(all).size).toBe(all.length);
    expect(await client.call(method, { afterId: next.at(-1)!.id })).toEqual([]);
    const huge = await client.call<unknown[]>(method, { limit: 1e9 });
    expect(huge.length).toBeLessThanOrEqual(listPage.maxSize);
    expect(ids(await client.call<Array<{ id: number }>>(method, { last: true, limit: 2 }))).toEqual(all.slice(-2));
    expect(ids(await client.call<Array<{ id: number }>>(method, { beforeId: all[5], last: true, limit: 2 }))).toEqual(all.slice(3, 5));
    await expect(client.call(method, { limit: 'all' })).rejects.toThrow('parameter `limit` must be a non-negative number');
  });

  it('plugin.list pages by name (afterName)', async () => {
    const names = async (params: object): Promise<string[]> => (await client.call<{ plugins: Array<{ name: string }> }>('plugin.list', params)).plugins.map((p) => p.name);
    const everyone = await names({});
    expect(everyone.length).toBeGreaterThan(1);
    expect(await names({ limit: 1 })).toEqual(everyone.slice(0, 1));
    expect(await names({ afterName: everyone[0] })).toEqual(everyone.slice(1));
    expect(await names({ beforeName: everyone[1] })).toEqual(everyone.slice(0, 1));
  });

  it('the listing commands show the --limit most recent, or every one with --all', async () => {
    const json = async (args: string[]): Promise<Array<Record<string, unknown>>> => {
      const result = await world.cli(args, { timeoutMs: 60_000 });
      expect(result.stderr).toBe('');
      return JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    };
    const plans = await json(['plan', 'list', '--session', 'paged', '--all', '--json']);
    // Newest first, read back a page at a time.
    expect(plans.map((p) => p.task)).toEqual(Array.from({ length: rows }, (_, i) => `plan ${rows - 1 - i}`));
    expect((await json(['plan', 'list', '--session', 'paged', '--limit', '2', '--json'])).map((p) => p.task)).toEqual([`plan ${rows - 1}`, `plan ${rows - 2}`]);
    const runs = await json(['agent', 'list', '--session', 'paged', '--all', '--json']);
    expect(runs.filter((r) => String(r.task).startsWith('run ')).map((r) => r.task)).toEqual(Array.from({ length: rows }, (_, i) => `run ${rows - 1 - i}`));
    const hookRuns = await json(['hooks', 'log', '--session', 'paged', '--all', '--json']);
    expect(hookRuns.filter((r) => String(r.hook).startsWith('hook-')).length).toBe(rows);
    expect((await json(['hooks', 'log', '--session', 'paged', '--hook', 'hook-5', '--json'])).map((r) => r.eventId)).toEqual([5]);
    const jobs = await json(['jobs', 'list', '--session', 'paged', '--all', '--json']);
    expect(jobs.filter((j) => String(j.title).startsWith('job ')).map((j) => j.title)).toEqual(Array.from({ length: rows }, (_, i) => `job ${rows - 1 - i}`));
    const text = await world.cli(['plan', 'list', '--session', 'paged', '--limit', '3']);
    expect(text.stdout.trim().split('\n')).toHaveLength(3);
    const tooMany = await world.cli(['agent', 'list', '--session', 'paged', '--limit', String(listPage.maxSize + 1)]);
    expect(tooMany.stderr).toContain('use --all');
    const listed = await world.cli(['plugin', 'list', '--session', 'paged', '--json']);
    expect((JSON.parse(listed.stdout) as { plugins: unknown[] }).plugins.length).toBeGreaterThan(1);
  });
});

describe('the answer size cap', () => {
  it('an answer over the cap is an error that says how to ask for less; the connection stays usable', async () => {
    const server = new IpcServer({ debug() {}, info() {}, warn() {}, error() {} });
    server.register('big', () => 'x'.repeat(20 * 1024 * 1024));
    server.register('small', () => 'ok');
    const path = `${world.home}/cap.sock`;
    await server.listen(path);
    const c = await connectHost('cap', undefined, { socketPath: path });
    try {
      await expect(c.call('big')).rejects.toThrow(/the answer to big is 20\.0 MB, over the 16 MB limit of one answer/);
      expect(await c.call('small')).toBe('ok');
    } finally {
      c.close();
      await server.close();
    }
  });
});
