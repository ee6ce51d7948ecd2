import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { ensurePrivateDir, packageRoot } from '../../core/paths.js';
import { capModuleMemory } from './memoryCap.js';
import { GLUE_REVISION, tuneGlue } from './glueTuning.js';
import { knownHash, recordHash } from './hashIndex.js';
import type { SerialisedError, TranspileReply, TranspileRequest } from './transpileWorker.js';

/**
 * Turns a component into something a worker can run, paying each cost once:
 * - transpiling (jco: seconds for the first component of a process, less for each next one)
 *   once per component ever: the output is cached on disk under the component's sha256 and
 *   jco's version (a new jco may generate different glue). jco runs in a worker thread
 *   (transpileWorker.ts), so a cold cache never freezes the host's event loop;
 * - tuning jco's glue (glueTuning.ts) once, as it is written to the cache;
 * - compiling the core modules once per host process per memory cap: compiled
 *   `WebAssembly.Module`s cannot be persisted on Node 20, but they can be posted to workers,
 *   which then share the compiled code (a restart costs no compile).
 */

export interface TranspiledComponent {
  readonly sha256: string;
  readonly jcoVersion: string;
  /** Cache directory holding `component.js` (jco's glue) and the core `.wasm` files. */
  readonly dir: string;
  readonly jsFile: string;
  readonly coreFiles: readonly string[];
  /** Interfaces the component imports (`picode:plugin/log`). */
  readonly imports: readonly string[];
  /** True when this call transpiled (false: served from the cache). */
  readonly fresh: boolean;
}

interface CacheMeta {
  readonly sha256: string;
  readonly jcoVersion: string;
  /** Which rewrites of the glue were applied (glueTuning.ts); another revision is transpiled again. */
  readonly glueRevision: number;
  readonly imports: string[];
  readonly coreFiles: string[];
}

const require = createRequire(import.meta.url);
let cachedJcoVersion: string | undefined;

export function jcoVersion(): string {
  if (cachedJcoVersion === undefined) {
    const entry = require.resolve('@bytecodealliance/jco');
    // dist/api.js -> package root
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    cachedJcoVersion = pkg.version;
  }
  return cachedJcoVersion;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function cacheKey(componentSha: string, version: string = jcoVersion()): string {
  return `${componentSha.slice(0, 32)}-jco${version}`;
}

/** Cache entries being transpiled by this process, by directory: a second load waits for the first. */
const transpiling = new Map<string, Promise<TranspiledComponent>>();

/**
 * `transpileCached` for a component file. A file whose hash is known by its stat signature
 * (hashIndex.ts) and whose entry is in the cache is not even read.
 */
export async function transpileCachedFile(path: string, cacheRoot: string): Promise<TranspiledComponent> {
  const indexDir = join(cacheRoot, 'by-path');
  const stat = statSync(path, { bigint: true });
  const known = knownHash(indexDir, path, stat);
  if (known) {
    const version = jcoVersion();
    const dir = join(cacheRoot, cacheKey(known, version));
    const cached = readCacheMeta(dir, known, version);
    if (cached) return describeCache(dir, cached, false);
  }
  const transpiled = await transpileCached(readFileSync(path), cacheRoot);
  recordHash(indexDir, path, stat, transpiled.sha256);
  return transpiled;
}

/** Returns the transpiled component from the cache, transpiling it first when absent. */
export async function transpileCached(component: Uint8Array, cacheRoot: string): Promise<TranspiledComponent> {
  const hash = sha256(component);
  const version = jcoVersion();
  const dir = join(cacheRoot, cacheKey(hash, version));
  const cached = readCacheMeta(dir, hash, version);
  if (cached) return describeCache(dir, cached, false);

  const running = transpiling.get(dir);
  // It was transpiled, but not by this call.
  if (running) return { ...(await running), fresh: false };
  const entry = transpileIntoCache(component, cacheRoot, dir, hash, version);
  transpiling.set(dir, entry);
  try {
    return await entry;
  } finally {
    transpiling.delete(dir);
  }
}

async function transpileIntoCache(component: Uint8Array, cacheRoot: string, dir: string, hash: string, version: string): Promise<TranspiledComponent> {
  const output = await transpileOffThread(component);
  const coreFiles = Object.keys(output.files).filter((f) => f.endsWith('.wasm')).sort();
  const meta: CacheMeta = { sha256: hash, jcoVersion: version, glueRevision: GLUE_REVISION, imports: [...output.imports].sort(), coreFiles };

  // Write into a private directory and rename it into place, so a concurrent host (or a
  // crash half-way) never leaves a partial entry that a later load would trust.
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // The cached glue runs as JavaScript in the host's workers: only the user may write it.
  ensurePrivateDir(cacheRoot);
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  writeFileSync(join(tmp, 'package.json'), '{"type":"module"}\n', { mode: 0o600 });
  for (const [name, bytes] of Object.entries(output.files)) {
    mkdirSync(dirname(join(tmp, name)), { recursive: true, mode: 0o700 });
    writeFileSync(join(tmp, name), name === 'component.js' ? tuneGlue(Buffer.from(bytes).toString('utf8')).source : bytes, { mode: 0o600 });
  }
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
  // An invalid entry (corrupt, partial, another jco) is in the way of the rename: drop it.
  if (existsSync(dir) && !readCacheMeta(dir, hash, version)) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    const raced = readCacheMeta(dir, hash, version);
    if (!raced) throw error;
    return describeCache(dir, raced, false);
  }
  return describeCache(dir, meta, true);
}

/** Idle time after which the transpile worker (and the costly jco warm-up it holds) is let go. */
const TRANSPILE_WORKER_IDLE_MS = 30_000;

interface PendingTranspile {
  readonly resolve: (output: { files: Record<string, Uint8Array>; imports: string[] }) => void;
  readonly reject: (error: Error) => void;
}

let transpileWorker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextRequestId = 1;
const pendingTranspiles = new Map<number, PendingTranspile>();

/**
 * One worker serves every transpile of the process, one after the other: its first transpile
 * compiles jco's bindgen (seconds), the next ones reuse it (much cheaper), and a single busy
 * thread leaves the other core to the host on a two-core machine. It holds the process open
 * only while a transpile is pending.
 */
function transpileOffThread(component: Uint8Array): Promise<{ files: Record<string, Uint8Array>; imports: string[] }> {
  const worker = transpileWorker ?? startTranspileWorker();
  clearTimeout(idleTimer);
  worker.ref();
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pendingTranspiles.set(id, { resolve, reject });
    worker.postMessage({ id, component } satisfies TranspileRequest);
  });
}

function transpileWorkerUrl(): URL | string {
  const here = new URL('./transpileWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Running from TypeScript sources (tests): the worker must be the compiled one.
  return join(packageRoot(), 'dist', 'host', 'plugins', 'build', 'transpileWorker.js');
}

function startTranspileWorker(): Worker {
  const worker = new Worker(transpileWorkerUrl());
  transpileWorker = worker;
  worker.on('message', (reply: TranspileReply) => {
    const pending = pendingTranspiles.get(reply.id);
    if (!pending) return;
    pendingTranspiles.delete(reply.id);
    if (reply.ok) pending.resolve({ files: reply.files, imports: reply.imports });
    else pending.reject(rebuildError(reply.error));
    if (pendingTranspiles.size === 0 && transpileWorker === worker) {
      worker.unref();
      idleTimer = setTimeout(() => void stopTranspileWorker(), TRANSPILE_WORKER_IDLE_MS).unref();
    }
  });
  // A crash (an uncaught error, running out of memory) fails what it was doing; the next
  // transpile starts a fresh worker.
  worker.on('error', (error) => abandonTranspileWorker(worker, error));
  worker.on('exit', (code) => abandonTranspileWorker(worker, new Error(`the jco transpile worker exited unexpectedly (code ${code})`)));
  return worker;
}

function abandonTranspileWorker(worker: Worker, error: Error): void {
  if (transpileWorker !== worker) return;
  transpileWorker = undefined;
  clearTimeout(idleTimer);
  for (const pending of pendingTranspiles.values()) pending.reject(error);
  pendingTranspiles.clear();
}

/** Stops the transpile worker now (tests, shutdown); a pending transpile fails. The next one starts a new worker. */
export async function stopTranspileWorker(): Promise<void> {
  const worker = transpileWorker;
  if (!worker) return;
  abandonTranspileWorker(worker, new Error('the jco transpile worker was stopped'));
  await worker.terminate();
}

/** The worker's error, with the message (and name, code...) it had: callers see what jco said. */
function rebuildError(serialised: SerialisedError): Error {
  const error = new Error(serialised.message);
  error.name = serialised.name;
  if (serialised.stack) error.stack = serialised.stack;
  Object.assign(error, serialised.props);
  return error;
}

function readCacheMeta(dir: string, hash: string, version: string): CacheMeta | undefined {
  const file = join(dir, 'meta.json');
  if (!existsSync(file)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as CacheMeta;
    if (meta.sha256 !== hash || meta.jcoVersion !== version || meta.glueRevision !== GLUE_REVISION) return undefined;
    if (!existsSync(join(dir, 'component.js')) || !meta.coreFiles.every((f) => existsSync(join(dir, f)))) return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

function describeCache(dir: string, meta: CacheMeta, fresh: boolean): TranspiledComponent {
  return { sha256: meta.sha256, jcoVersion: meta.jcoVersion, dir, jsFile: join(dir, 'component.js'), coreFiles: meta.coreFiles, imports: meta.imports, fresh };
}

let wasmFlagsSet = false;

/**
 * QuickJS components use extended constant expressions (`i32.add` in a global initialiser),
 * which V8 12.4 (Node 20) still keeps behind a flag. Setting it before the first compile is
 * enough; Node 22+ has it on by default and ignores the flag.
 */
export function enableWasmFeatures(): void {
  if (wasmFlagsSet) return;
  setFlagsFromString('--experimental-wasm-extended-const');
  // Compilation stays lazy (V8's default): compiling a QuickJS plugin eagerly costs several
  // times more per process (docs/benchmarks.md, "plugins"). The price of laziness is paid
  // by the first call of a fresh worker, which gets a grace deadline (supervisor.ts).
  wasmFlagsSet = true;
}

const compiled = new Map<string, Promise<Record<string, WebAssembly.Module>>>();

/** The core modules of a transpiled component, memory-capped and compiled once per process. */
export function compileCoreModules(transpiled: TranspiledComponent, memoryMiB: number): Promise<Record<string, WebAssembly.Module>> {
  const key = `${transpiled.sha256}:${transpiled.jcoVersion}:${memoryMiB}`;
  let modules = compiled.get(key);
  if (!modules) {
    enableWasmFeatures();
    modules = (async () => {
      const out: Record<string, WebAssembly.Module> = {};
      for (const file of transpiled.coreFiles) {
        const { bytes } = capModuleMemory(readFileSync(join(transpiled.dir, file)), memoryMiB * 1024 * 1024);
        out[file] = await WebAssembly.compile(bytes);
      }
      return out;
    })();
    modules.catch(() => compiled.delete(key));
    compiled.set(key, modules);
  }
  return modules;
}

/** Forgets compiled modules of components no longer loaded (after a hot reload). */
export function releaseCompiled(keep: ReadonlySet<string>): void {
  for (const key of compiled.keys()) if (!keep.has(key.split(':')[0]!)) compiled.delete(key);
}
