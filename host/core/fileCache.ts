import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir, ensurePrivateDir, packageRoot } from './paths.js';

/**
 * A JSON cache for results that are slow to produce only because of the modules needed to
 * produce them (importing yaml, zod and cosmiconfig dominates a cold `picode up`) and cheap to check with
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
    ensurePrivateDir(dirname(file), env);
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
 * Identifies the picode build: the package version, and the compiler's build-info file,
 * which `tsc` rewrites on every build that changes any output. Rebuilding picode (even
 * without a version bump) therefore invalidates what an older build cached. Two stat calls.
 */
export function codeStamp(): string {
  stamp ??= [fileSignature(join(packageRoot(), 'package.json')), fileSignature(join(packageRoot(), 'dist', '.tsbuildinfo'))].join('|');
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
