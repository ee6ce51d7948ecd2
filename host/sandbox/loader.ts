import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { capModuleMemory } from './memoryCap.js';

/**
 * Turns a component into something a worker can run, paying each cost once:
 * - transpiling (jco: 0.5-2 s) once per component ever: the output is cached on disk under
 *   the component's sha256 and jco's version (a new jco may generate different glue);
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

/** Returns the transpiled component from the cache, transpiling it first when absent. */
export async function transpileCached(component: Uint8Array, cacheRoot: string): Promise<TranspiledComponent> {
  const hash = sha256(component);
  const version = jcoVersion();
  const dir = join(cacheRoot, cacheKey(hash, version));
  const cached = readCacheMeta(dir, hash, version);
  if (cached) return describeCache(dir, cached, false);

  const { transpile } = await import('@bytecodealliance/jco');
  const output = await transpile(component, {
    name: 'component',
    instantiation: 'sync',
    noTypescript: true,
    // No WASI shim: plugins are built without WASI imports and get only picode's capabilities.
    wasiShim: false,
    quiet: true,
  });
  const coreFiles = Object.keys(output.files).filter((f) => f.endsWith('.wasm')).sort();
  const meta: CacheMeta = { sha256: hash, jcoVersion: version, imports: [...output.imports].sort(), coreFiles };

  // Write into a private directory and rename it into place, so a concurrent host (or a
  // crash half-way) never leaves a partial entry that a later load would trust.
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // The cached glue runs as JavaScript in the host's workers: only the user may write it.
  mkdirSync(cacheRoot, { recursive: true, mode: 0o700 });
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  writeFileSync(join(tmp, 'package.json'), '{"type":"module"}\n');
  for (const [name, bytes] of Object.entries(output.files)) {
    if (name.endsWith('.d.ts')) continue;
    mkdirSync(dirname(join(tmp, name)), { recursive: true });
    writeFileSync(join(tmp, name), bytes);
  }
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta));
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

function readCacheMeta(dir: string, hash: string, version: string): CacheMeta | undefined {
  const file = join(dir, 'meta.json');
  if (!existsSync(file)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as CacheMeta;
    if (meta.sha256 !== hash || meta.jcoVersion !== version) return undefined;
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
  // Compilation stays lazy (V8's default): compiling a QuickJS plugin eagerly costs ~0.8 s per
  // process (measured, bench/plugins.ts) against ~25 ms lazily. The price of laziness is paid
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
