import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, hostReady, newSession, until, type World } from '../host/helpers.js';
import { connectHost, type HostClient } from '../../../host/ipc/client.js';
import { IpcServer } from '../../../host/ipc/server.js';
import { listPage } from '../../../host/ipc/protocol.js';

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
