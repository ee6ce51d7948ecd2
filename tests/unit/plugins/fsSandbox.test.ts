import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listDirInRoots, readFileInRoots, resolveInRoots } from '../../../host/plugins/host/fsSandbox.js';
import { tempDir } from '../../integration/plugins/helpers.js';

describe('fs-read confinement', () => {
  const tmp = tempDir('picode-fs-');
  const root = join(tmp.dir, 'root');
  const other = join(tmp.dir, 'other');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(other);
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(other, 'secret'), 'secret');
  writeFileSync(join(tmp.dir, 'root-sibling'), 'sibling');
  symlinkSync(other, join(root, 'escape'));
  symlinkSync(join(root, 'src', 'a.ts'), join(root, 'alias.ts'));
  afterAll(() => tmp.dispose());

  it('reads relative and absolute paths inside a root, and in-root symlinks', () => {
    expect(readFileInRoots([root], 'src/a.ts', 0)).toBe('export const a = 1;\n');
    expect(readFileInRoots([root], join(root, 'src', 'a.ts'), 0)).toContain('a = 1');
    expect(readFileInRoots([root], 'alias.ts', 6)).toBe('export');
    expect(listDirInRoots([root], '').map((e) => `${e.name}:${e.kind}`)).toEqual(['alias.ts:symlink', 'escape:symlink', 'src:dir']);
  });

  it('refuses "..", absolute escapes, prefix tricks and symlinks leading out', () => {
    expect(() => resolveInRoots([root], '../other/secret')).toThrow(/contains "\.\."/);
    expect(() => resolveInRoots([root], 'src/../../other/secret')).toThrow(/contains "\.\."/);
    expect(() => resolveInRoots([root], join(other, 'secret'))).toThrow(/outside the granted roots/);
    expect(() => resolveInRoots([root], `${root}-sibling`)).toThrow(/outside the granted roots/);
    expect(() => resolveInRoots([root], 'escape/secret')).toThrow(/through a symlink/);
    expect(() => listDirInRoots([root], 'escape')).toThrow(/through a symlink/);
    expect(() => resolveInRoots([], 'src/a.ts')).toThrow(/no roots/);
    expect(() => resolveInRoots([root], 'src/\0a.ts')).toThrow(/NUL/);
  });

  it('reads from any granted root and refuses directories as files', () => {
    expect(readFileInRoots([root, other], join(other, 'secret'), 0)).toBe('secret');
    expect(() => readFileInRoots([root], 'src', 0)).toThrow(/not a regular file/);
    expect(() => readFileInRoots([root], 'missing.txt', 0)).toThrow(/no such file/);
  });
});
