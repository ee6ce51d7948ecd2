import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheKey, compileCoreModules, jcoVersion, sha256, transpileCached } from '../../../host/plugins/build/loader.js';
import { tempDir } from '../../integration/plugins/helpers.js';

const component = readFileSync(resolve(__dirname, '..', '..', '..', 'plugins', 'secrets-redactor', 'secrets-redactor.wasm'));

describe('the transpile cache', () => {
  const tmp = tempDir('picode-loader-');
  afterAll(() => tmp.dispose());

  it('transpiles once, then serves the entry keyed by the component sha256 and the jco version', async () => {
    const first = await transpileCached(component, tmp.dir);
    expect(first.fresh).toBe(true);
    expect(first.dir).toBe(join(tmp.dir, cacheKey(sha256(component), jcoVersion())));
    expect(first.dir).toContain(`-jco${jcoVersion()}`);
    expect(first.imports).toEqual(['picode:plugin/log']);
    expect(existsSync(first.jsFile)).toBe(true);
    expect(first.coreFiles.length).toBeGreaterThan(0);
    const second = await transpileCached(component, tmp.dir);
    expect(second.fresh).toBe(false);
    expect(second.dir).toBe(first.dir);
  }, 60_000);

  it('replaces an entry written by another jco version, missing a file, or corrupt', async () => {
    const entry = await transpileCached(component, tmp.dir);
    const metaFile = join(entry.dir, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(metaFile, JSON.stringify({ ...meta, jcoVersion: '0.0.1' }));
    expect((await transpileCached(component, tmp.dir)).fresh).toBe(true);

    rmSync(join(entry.dir, entry.coreFiles[0]!));
    const again = await transpileCached(component, tmp.dir);
    expect(again.fresh).toBe(true);
    expect(existsSync(join(again.dir, again.coreFiles[0]!))).toBe(true);

    writeFileSync(metaFile, '{not json');
    expect((await transpileCached(component, tmp.dir)).fresh).toBe(true);
    expect((await transpileCached(component, tmp.dir)).fresh).toBe(false);
  }, 120_000);

  it('lets concurrent loads of the same component share one entry', async () => {
    const other = tempDir('picode-loader-race-');
    try {
      const [a, b] = await Promise.all([transpileCached(component, other.dir), transpileCached(component, other.dir)]);
      expect(a.dir).toBe(b.dir);
      expect(JSON.parse(readFileSync(join(a.dir, 'meta.json'), 'utf8')).sha256).toBe(sha256(component));
    } finally {
      other.dispose();
    }
  }, 60_000);

  it('compiles the core modules once per process and memory cap', async () => {
    const entry = await transpileCached(component, tmp.dir);
    const one = compileCoreModules(entry, 64);
    expect(compileCoreModules(entry, 64)).toBe(one);
    expect(compileCoreModules(entry, 32)).not.toBe(one);
    const modules = await one;
    expect(Object.keys(modules).sort()).toEqual([...entry.coreFiles].sort());
    expect(modules[entry.coreFiles[0]!]).toBeInstanceOf(WebAssembly.Module);
  }, 60_000);
});
