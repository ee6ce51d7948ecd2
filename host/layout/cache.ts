import type { SessionSpec } from './model.js';
import { resolveLayoutFile } from './resolve.js';
import { cacheName, codeStamp, fileSignature, readCacheEntry, writeCacheEntry } from '../core/fileCache.js';
import type { LoadLayoutOptions } from './load.js';

/**
 * `picode up`'s way to a SessionSpec. A warm run resolves the file (stat calls), checks the
 * cache entry against the file's signature, the working directory, the `key=value`
 * arguments, picode's build and every environment variable the layout read, and returns
 * the stored spec without importing yaml or zod. Any mismatch loads and validates the file
 * fully (host/layout/load.ts) and refreshes the entry.
 */
interface CachedLayout {
  readonly readEnv: Record<string, string | null>;
  readonly spec: SessionSpec;
}

export interface CachedLoad {
  readonly spec: SessionSpec;
  readonly file: string;
  readonly cached: boolean;
}

export async function loadLayoutCached(fileOrName: string, options: LoadLayoutOptions): Promise<CachedLoad> {
  const file = resolveLayoutFile(fileOrName, options);
  const key = [codeStamp(), fileSignature(file), options.cwd, JSON.stringify(options.settings ?? {})].join('\n');
  const name = cacheName('layout', `${file}\n${options.cwd}`);
  const hit = readCacheEntry<CachedLayout>(name, key, options.env);
  if (hit && Object.entries(hit.readEnv).every(([k, v]) => (options.env[k] ?? null) === v)) {
    return { spec: hit.spec, file, cached: true };
  }
  const { loadLayoutDetailed } = await import('./load.js');
  const loaded = await loadLayoutDetailed(file, options);
  const readEnv = Object.fromEntries(Object.entries(loaded.readEnv).map(([k, v]) => [k, v ?? null]));
  if (loaded.cacheable) writeCacheEntry(name, key, { readEnv, spec: loaded.spec } satisfies CachedLayout, options.env);
  return { spec: loaded.spec, file, cached: false };
}
