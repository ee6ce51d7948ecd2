import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffLines, unifiedDiff } from '../../../src/agents/diff.js';

describe('unifiedDiff', () => {
  it('shows a changed line with context and a hunk header', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    const after = 'a\nb\nX\nd\ne\nf\ng\nh\ni\nj\nk\nl\n';
    expect(unifiedDiff(before, after, { path: 'x.txt' })).toBe(
      '--- a/x.txt\n+++ b/x.txt\n@@ -1,6 +1,6 @@\n a\n b\n-c\n+X\n d\n e\n f\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n',
    );
  });

  it('shows a new file and an emptied file', () => {
    expect(unifiedDiff('', 'new\nfile\n', { path: 'n' })).toBe('--- a/n\n+++ b/n\n@@ -0,0 +1,2 @@\n+new\n+file\n');
    expect(unifiedDiff('old\n', '', { path: 'n' })).toBe('--- a/n\n+++ b/n\n@@ -1,1 +0,0 @@\n-old\n');
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('same\n', 'same\n')).toBe('');
  });

  it('edit scripts rebuild both sides for any input', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 12 });
    fc.assert(fc.property(lines, lines, (a, b) => {
      const ops = diffLines(a, b);
      expect(ops.filter((o) => o.kind !== '+').map((o) => o.line)).toEqual(a);
      expect(ops.filter((o) => o.kind !== '-').map((o) => o.line)).toEqual(b);
    }));
  });
});
