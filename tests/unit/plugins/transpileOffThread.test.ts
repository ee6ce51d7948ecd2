import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { stopTranspileWorker, transpileCached } from '../../../host/plugins/build/loader.js';
import { tempDir } from '../../integration/plugins/helpers.js';

// The loader starts the compiled worker (dist/host/plugins/build/transpileWorker.js): `npm test` builds first.
const component = readFileSync(resolve(__dirname, '..', '..', '..', 'plugins', 'pane-errors', 'pane-errors.wasm'));

describe('transpiling off the main thread', () => {
  const tmp = tempDir('picode-transpile-thread-');
  // A fresh worker per test: its first transpile compiles jco's bindgen, which takes seconds.
  beforeEach(() => stopTranspileWorker());
  afterAll(async () => {
    await stopTranspileWorker();
    tmp.dispose();
  });

  it('keeps the main thread ticking while a cold cache is filled', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 10);
    const started = performance.now();
    try {
      const entry = await transpileCached(component, `${tmp.dir}/ticking`);
      expect(entry.fresh).toBe(true);
    } finally {
      clearInterval(timer);
    }
    const elapsedMs = performance.now() - started;
    // On the main thread the transpile is one synchronous block of seconds: the interval fires
    // only during the short asynchronous prelude (loading jco), about 10 times in 3 s. Off the
    // thread it fires all along; a loaded machine stretches a 10 ms interval, so ask for a
    // quarter of the ticks the elapsed time allows, and never fewer than 5.
    expect(ticks).toBeGreaterThanOrEqual(Math.max(5, Math.floor(elapsedMs / 10 / 4)));
  }, 60_000);

  it('transpiles once when two loads of the same component race', async () => {
    const root = `${tmp.dir}/race`;
    // Every transpile is one request posted to the worker; the rename race alone (two
    // transpiles, the loser finding the winner's entry) would post two.
    const requests = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const [a, b] = await Promise.all([transpileCached(component, root), transpileCached(component, root)]);
      expect(a.dir).toBe(b.dir);
      expect([a.fresh, b.fresh].sort()).toEqual([false, true]);
      expect(requests).toHaveBeenCalledTimes(1);
    } finally {
      requests.mockRestore();
    }
  }, 60_000);

  it('surfaces jco errors with the message jco gave', async () => {
    const coreModule = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const error = await transpileCached(coreModule, `${tmp.dir}/bad`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('attempted to parse a wasm module with a component parser');
    expect((error as Error).name).toBe('ComponentError');
    // The worker survives a failed transpile and serves the next one.
    expect((await transpileCached(component, `${tmp.dir}/after-error`)).fresh).toBe(true);
  }, 60_000);

  it('starts a new worker after the previous one was stopped mid-transpile', async () => {
    const outcome = transpileCached(component, `${tmp.dir}/stopped`).catch((e: unknown) => e);
    await stopTranspileWorker();
    expect(((await outcome) as Error).message).toBe('the jco transpile worker was stopped');
    expect((await transpileCached(component, `${tmp.dir}/stopped`)).fresh).toBe(true);
  }, 60_000);
});
