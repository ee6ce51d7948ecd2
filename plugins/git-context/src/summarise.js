// Turns the git capability's raw output into short, readable context. Pure functions,
// unit-tested in tests/unit/plugins/git-context.test.ts.

const CODES = { M: 'modified', A: 'added', D: 'deleted', R: 'renamed', C: 'copied', T: 'type changed', U: 'unmerged' };

/** Parses `git status --porcelain=v2 --branch`. */
export function parseStatus(text) {
  const s = { branch: undefined, upstream: undefined, ahead: 0, behind: 0, oid: undefined, staged: [], unstaged: [], untracked: [], conflicts: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith('# branch.head ')) s.branch = line.slice(14);
    else if (line.startsWith('# branch.oid ')) s.oid = line.slice(13);
    else if (line.startsWith('# branch.upstream ')) s.upstream = line.slice(18);
    else if (line.startsWith('# branch.ab ')) {
      const m = /\+(\d+) -(\d+)/.exec(line);
      if (m) { s.ahead = +m[1]; s.behind = +m[2]; }
    } else if (line.startsWith('1 ') || line.startsWith('2 ')) {
      const parts = line.split(' ');
      const xy = parts[1];
      // Ordinary entries have 8 fields before the path, renames 9 (+ "\torig").
      const rest = parts.slice(line.startsWith('1 ') ? 8 : 9).join(' ');
      const [path, orig] = rest.split('\t');
      if (xy[0] !== '.') s.staged.push({ path, change: CODES[xy[0]] ?? xy[0], from: orig });
      if (xy[1] !== '.') s.unstaged.push({ path, change: CODES[xy[1]] ?? xy[1] });
    } else if (line.startsWith('u ')) {
      s.conflicts.push(line.split(' ').slice(10).join(' '));
    } else if (line.startsWith('? ')) {
      s.untracked.push(line.slice(2));
    }
  }
  return s;
}

/** Parses `git diff --numstat`: files with added/removed lines (binary files have "-"). */
export function parseNumstat(text) {
  return text.split('\n').filter(Boolean).map((line) => {
    const [added, removed, ...path] = line.split('\t');
    return { path: path.join('\t'), added: added === '-' ? undefined : +added, removed: removed === '-' ? undefined : +removed };
  });
}

export function parseLog(text) {
  return text.split('\n').filter(Boolean).map((line) => {
    const [hash, author, time, ...subject] = line.split('\t');
    return { hash, author, time: +time, subject: subject.join('\t') };
  });
}

function list(items, max, render) {
  const shown = items.slice(0, max).map(render);
  if (items.length > max) shown.push(`  ... and ${items.length - max} more`);
  return shown.join('\n');
}

export function statusText(s) {
  const head = s.branch === '(detached)' ? `detached HEAD at ${(s.oid ?? '').slice(0, 10)}` : `on branch ${s.branch ?? '(unknown)'}`;
  const track = s.upstream ? `, tracking ${s.upstream} (${s.ahead} ahead, ${s.behind} behind)` : ', no upstream';
  const lines = [`${head}${track}`];
  if (s.conflicts.length) lines.push(`conflicts (${s.conflicts.length}):\n${list(s.conflicts, 30, (p) => `  ${p}`)}`);
  if (s.staged.length) lines.push(`staged (${s.staged.length}):\n${list(s.staged, 40, (f) => `  ${f.change}: ${f.path}${f.from ? ` (from ${f.from})` : ''}`)}`);
  if (s.unstaged.length) lines.push(`not staged (${s.unstaged.length}):\n${list(s.unstaged, 40, (f) => `  ${f.change}: ${f.path}`)}`);
  if (s.untracked.length) lines.push(`untracked (${s.untracked.length}):\n${list(s.untracked, 20, (p) => `  ${p}`)}`);
  if (!s.conflicts.length && !s.staged.length && !s.unstaged.length && !s.untracked.length) lines.push('working tree clean');
  return lines.join('\n');
}

export function diffText(staged, unstaged) {
  const part = (title, files) => {
    if (files.length === 0) return `${title}: none`;
    const added = files.reduce((n, f) => n + (f.added ?? 0), 0);
    const removed = files.reduce((n, f) => n + (f.removed ?? 0), 0);
    const sorted = [...files].sort((a, b) => ((b.added ?? 0) + (b.removed ?? 0)) - ((a.added ?? 0) + (a.removed ?? 0)));
    return `${title}: ${files.length} file(s), +${added} -${removed}\n${list(sorted, 30, (f) => `  ${f.added === undefined ? 'binary' : `+${f.added} -${f.removed}`}  ${f.path}`)}`;
  };
  return `${part('staged changes', staged)}\n${part('unstaged changes', unstaged)}`;
}

// Plugins have no clock (no WASI): commits show their date, not "3 h ago".
export function logText(commits) {
  const day = (t) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
  return commits.map((c) => `${c.hash} ${c.subject} (${c.author}, ${day(c.time)})`).join('\n') || 'no commits yet';
}
