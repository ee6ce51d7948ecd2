import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, type BigIntStats } from 'node:fs';
import { ensurePrivateDir } from '../../core/paths.js';
import { join } from 'node:path';

/**
 * Remembers the sha256 of component files by their stat signature, as git's index does for
 * the work tree, so loading a plugin from a warm cache does not read and hash its component
 * (megabytes: docs/benchmarks.md, "plugins") only to find the cache entry it already knows.
 *
 * A signature is trusted only when it was recorded well after the file last changed: on a
 * file system with coarse timestamps a rewrite within the same tick would keep its mtime and
 * ctime ("racy git"), so a hash taken within SETTLE_MS of a change is used once and not
 * trusted again until a later load has hashed the settled file. ctime cannot be set by user
 * tools, and any write, rename over or chmod changes it.
 */

const SETTLE_MS = 2000;

interface Entry {
  readonly path: string;
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly sha256: string;
  readonly hashedAtMs: number;
}

function entryFile(indexDir: string, path: string): string {
  return join(indexDir, `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`);
}

function signature(stat: BigIntStats): Pick<Entry, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'> {
  return { dev: String(stat.dev), ino: String(stat.ino), size: String(stat.size), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs) };
}

/** The recorded sha256 of `path` when its signature is unchanged and was recorded after it settled. */
export function knownHash(indexDir: string, path: string, stat: BigIntStats): string | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryFile(indexDir, path), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  const now = signature(stat);
  const same = entry.path === path && entry.dev === now.dev && entry.ino === now.ino && entry.size === now.size
    && entry.mtimeNs === now.mtimeNs && entry.ctimeNs === now.ctimeNs;
  const changedAtMs = Number((stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs) / 1_000_000n);
  return same && entry.hashedAtMs - changedAtMs > SETTLE_MS && typeof entry.sha256 === 'string' ? entry.sha256 : undefined;
}

/** Records the hash of `path` taken from its content read after `stat` was taken. */
export function recordHash(indexDir: string, path: string, stat: BigIntStats, sha256: string): void {
  const entry: Entry = { path, ...signature(stat), sha256, hashedAtMs: Date.now() };
  const file = entryFile(indexDir, path);
  try {
    ensurePrivateDir(indexDir);
    const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // Only a shortcut: without it the next load hashes the file again.
  }
}
