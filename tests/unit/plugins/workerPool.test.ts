import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { PluginWorkerPool, bootPluginWorkerEarly } from '../../../host/plugins/host/workerPool.js';

/** Plugin worker threads started ahead of need (the workers run dist/host/plugins/worker/worker.js). */

const started: Worker[] = [];
const track = (worker: Worker): Worker => {
  started.push(worker);
  return worker;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

describe('the plugin worker pool', () => {
  it('hands out the spare it booted, then a new worker when there is none', async () => {
    const pool = new PluginWorkerPool();
    pool.prestart();
    const spare = (pool as unknown as { spare: Worker }).spare;
    await once(spare, 'online');
    expect(track(pool.take())).toBe(spare);
    const fresh = track(pool.take());
    expect(fresh).not.toBe(spare);
    await pool.stop();
  });

  it('keeps a worker given back as its spare, and terminates one given back when it has a spare', async () => {
    const pool = new PluginWorkerPool();
    const first = track(pool.take());
    const second = track(pool.take());
    pool.giveBack(first);
    const exited = once(second, 'exit');
    pool.giveBack(second);
    await exited;
    expect(pool.take()).toBe(first);
    await pool.stop();
  });

  it('forgets a spare that died before it was taken', async () => {
    const pool = new PluginWorkerPool();
    pool.prestart();
    const spare = track((pool as unknown as { spare: Worker }).spare);
    await spare.terminate();
    await new Promise((r) => setImmediate(r));
    expect(track(pool.take())).not.toBe(spare);
    await pool.stop();
  });

  it('terminates its spare when stopped and starts no more', async () => {
    const pool = new PluginWorkerPool();
    pool.prestart();
    const spare = (pool as unknown as { spare: Worker }).spare;
    const exited = once(spare, 'exit');
    await pool.stop();
    await exited;
    pool.prestart();
    expect((pool as unknown as { spare: Worker | undefined }).spare).toBeUndefined();
  });

  it('gives the worker booted early in the process to the first take', async () => {
    const early = track(bootPluginWorkerEarly());
    expect(bootPluginWorkerEarly()).toBe(early);
    const pool = new PluginWorkerPool();
    expect(pool.take()).toBe(early);
    // Adopted once: the next pool starts its own.
    const other = new PluginWorkerPool();
    expect(track(other.take())).not.toBe(early);
    await Promise.all([pool.stop(), other.stop()]);
  });
});
