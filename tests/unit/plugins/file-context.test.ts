import { describe, expect, it } from 'vitest';
import { globBase, globToRegExp, isGlob } from '../../../plugins/file-context/src/glob.js';

describe('file-context globs', () => {
  it.each([
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/lib/a.ts', false],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/lib/deep/a.ts', true],
    ['**/README.md', 'README.md', true],
    ['**/README.md', 'docs/README.md', true],
    ['*.{js,ts}', 'x.ts', true],
    ['*.{js,ts}', 'x.md', false],
    ['test?.txt', 'test1.txt', true],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'c.txt', true],
    ['docs/**', 'docs/a/b.md', true],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });

  it('finds where to start walking', () => {
    expect(globBase('src/**/*.ts')).toBe('src');
    expect(globBase('*.md')).toBe('');
    expect(globBase('docs/guide/*.md')).toBe('docs/guide');
    expect(isGlob('src/a.ts')).toBe(false);
    expect(isGlob('src/*.ts')).toBe(true);
  });
});
