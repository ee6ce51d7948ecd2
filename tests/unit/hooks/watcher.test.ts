import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ignorePredicate, watchFiles, type FileBatch, type FileWatcher } from '../../../host/hooks/watcher.js';

const dirs: string[] = [];
const watchers: FileWatcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'picode-watch-'));
  dirs.push(root);
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, '.gitignore'), 'dist/\n*.log\n');
  return root;
}

const defaults = { paths: ['**'], ignore: [] as string[], gitignore: true, debounceMs: 100, maxWaitMs: 1000, maxPaths: 500 };

async function start(root: string, overrides: Partial<typeof defaults> = {}) {
  const batches: FileBatch[] = [];
  const w = await watchFiles({ ...defaults, ...overrides, root }, (b) => batches.push(b));
  watchers.push(w);
  await w.ready;
  return batches;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ignore rules', () => {
  it('follows .gitignore (directory patterns included), watch.ignore and the built-in directories', async () => {
    const root = project();
    const ignored = await ignorePredicate(root, { ignore: ['tmp/**', '**/*.snap'], gitignore: true });
    const table: Array<[string, boolean | undefined, boolean]> = [
      ['src/a.ts', false, false],
      ['dist', true, true],
      ['dist/x.js', false, true],
      ['build.log', false, true],
      ['src/deep/out.log', false, true],
      ['node_modules', true, true],
      ['a/node_modules/b.js', false, true],
      ['.git/index', false, true],
      ['tmp', true, true],
      ['tmp/x', false, true],
      ['src/__snapshots__/a.snap', false, true],
      ['.gitignore', false, false],
    ];
    for (const [rel, isDir, expected] of table) expect([rel, ignored(rel, isDir)]).toEqual([rel, expected]);
    const noGit = await ignorePredicate(root, { ignore: [], gitignore: false });
    expect(noGit('build.log', false)).toBe(false);
  });
});

describe('file.changed batches', () => {
  it('debounces a burst of writes into one batch with every distinct path', async () => {
    const root = project();
    const batches = await start(root);
    for (let i = 0; i < 50; i++) writeFileSync(join(root, 'src', `f${i}.ts`), `${i}`);
    await until(() => batches.reduce((n, b) => n + b.count, 0) >= 50, '50 changes');
    // A burst written in a few ms is one batch (a second one only if the kernel split it around the quiet period).
    expect(batches.length).toBeLessThanOrEqual(2);
    const all = batches.flatMap((b) => b.paths);
    expect(new Set(all).size).toBe(50);
    expect(all.every((p) => p.startsWith('src/f'))).toBe(true);
  });

  it('never reports ignored paths or paths outside watch.paths', async () => {
    const root = project();
    const batches = await start(root, { paths: ['src/**', '*.md'], debounceMs: 50 });
    writeFileSync(join(root, 'dist', 'out.js'), 'x');
    writeFileSync(join(root, 'node_modules', 'm.js'), 'x');
    writeFileSync(join(root, 'build.log'), 'x');
    writeFileSync(join(root, 'other.txt'), 'x');
    writeFileSync(join(root, 'README.md'), 'x');
    writeFileSync(join(root, 'src', 'a.ts'), 'x');
    await until(() => batches.flatMap((b) => b.paths).length >= 2, 'the two included files');
    await new Promise((r) => setTimeout(r, 200));
    expect(batches.flatMap((b) => b.paths).sort()).toEqual(['README.md', 'src/a.ts']);
  });

  it('caps the listed paths but counts them all (a 2,000-file storm)', async () => {
    const root = project();
    const batches = await start(root, { maxPaths: 100, debounceMs: 200, maxWaitMs: 5000 });
    for (let i = 0; i < 2000; i++) writeFileSync(join(root, 'src', `g${i}.ts`), 'x');
    await until(() => batches.reduce((n, b) => n + b.count, 0) >= 2000, '2000 changes');
    expect(batches.every((b) => b.paths.length <= 100)).toBe(true);
    expect(batches.some((b) => b.truncated)).toBe(true);
    // Batches, not events per file: a handful at most for 2,000 writes.
    expect(batches.length).toBeLessThan(20);
  });

  it('flushes at maxWait during a continuous stream of changes', async () => {
    const root = project();
    const batches = await start(root, { debounceMs: 300, maxWaitMs: 150 });
    // Writes every 40 ms keep the quiet period from ever passing; only maxWait can flush.
    for (let i = 0; i < 20; i++) {
      writeFileSync(join(root, 'src', `s${i}.ts`), 'x');
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(() => batches.reduce((n, b) => n + b.count, 0) >= 20, '20 changes');
    expect(batches.length).toBeGreaterThanOrEqual(2);
  });
});

describe('what is watched', () => {
  it('watches only the static bases of the include globs', async () => {
    const { watchedDirs } = await import('../../../host/hooks/watcher.js');
    expect(watchedDirs('/p', ['src/**'])).toEqual(['/p/src']);
    expect(watchedDirs('/p', ['src/**/*.ts', 'src/lib/**', 'test/*.js'])).toEqual(['/p/src', '/p/test']);
    expect(watchedDirs('/p', ['src/**', '*.md'])).toEqual(['/p']);
    expect(watchedDirs('/p', ['{src,test}/**'])).toEqual(['/p']);
    expect(watchedDirs('/p', [])).toEqual(['/p']);
  });

  it('reports changes in a watched base created after the watcher started', async () => {
    const root = mkdtempSync(join(tmpdir(), 'picode-watch-'));
    dirs.push(root);
    const batches = await start(root, { paths: ['lib/**'], debounceMs: 50 });
    mkdirSync(join(root, 'lib'));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(root, 'lib', 'x.ts'), 'x');
    await until(() => batches.flatMap((b) => b.paths).includes('lib/x.ts'), 'lib/x.ts');
  });
});
