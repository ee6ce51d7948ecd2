import { describe, expect, it } from 'vitest';
import { diffText, logText, parseLog, parseNumstat, parseStatus, statusText } from '../../../plugins/git-context/src/summarise.js';

describe('git-context summaries', () => {
  const status = [
    '# branch.oid 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    '# branch.head feature/login',
    '# branch.upstream origin/feature/login',
    '# branch.ab +2 -1',
    '1 M. N... 100644 100644 100644 aaa bbb src/auth.ts',
    '1 .M N... 100644 100644 100644 aaa bbb README.md',
    '1 MM N... 100644 100644 100644 aaa bbb src/app.ts',
    '2 R. N... 100644 100644 100644 aaa bbb R100 src/new name.ts\tsrc/old.ts',
    'u UU N... 100644 100644 100644 100644 aaa bbb ccc package.json',
    '? notes.txt',
  ].join('\n');

  it('parses porcelain v2 status: branch, tracking, staged, unstaged, renames, conflicts, untracked', () => {
    const s = parseStatus(status);
    expect(s).toMatchObject({ branch: 'feature/login', upstream: 'origin/feature/login', ahead: 2, behind: 1 });
    expect(s.staged.map((f: { path: string; change: string }) => `${f.change}:${f.path}`)).toEqual(['modified:src/auth.ts', 'modified:src/app.ts', 'renamed:src/new name.ts']);
    expect(s.staged[2].from).toBe('src/old.ts');
    expect(s.unstaged.map((f: { path: string }) => f.path)).toEqual(['README.md', 'src/app.ts']);
    expect(s.conflicts).toEqual(['package.json']);
    expect(s.untracked).toEqual(['notes.txt']);
    const text = statusText(s);
    expect(text).toContain('on branch feature/login, tracking origin/feature/login (2 ahead, 1 behind)');
    expect(text).toContain('renamed: src/new name.ts (from src/old.ts)');
  });

  it('says when the tree is clean and when HEAD is detached', () => {
    expect(statusText(parseStatus('# branch.oid abc\n# branch.head main\n'))).toBe('on branch main, no upstream\nworking tree clean');
    expect(statusText(parseStatus('# branch.oid 0123456789abcdef\n# branch.head (detached)\n'))).toContain('detached HEAD at 0123456789');
  });

  it('summarises numstat with totals, largest changes first, binary files marked', () => {
    const staged = parseNumstat('3\t1\tsrc/a.ts\n-\t-\tlogo.png\n40\t2\tsrc/b.ts\n');
    const text = diffText(staged, []);
    expect(text).toContain('staged changes: 3 file(s), +43 -3');
    expect(text.indexOf('src/b.ts')).toBeLessThan(text.indexOf('src/a.ts'));
    expect(text).toContain('binary  logo.png');
    expect(text).toContain('unstaged changes: none');
  });

  it('renders the log with dates (plugins have no clock)', () => {
    const commits = parseLog('3f2a9c1\tAda\t1700000000\tfix: login\tredirect\n');
    expect(commits[0]).toEqual({ hash: '3f2a9c1', author: 'Ada', time: 1700000000, subject: 'fix: login\tredirect' });
    expect(logText(commits)).toBe('3f2a9c1 fix: login\tredirect (Ada, 2023-11-14 22:13)');
    expect(logText([])).toBe('no commits yet');
  });
});
