import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, packageRoot } from '../core/paths.js';

/**
 * A JSON cache for results that are slow to produce only because of the modules needed to
 * produce them (yaml, zod, cosmiconfig: ~280 ms of imports here) and cheap to check with
 * `stat`: the validated layout and the merged config. An entry stores the exact key it was
 * made for; any difference (a file edited, added or removed, another picode build) is a miss.
 * Writes go to a temporary file renamed into place, so a reader never sees half an entry.
 */
export function readCacheEntry<T>(name: string, key: string, env: NodeJS.ProcessEnv): T | undefined {
  try {
    const entry = JSON.parse(readFileSync(join(cacheDir(env), name), 'utf8')) as { key?: unknown; value?: T };
    return entry.key === key ? entry.value : undefined;
  } catch {
    return undefined;
  }
}

export function writeCacheEntry(name: string, key: string, value: unknown, env: NodeJS.ProcessEnv): void {
  const file = join(cacheDir(env), name);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, value }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // The cache is an optimisation: a read-only state directory only costs speed.
  }
}

/** `path:size:mtime:ctime:ino`, or `path:-` when it does not exist. */
export function fileSignature(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`;
  } catch {
    return `${path}:-`;
  }
}

let stamp: string | undefined;

/**
 * Identifies the picode build: its version and the modification times of the compiled
 * layout and config modules, so rebuilding picode (even without a version bump)
 * invalidates what an older build cached.
 */
export function codeStamp(): string {
  if (stamp !== undefined) return stamp;
  const root = packageRoot();
  const here = dirname(fileURLToPath(import.meta.url));
  const dirs = [here, join(here, 'sections'), join(here, '..', 'layout'), join(here, '..', 'layout', 'importers')];
  const parts = [fileSignature(join(root, 'package.json')), fileSignature(join(here, '..', '..', 'src', 'providers', 'configSchema.js'))];
  for (const dir of dirs) {
    try {
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.js') || f.endsWith('.ts')) parts.push(fileSignature(join(dir, f)));
    } catch {
      parts.push(`${dir}:-`);
    }
  }
  stamp = parts.join('|');
  return stamp;
}

/** A short, stable file name for a cache key (FNV-1a, 32 bits, hex). */
export function cacheName(prefix: string, text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${prefix}-${(h >>> 0).toString(16).padStart(8, '0')}.json`;
}
