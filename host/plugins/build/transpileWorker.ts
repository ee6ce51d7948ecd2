import { parentPort } from 'node:worker_threads';

/**
 * Runs jco's `transpile` off the host's main thread (loader.ts starts this file in a worker).
 * Transpiling is synchronous work inside jco's own wasm: the first call of a process compiles
 * jco's bindgen (seconds), each later one is cheaper. On the main thread that froze the host's
 * event loop while the shipped plugins loaded (pane events arrived seconds late). Only the
 * transpile runs here; the cache (keys, atomic rename)
 * stays in loader.ts, so there is one place that decides what a valid entry is.
 */

export interface TranspileRequest {
  readonly id: number;
  readonly component: Uint8Array;
}

/** An error as it crosses the thread boundary: enough to rebuild one with the same message. */
export interface SerialisedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** `code`, `errno`, `syscall`, `path` of a Node system error, when present. */
  readonly props: Record<string, string | number>;
}

export type TranspileReply =
  | { readonly id: number; readonly ok: true; readonly files: Record<string, Uint8Array>; readonly imports: string[] }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError };

type Transpile = typeof import('@bytecodealliance/jco')['transpile'];
let transpile: Promise<Transpile> | undefined;

async function run(request: TranspileRequest): Promise<TranspileReply> {
  try {
    transpile ??= import('@bytecodealliance/jco').then((jco) => jco.transpile);
    const output = await (await transpile)(request.component, {
      name: 'component',
      instantiation: 'sync',
      noTypescript: true,
      // No WASI shim: plugins are built without WASI imports and get only picode's capabilities.
      wasiShim: false,
      quiet: true,
    });
    const files: Record<string, Uint8Array> = {};
    for (const [name, bytes] of Object.entries(output.files)) if (!name.endsWith('.d.ts')) files[name] = bytes;
    return { id: request.id, ok: true, files, imports: [...output.imports] };
  } catch (error) {
    return { id: request.id, ok: false, error: serialiseError(error) };
  }
}

export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), props: {} };
  const props: Record<string, string | number> = {};
  for (const key of ['code', 'errno', 'syscall', 'path']) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') props[key] = value;
  }
  // jco throws `ComponentError`: keep its name, so the rebuilt error reads as before.
  return { name: error.name === 'Error' ? error.constructor.name : error.name, message: error.message, stack: error.stack, props };
}

// One transpile at a time, in arrival order: concurrent calls each set jco up again, so the
// shipped plugins transpile faster one after the other than all at once (docs/benchmarks.md).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (request: TranspileRequest) => {
  queue = queue.then(async () => {
    const reply = await run(request);
    try {
      parentPort!.postMessage(reply);
    } catch (error) {
      // The output could not be posted: answer anyway, so the host never waits forever.
      parentPort!.postMessage({ id: request.id, ok: false, error: serialiseError(error) } satisfies TranspileReply);
    }
  });
});
