import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../core/paths.js';
import type { WorkerSetup } from '../protocol.js';

/**
 * Plugin worker threads, started ahead of need.
 *
 * Starting a worker thread is a large part of loading a plugin from a warm cache
 * (docs/benchmarks.md, "plugins"). A plugin worker knows nothing of its plugin until the
 * supervisor posts it an `init` message (protocol.ts), so one can be started before the
 * plugin is known:
 * - a load takes its worker first thing, so the thread boots while the host thread reads,
 *   hashes and compiles the component (the two run on different cores), and plugins loaded
 *   together each boot theirs at the same time;
 * - a supervisor whose worker is ready calls `prestart()`, so the next load, reload or
 *   restart after a crash takes a thread that has already booted.
 * At most one spare waits. It costs some RSS but no CPU, and never keeps the process alive
 * (it is unref'd until taken).
 *
 * The host also boots one worker when its process starts (`bootPluginWorkerEarly`, from
 * host/daemon/main.ts): it boots while the host loads its config, opens the store and
 * attaches to tmux, and the first plugin load adopts it.
 */
export class PluginWorkerPool {
  private spare: Worker | undefined;
  private stopped = false;

  /** Starts a spare worker unless one is already there. */
  prestart(): void {
    if (this.spare || this.stopped) return;
    const worker = startPluginWorker();
    worker.unref();
    // A spare that dies before it is taken (out of memory at boot, say) is just forgotten.
    const forget = (): void => { if (this.spare === worker) this.spare = undefined; };
    worker.once('error', forget);
    worker.once('exit', forget);
    this.spare = worker;
  }

  /** A worker waiting for its `init` message: the spare when there is one, else a new one. */
  take(): Worker {
    const worker = this.spare ?? adoptEarlyWorker() ?? startPluginWorker();
    this.spare = undefined;
    worker.ref();
    return worker;
  }

  /** A worker taken but not used (the load failed before it started the plugin). */
  giveBack(worker: Worker): void {
    if (this.spare || this.stopped) {
      void worker.terminate();
      return;
    }
    worker.unref();
    this.spare = worker;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const spare = this.spare;
    this.spare = undefined;
    await spare?.terminate();
  }
}

/** Lets a worker import the plugin's glue while the host is still compiling its core modules. */
export function prepareWorker(worker: Worker, jsFile: string): void {
  worker.postMessage({ type: 'prepare', jsFile } satisfies WorkerSetup);
}

let earlyWorker: Worker | undefined;

/** Boots a plugin worker now, for the first pool of the process to take (returns it, or the one already booting). */
export function bootPluginWorkerEarly(): Worker {
  if (earlyWorker) return earlyWorker;
  const worker = startPluginWorker();
  worker.unref();
  const forget = (): void => { if (earlyWorker === worker) earlyWorker = undefined; };
  worker.once('error', forget);
  worker.once('exit', forget);
  earlyWorker = worker;
  return worker;
}

function adoptEarlyWorker(): Worker | undefined {
  const worker = earlyWorker;
  earlyWorker = undefined;
  return worker;
}

function workerUrl(): URL | string {
  const here = new URL('../worker/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Running from TypeScript sources (tests): the worker must be the compiled one.
  return join(packageRoot(), 'dist', 'host', 'plugins', 'worker', 'worker.js');
}

function startPluginWorker(): Worker {
  return new Worker(workerUrl(), {
    // No ambient authority: the plugin's glue sees an empty environment.
    env: {},
    stdout: true,
    stderr: true,
    // Bounds the JS heap of jco's glue; wasm linear memory is capped separately (memoryCap.ts).
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });
}
