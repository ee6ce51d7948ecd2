import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Stats } from 'node:fs';
import picomatch from 'picomatch';
import type { WatchConfig } from '../config/sections/hooks.js';

/**
 * The file watcher behind `file.changed`: chokidar on one root, filtered by `.gitignore`
 * (the root's, through the `ignore` package), `watch.ignore` globs and the directories no
 * one wants events from (`.git`, `node_modules`), then debounced into batches.
 *
 * Batching is what keeps a storm usable: a build that touches 10,000 files produces one
 * event per quiet period (`debounceMs`), and at most one per `maxWaitMs` while the storm
 * lasts, each listing up to `maxPaths` distinct paths with the full count.
 */
export type ChangeKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface FileBatch {
  readonly root: string;
  readonly path: string;
  readonly paths: string[];
  readonly changes: Array<{ path: string; kind: ChangeKind }>;
  readonly count: number;
  readonly truncated: boolean;
}

export interface FileWatcher {
  /** Resolves once the initial scan is done (changes before that are not reported). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const alwaysIgnored = new Set(['.git', 'node_modules', '.picode-cache']);
/** Distinct paths held per batch; beyond it changes are counted, not listed. */
const maxTracked = 100_000;

export type WatchOptions = Pick<WatchConfig, 'paths' | 'ignore' | 'gitignore' | 'debounceMs' | 'maxWaitMs' | 'maxPaths'> & {
  readonly root: string;
  /** Called with the raw chokidar notification time of the batch's first change (benchmarks). */
  readonly onRaw?: (path: string, at: number) => void;
};

/** Builds the predicate that says whether a path (relative, `/`-separated) is ignored. */
export async function ignorePredicate(root: string, options: Pick<WatchOptions, 'ignore' | 'gitignore'>): Promise<(rel: string, isDir: boolean | undefined) => boolean> {
  const globs = options.ignore.length > 0 ? picomatch(options.ignore, { dot: true }) : undefined;
  let gitignore: { ignores(path: string): boolean } | undefined;
  const file = join(root, '.gitignore');
  if (options.gitignore && existsSync(file)) {
    const { default: ignore } = await import('ignore');
    gitignore = ignore().add(readFileSync(file, 'utf8'));
  }
  return (rel, isDir) => {
    if (rel === '') return false;
    for (const part of rel.split('/')) if (alwaysIgnored.has(part)) return true;
    if (globs && (globs(rel) || (isDir !== false && globs(`${rel}/`)))) return true;
    if (gitignore) {
      if (gitignore.ignores(rel)) return true;
      // Directory-only patterns (`dist/`) match the path with a trailing slash.
      if (isDir === true && gitignore.ignores(`${rel}/`)) return true;
    }
    return false;
  };
}

/**
 * The directories chokidar needs to watch for the include globs: each glob's static base
 * (`src/**` -> `src`), so a project that only cares about `src/` never has its whole tree
 * scanned; the root itself when a glob has no static base (`**`, `*.md`, `{src,test}/**`).
 */
export function watchedDirs(root: string, globs: readonly string[]): string[] {
  const bases = new Set<string>();
  for (const glob of globs.length > 0 ? globs : ['**']) {
    const base = picomatch.scan(glob).base.replace(/^\.\//, '').replace(/\/+$/, '');
    if (base === '' || base === '.') return [root];
    bases.add(base);
  }
  // Drop bases inside other bases (`src` covers `src/lib`).
  const sorted = [...bases].sort();
  const kept = sorted.filter((b, i) => !sorted.slice(0, i).some((a) => b.startsWith(`${a}/`)));
  return kept.map((b) => join(root, b));
}

/** chokidar does not notice a directory created after it started watching it: watch its nearest existing ancestor instead. */
function existingAncestors(root: string, dirs: readonly string[]): string[] {
  const out = new Set<string>();
  for (let dir of dirs) {
    while (dir !== root && !existsSync(dir)) dir = dirname(dir);
    out.add(dir);
  }
  return out.has(root) ? [root] : [...out];
}

export async function watchFiles(options: WatchOptions, onBatch: (batch: FileBatch) => void): Promise<FileWatcher> {
  const { watch } = await import('chokidar');
  const root = options.root;
  const isIgnored = await ignorePredicate(root, options);
  const include = picomatch(options.paths.length > 0 ? options.paths : ['**'], { dot: true });
  const toRel = (path: string): string => {
    const rel = relative(root, path);
    return sep === '/' ? rel : rel.split(sep).join('/');
  };

  const pending = new Map<string, ChangeKind>();
  let extra = 0;
  let quietTimer: NodeJS.Timeout | undefined;
  let maxTimer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    quietTimer = maxTimer = undefined;
    if (pending.size === 0) return;
    const changes: Array<{ path: string; kind: ChangeKind }> = [];
    for (const [path, kind] of pending) {
      if (changes.length >= options.maxPaths) break;
      changes.push({ path, kind });
    }
    const count = pending.size + extra;
    pending.clear();
    extra = 0;
    const paths = changes.map((c) => c.path);
    onBatch({ root, path: paths[0]!, paths, changes, count, truncated: count > paths.length });
  };

  const onChange = (kind: ChangeKind, path: string): void => {
    const rel = toRel(path);
    if (rel === '' || rel.startsWith('..') || !include(rel)) return;
    if (pending.size === 0 && options.onRaw) options.onRaw(rel, performance.now());
    if (pending.has(rel) || pending.size < maxTracked) pending.set(rel, kind);
    else extra++;
    clearTimeout(quietTimer);
    quietTimer = setTimeout(flush, options.debounceMs);
    if (!maxTimer) maxTimer = setTimeout(flush, options.maxWaitMs);
  };

  const watcher = watch(existingAncestors(root, watchedDirs(root, options.paths)), {
    ignoreInitial: true,
    persistent: true,
    ignored: (path: string, stats?: Stats) => {
      const rel = toRel(path);
      if (rel.startsWith('..')) return false;
      return isIgnored(rel, stats ? stats.isDirectory() : undefined);
    },
  });
  for (const kind of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) {
    watcher.on(kind, (path: string) => onChange(kind, path));
  }
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  // A vanished or unreadable directory must not take the host down.
  watcher.on('error', () => {});
  return {
    ready,
    async close() {
      clearTimeout(quietTimer);
      clearTimeout(maxTimer);
      pending.clear();
      await watcher.close();
    },
  };
}
