/**
 * `npm run bench -- plugins [--compare-builders]`: the WASM plugin runtime.
 *
 * - round trip: one event host -> plugin worker -> actions -> host (runtime.deliver, which also
 *   checks and applies the actions), median and p99, against the floor: the plugin's own
 *   `work` function called as plain JS in this process on the same event. Reported twice: over
 *   the first calls after the load, while V8 is still tiering up the plugin's hot code (wasm
 *   Liftoff -> TurboFan, the glue's JS) on background threads, and in the steady state after;
 * - throughput: events per second through the plugin's queue with batching (enqueue, as the
 *   bus does);
 * - load: cold (a fresh process, empty transpile cache) and warm (a fresh process, cache on
 *   disk), each in a child process, timed from `loadManifest` to the plugin ready (the imports
 *   before it are reported apart); plus loads inside a running host: the plugin loaded again
 *   (compiled modules reused, a spare worker thread already booted), as `plugin enable`, a
 *   restart after a crash or a reload of an unchanged component do;
 * - memory: RSS added per loaded plugin (N copies of the plugin);
 * - builders (with --compare-builders): componentize-qjs vs componentize-js on the same
 *   source: size, build time, per-call cost in the same harness.
 * One JSON document on stdout; progress on stderr.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PicodeEvent } from '../host/bus/envelope.js';
import type { HostLogger } from '../host/api/hostApi.js';
import { packageRoot } from '../host/core/paths.js';

const quiet: HostLogger = { debug() {}, info() {}, warn() {}, error() {} };
const progress = (message: string): void => { process.stderr.write(`[bench plugins] ${message}\n`); };

function stats(samples: number[]): { median: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (v: number): number => Math.round(v * 100) / 100;
  return { median: round(at(0.5)), p99: round(at(0.99)), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length), n: sorted.length };
}

function pluginEvent(i: number): PicodeEvent {
  const text = i % 50 === 0 ? `src/a.ts(3,1): error TS1005: ';' expected. #${i}\n` : `line ${i}: compiling module ${i % 97}\n`;
  return { id: i, type: 'pane.output', time: Date.now(), session: 'bench', window: '@1', pane: '%1', paneName: 'shell', data: { text, offset: i * 40, bytes: text.length } };
}

async function newRuntime(cacheDir: string, cwd: string, config: Record<string, unknown> = {}) {
  const { PluginRuntime } = await import('../host/plugins/host/runtime.js');
  return new PluginRuntime({
    session: 'bench', db: undefined, bus: undefined, panes: undefined, gates: undefined, log: quiet,
    config: { entries: {}, ...config }, cacheDir, cwd, complete: undefined,
  });
}

/**
 * Child mode: load one plugin in this fresh process and report the times. With `early`, a
 * plugin worker is booted first thing, as the host's main does before it loads its config.
 */
async function childLoad(dir: string, cacheDir: string, early: boolean): Promise<void> {
  const started = performance.now();
  if (early) (await import('../host/plugins/host/workerPool.js')).bootPluginWorkerEarly();
  const { readManifest } = await import('../host/plugins/manifest.js');
  const runtime = await newRuntime(cacheDir, dir);
  const manifest = readManifest(dir);
  const imported = performance.now();
  await runtime.loadManifest(manifest);
  const loaded = performance.now();
  await runtime.dryRun('bench-echo', [pluginEvent(1)]);
  const firstCall = performance.now();
  await runtime.stop();
  process.stdout.write(JSON.stringify({ importMs: imported - started, loadMs: loaded - imported, firstCallMs: firstCall - loaded }));
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child-load');
  if (childIndex >= 0) return childLoad(process.argv[childIndex + 1]!, process.argv[childIndex + 2]!, process.argv.includes('--early-worker'));

  const root = packageRoot();
  const work = mkdtempSync(join(tmpdir(), 'picode-bench-plugins-'));
  try {
    const { buildPlugin } = await import('../host/plugins/build/builder.js');
    const { readManifest } = await import('../host/plugins/manifest.js');
    const dir = join(work, 'bench-echo');
    cpSync(join(root, 'tests', 'fixtures', 'plugins', 'bench-echo'), dir, { recursive: true });
    progress('building the benchmark plugin (componentize-qjs)...');
    const built = await buildPlugin(dir);
    const result: Record<string, unknown> = {
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
      build: { builder: 'componentize-qjs', bytes: built.bytes, ms: Math.round(built.ms) },
    };

    // Load times, each in a fresh process.
    const cache = join(work, 'cache');
    const child = (label: string, early = false): Record<string, number> => {
      progress(`${label} load in a child process...`);
      const args = [fileURLToPath(import.meta.url), '--child-load', dir, cache, ...(early ? ['--early-worker'] : [])];
      const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
      const r = JSON.parse(out) as Record<string, number>;
      return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    };
    const cold = child('cold');
    const warm = child('warm');

    // Interleaved: a worker booted at process start (as the host does) or not (plugin test).
    const warmRuns = [warm];
    const warmEarlyRuns: Array<Record<string, number>> = [];
    for (let i = 2; i <= 6; i++) {
      warmEarlyRuns.push(child(`warm ${i}, early worker`, true));
      if (i < 6) warmRuns.push(child(`warm ${i}`));
    }

    const runtime = await newRuntime(cache, dir, { entries: { 'bench-echo': { queueSize: 1_000_000, batchSize: 256, eventDeadlineMs: 5000 } } });
    const manifest = readManifest(dir);
    await runtime.loadManifest(manifest);
    const reloads: number[] = [];
    let t: number;
    for (let i = 0; i < 7; i++) {
      // Time for the spare worker (started when the previous instance became ready) to boot,
      // as it has before any load a user asks of a running host.
      await new Promise((r) => setTimeout(r, 300));
      t = performance.now();
      await runtime.loadManifest(manifest);
      reloads.push(performance.now() - t);
    }
    result.load = {
      coldProcess: cold,
      warmProcess: warm,
      warmProcessLoadMs: stats(warmRuns.map((r) => r.loadMs!)),
      warmProcessEarlyWorkerLoadMs: stats(warmEarlyRuns.map((r) => r.loadMs!)),
      loadInRunningHostMs: stats(reloads),
      emptyWorkerStartMs: await emptyWorkerStart(),
      goalWarmMs: 100,
    };

    // Round trip vs the plain-JS floor.
    const { work: floorWork } = (await import(pathToFileURL(join(dir, 'src', 'work.js')).href)) as { work: (events: unknown[]) => unknown[] };
    const { toWireEvent } = await import('../host/plugins/host/runtime.js');
    const rounds = 5000;
    progress(`round trip x ${rounds * 3}...`);
    const roundTrips = async (): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const e = pluginEvent(i);
        t = performance.now();
        await runtime.deliver('bench-echo', e);
        samples.push((performance.now() - t) * 1000);
      }
      return samples;
    };
    const tieringUp = await roundTrips();
    await roundTrips();
    const wasm = await roundTrips();
    const floor: number[] = [];
    let sink = 0;
    for (let i = 0; i < rounds + 500; i++) {
      const e = pluginEvent(i);
      t = performance.now();
      sink += floorWork([toWireEvent(e)]).length;
      if (i >= 500) floor.push((performance.now() - t) * 1000);
    }
    result.roundTripUs = {
      plugin: stats(wasm), firstCallsAfterLoad: stats(tieringUp), plainJsFloor: stats(floor),
      directCall: await directCall(manifest.component, cache), goalMedianUs: 50, checksum: sink,
    };

    // Throughput with batching.
    const total = 100_000;
    progress(`throughput: ${total} events through the queue...`);
    const status = () => runtime.list().find((p) => p.name === 'bench-echo')!;
    const before = status().stats.events;
    t = performance.now();
    for (let i = 0; i < total; i += 1000) runtime.enqueue('bench-echo', Array.from({ length: 1000 }, (_, k) => pluginEvent(i + k)));
    while (status().stats.events - before < total || status().queued > 0) await new Promise((r) => setTimeout(r, 5));
    // Every event is handed over; a call queued now runs after the batch in flight.
    await runtime.dryRun('bench-echo', []);
    const seconds = (performance.now() - t) / 1000;
    const s = status();
    result.throughput = { events: total, seconds: Math.round(seconds * 1000) / 1000, eventsPerSecond: Math.round(total / seconds), batchSize: 256, dropped: s.stats.dropped, goalEventsPerSecond: 20_000 };
    await runtime.stop();

    // RSS per loaded plugin.
    const copies = 6;
    progress(`RSS of ${copies} loaded copies...`);
    const rssRuntime = await newRuntime(cache, dir);
    for (let i = 0; i < copies; i++) {
      const copy = join(work, `copy-${i}`);
      cpSync(dir, copy, { recursive: true });
      const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { name: string };
      pkg.name = `bench-copy-${i}`;
      writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg));
    }
    await rssRuntime.loadManifest(readManifest(join(work, 'copy-0')));
    await rssRuntime.dryRun('bench-copy-0', [pluginEvent(1)]);
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().rss;
    for (let i = 1; i < copies; i++) {
      await rssRuntime.loadManifest(readManifest(join(work, `copy-${i}`)));
      await rssRuntime.dryRun(`bench-copy-${i}`, [pluginEvent(1)]);
    }
    const perPlugin = (process.memoryUsage().rss - base) / (copies - 1);
    result.rssPerPluginMiB = Math.round((perPlugin / 1024 / 1024) * 10) / 10;
    await rssRuntime.stop();

    if (process.argv.includes('--compare-builders')) result.builders = await compareBuilders(dir, work);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The floor of any worker-per-plugin design: starting a worker thread that does nothing (median of 7). */
async function emptyWorkerStart(): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true, env: {} });
    await new Promise((r) => worker.once('message', r));
    samples.push(performance.now() - t);
    await worker.terminate();
  }
  return stats(samples).median;
}

/**
 * The same on-event call made on the main thread straight into jco's glue (no worker, no
 * checks): what the component itself costs, to tell it apart from the worker round trip.
 */
async function directCall(component: string, cacheDir: string): Promise<unknown> {
  const { transpileCached, compileCoreModules } = await import('../host/plugins/build/loader.js');
  const transpiled = await transpileCached(readFileSync(component), cacheDir);
  const modules = await compileCoreModules(transpiled, 64);
  const glue = (await import(pathToFileURL(transpiled.jsFile).href)) as {
    instantiate(get: (n: string) => WebAssembly.Module, imports: Record<string, unknown>): { guest: { onEvent(e: unknown[]): unknown } };
  };
  const { guest } = glue.instantiate((n) => modules[n]!, {});
  const wit = (i: number) => ({ ...pluginEvent(i), id: BigInt(i), time: 1n, data: JSON.stringify(pluginEvent(i).data) });
  const one = [wit(1)];
  for (let i = 0; i < 500; i++) guest.onEvent(one);
  const samples: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    guest.onEvent(one);
    samples.push((performance.now() - t) * 1000);
  }
  const batch = Array.from({ length: 256 }, (_, i) => wit(i));
  const t = performance.now();
  for (let i = 0; i < 40; i++) guest.onEvent(batch);
  const perEventUs = ((performance.now() - t) * 1000) / (40 * 256);
  return { singleEventUs: stats(samples), batchedPerEventUs: Math.round(perEventUs * 100) / 100 };
}

/**
 * componentize-qjs (default and opt-size) against componentize-js on the benchmark plugin:
 * size, build time, per-call cost of `on-event` on the main thread through jco's glue.
 * componentize-js 0.22 (the copy bundled with jco) reads its inputs through preview2-shim,
 * which has no preopened directory on this jco: the root is preopened for the build here.
 */
async function compareBuilders(dir: string, work: string): Promise<unknown> {
  const { componentize: qjs } = await import('componentize-qjs');
  const { transpileCached, compileCoreModules } = await import('../host/plugins/build/loader.js');
  const { worldSource } = await import('../host/plugins/build/builder.js');
  const witDir = join(work, 'wit');
  mkdirSync(witDir, { recursive: true });
  cpSync(join(packageRoot(), 'plugins', 'wit', 'plugin.wit'), join(witDir, 'plugin.wit'));
  writeFileSync(join(witDir, 'world.wit'), worldSource([]));
  // One file, so that every builder gets the same input (componentize-js does not resolve imports).
  const source = join(work, 'single.js');
  const jsSource = `${readFileSync(join(dir, 'src', 'work.js'), 'utf8')}\n${readFileSync(join(dir, 'src', 'plugin.js'), 'utf8').replace(/^import .*$/m, '')}`;
  writeFileSync(source, jsSource);
  const out: Record<string, unknown> = {};

  const measure = async (label: string, build: () => Promise<Uint8Array>): Promise<void> => {
    progress(`builder ${label}...`);
    const t = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = await build();
    } catch (error) {
      out[label] = { error: (error as Error).message.split('\n')[0] };
      return;
    }
    const buildMs = performance.now() - t;
    const transpiled = await transpileCached(bytes, join(work, `cache-${label}`));
    const modules = await compileCoreModules(transpiled, 256);
    const glue = (await import(pathToFileURL(transpiled.jsFile).href)) as {
      instantiate(get: (n: string) => WebAssembly.Module, imports: Record<string, unknown>): { guest: { onEvent(e: unknown[]): unknown } };
    };
    const { guest } = glue.instantiate((n) => modules[n]!, {});
    const ev = [{ id: 1n, type: 'pane.output', time: 1n, pane: '%1', paneName: 'shell', data: JSON.stringify(pluginEvent(3).data) }];
    for (let i = 0; i < 2000; i++) guest.onEvent(ev);
    const samples: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = performance.now();
      guest.onEvent(ev);
      samples.push((performance.now() - s) * 1000);
    }
    const gz = (await import('node:zlib')).gzipSync(bytes).length;
    out[label] = { bytes: bytes.length, gzipBytes: gz, buildMs: Math.round(buildMs), callUs: stats(samples) };
  };

  await measure('componentize-qjs', async () => (await qjs({ witPath: witDir, world: 'built', jsSource, jsPath: source, moduleRoot: work, stubWasi: true, sync: true })).component);
  await measure('componentize-qjs-opt-size', async () => (await qjs({ witPath: witDir, world: 'built', jsSource, jsPath: source, moduleRoot: work, stubWasi: true, sync: true, optSize: true })).component);
  await measure('componentize-js', async () => {
    const base = join(packageRoot(), 'node_modules', '@bytecodealliance', 'jco', 'node_modules', '@bytecodealliance');
    const shim = (await import(pathToFileURL(join(base, 'preview2-shim', 'dist', 'nodejs', 'filesystem.js')).href)) as { _addPreopen(v: string, h: string): void };
    shim._addPreopen('/', '/');
    const { componentize } = (await import(pathToFileURL(join(base, 'componentize-js', 'src', 'componentize.js')).href)) as {
      componentize(opts: Record<string, unknown>): Promise<{ component: Uint8Array }>;
    };
    return (await componentize({ sourcePath: source, witPath: witDir, worldName: 'built', disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'] })).component;
  });
  return out;
}

await main();
