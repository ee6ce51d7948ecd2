// Glob patterns for file-context: `*` (within a path segment), `**` (any depth), `?`,
// `[abc]`, `{a,b}`. Pure functions, unit-tested in tests/unit/plugins/file-context.test.ts.

export function isGlob(pattern) {
  return /[*?[{]/.test(pattern);
}

export function globToRegExp(pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // "**/" matches zero or more directories; a trailing "**" matches everything below.
        if (pattern[i + 2] === '/') { re += '(?:[^/]+/)*'; i += 2; } else { re += '.*'; i += 1; }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) { re += '\\{'; continue; }
      re += `(?:${pattern.slice(i + 1, end).split(',').map((alt) => globToRegExp(alt).source.slice(1, -1)).join('|')})`;
      i = end;
    } else {
      re += c.replace(/[.+^$()|\\/]/g, (x) => `\\${x}`);
    }
  }
  return new RegExp(`^${re}$`);
}

/** The directory a glob can start walking from (the part before the first wildcard segment). */
export function globBase(pattern) {
  const parts = pattern.split('/');
  const base = [];
  for (const part of parts) {
    if (isGlob(part)) break;
    base.push(part);
  }
  return base.length === parts.length ? base.slice(0, -1).join('/') : base.join('/');
}

/** Directories never walked into: dependencies, build output, VCS data. */
export const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'target', '.venv', 'venv', '__pycache__', '.next', '.cache', 'coverage']);
