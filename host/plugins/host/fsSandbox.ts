import { lstatSync, openSync, readSync, closeSync, readdirSync, realpathSync, fstatSync, constants } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * File access for the fs-read and git capabilities, confined to the granted roots.
 * A path is refused when it contains a `..` segment, when it is absolute outside every root,
 * or when its real path (symlinks resolved) leaves the root it was found under.
 */

export const fsLimits = { maxFileBytes: 1 << 20, maxDirEntries: 5000 } as const;

export class FsAccessError extends Error {}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/** Resolves a plugin-supplied path to a real path inside one of the roots, or throws. */
export function resolveInRoots(roots: readonly string[], path: string): string {
  if (roots.length === 0) throw new FsAccessError('no roots are granted to this plugin (plugins.entries.NAME.roots)');
  if (path.includes('\0')) throw new FsAccessError('path contains a NUL byte');
  if (path.split(/[\\/]/).includes('..')) throw new FsAccessError(`path ${path} contains "..": paths must stay inside the granted roots`);
  const candidate = isAbsolute(path) ? resolve(path) : resolve(roots[0]!, path);
  const root = roots.map((r) => resolve(r)).find((r) => inside(r, candidate));
  if (!root) throw new FsAccessError(`path ${path} is outside the granted roots (${roots.join(', ')})`);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new FsAccessError(`no such file or directory: ${path}`);
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new FsAccessError(`granted root ${root} does not exist`);
  }
  if (!inside(realRoot, real)) throw new FsAccessError(`path ${path} leads outside the granted roots (through a symlink)`);
  return real;
}

export function readFileInRoots(roots: readonly string[], path: string, maxBytes: number): string {
  const real = resolveInRoots(roots, path);
  const limit = maxBytes > 0 ? Math.min(maxBytes, fsLimits.maxFileBytes) : fsLimits.maxFileBytes;
  // O_NOFOLLOW: the real path was checked; refuse if it was swapped for a symlink since.
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FsAccessError(`${path} is not a regular file`);
    const buffer = Buffer.alloc(Math.min(limit, stat.size));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export interface DirEntryInfo {
  readonly name: string;
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
}

export function listDirInRoots(roots: readonly string[], path: string): DirEntryInfo[] {
  const real = resolveInRoots(roots, path === '' ? '.' : path);
  const entries = readdirSync(real, { withFileTypes: true }).slice(0, fsLimits.maxDirEntries);
  return entries.map((e) => {
    const kind: DirEntryInfo['kind'] = e.isSymbolicLink() ? 'symlink' : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
    let size = 0;
    if (kind === 'file') {
      try { size = lstatSync(join(real, e.name)).size; } catch { size = 0; }
    }
    return { name: e.name, kind, size };
  }).sort((a, b) => a.name.localeCompare(b.name));
}
