import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ignorePredicate, watchFiles, type FileBatch, type FileWatcher } from '../../../host/hooks/watcher.js';
import { HookEngine } from '../../../host/hooks/engine.js';
import { fakeServices, hooks, limits, makeEvent } from './fakes.js';

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

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let i = 0; i < timeoutMs / 25; i++) {
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

  it('turns a build touching 10,000 files into a few batches and at most two runs of a hook', async () => {
    const root = project();
    const services = fakeServices(root);
    const releases: Array<() => void> = [];
    services.runResult = () => new Promise((r) => releases.push(() => r({ exitCode: 0, output: '', durationMs: 1, interrupted: false })));
    const engine = new HookEngine({
      hooks: hooks({ name: 't', event: 'file.changed', match: { path: 'src/**' }, run: { pane: 'tests', command: 'npm test' } }),
      limits: limits(), services, blockingTypes: new Set(),
    });
    const batches: FileBatch[] = [];
    const w = await watchFiles({ ...defaults, root, maxPaths: 100, debounceMs: 200, maxWaitMs: 2000 }, (b) => {
      batches.push(b);
      engine.dispatch(makeEvent('file.changed', b));
    });
    watchers.push(w);
    await w.ready;
    for (let i = 0; i < 10_000; i++) writeFileSync(join(root, 'src', `g${i}.ts`), 'x');
    await until(() => batches.reduce((n, b) => n + b.count, 0) >= 10_000, '10,000 changes', 60_000);
    // One more save after the storm: a batch that surely arrives while the first run is going
    // (a fast machine may deliver the whole storm as one batch), then quiet.
    writeFileSync(join(root, 'src', 'last.ts'), 'x');
    await until(() => batches.some((b) => b.paths.includes('src/last.ts')), 'the last save', 30_000);
    // Settled: no new batch for three debounce periods.
    for (let before = -1; before !== batches.length;) {
      before = batches.length;
      await new Promise((r) => setTimeout(r, 600));
    }
    expect(batches.every((b) => b.paths.length <= 100)).toBe(true);
    expect(batches.some((b) => b.truncated)).toBe(true);
    expect(batches.length).toBeLessThan(40); // batches, not an event per file
    // The first batch started a run; every later one was coalesced into a single pending run.
    expect(services.runs).toHaveLength(1);
    releases.shift()!();
    await until(() => services.runs.length === 2, 'the coalesced run', 30_000);
    releases.shift()!();
    await engine.idle();
    expect(services.runs).toHaveLength(2);
    expect(engine.stats()[0]!.dropped.coalesced ?? 0).toBe(batches.length - 2);
  }, 120_000);

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
