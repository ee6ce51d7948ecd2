import { readFileSync } from 'node:fs';
import type { LoadedConfig } from './load.js';
import { cacheName, codeStamp, readCacheEntry, writeCacheEntry } from '../core/fileCache.js';
import { configInputsSignature, isDataConfigFile } from './places.js';

/**
 * The merged, validated config for `picode up`'s fast path: reused while no config file in
 * any place picode searches has appeared, changed or disappeared (checked with stat only),
 * and while picode's build is the same. Configs written in JS/TS (or using cosmiconfig's
 * `$import`) are never cached: their result may depend on anything.
 */
export async function loadConfigCached(options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<LoadedConfig & { cached: boolean }> {
  const key = `${codeStamp()}\n${configInputsSignature(options.cwd, options.env)}`;
  const name = cacheName('config', options.cwd);
  const hit = readCacheEntry<LoadedConfig>(name, key, options.env);
  if (hit) return { ...hit, cached: true };
  const { loadConfig } = await import('./load.js');
  const loaded = await loadConfig(options);
  if (loaded.files.every((f) => isDataConfigFile(f) && !readFileSync(f, 'utf8').includes('$import'))) {
    writeCacheEntry(name, key, loaded, options.env);
  }
  return { ...loaded, cached: false };
}
