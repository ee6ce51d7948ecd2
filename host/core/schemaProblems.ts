import type { z } from 'zod';

/**
 * Turns zod issues into plain, user-facing problems: a key path, what was expected and what
 * was found. zod's own messages ("Invalid input") say neither, and a union (a pane is a
 * string, a split or a pane object) reports every branch: only the branch the user meant is
 * kept, so the message talks about the thing they wrote.
 */
export interface Problem {
  readonly path: readonly PropertyKey[];
  /** The problem is the key itself (an unknown key), not its value. */
  readonly atKey: boolean;
  readonly message: string;
}

type Issue = z.core.$ZodIssue;

export function problemsFromIssues(
  issues: readonly Issue[],
  data: unknown,
  knownKeys: (path: readonly PropertyKey[], value: unknown) => readonly string[] = () => [],
  base: readonly PropertyKey[] = [],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'invalid_union': {
        const branch = pickBranch(issue.errors);
        if (branch) out.push(...problemsFromIssues(branch, data, knownKeys, path));
        else {
          // No branch fits even in type: say what the branches expect (a string or a list...).
          const expected = unionExpectation(issue.errors);
          out.push(value === undefined
            ? { path, atKey: true, message: `missing: expected ${expected}` }
            : { path, atKey: false, message: `expected ${expected}, found ${describe(value)}` });
        }
        break;
      }
      case 'unrecognized_keys': {
        const known = knownKeys(path, value);
        for (const key of issue.keys) {
          const guess = closest(key, known);
          const expected = known.length ? `; expected one of: ${known.join(', ')}` : '';
          out.push({
            path: [...path, key],
            atKey: true,
            message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}${expected}`,
          });
        }
        break;
      }
      case 'invalid_type':
        out.push({
          path,
          atKey: value === undefined,
          message: value === undefined ? `missing: expected ${article(issue.expected)}` : `expected ${article(issue.expected)}, found ${describe(value)}`,
        });
        break;
      case 'invalid_value':
        out.push({ path, atKey: false, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describe(value)}` });
        break;
      case 'too_small':
        out.push({
          path,
          atKey: false,
          message: issue.origin === 'array' ? `expected at least ${String(issue.minimum)} item(s), found ${describe(value)}`
            : issue.origin === 'string' ? `expected a non-empty string, found ${describe(value)}`
            : `expected at least ${String(issue.minimum)}, found ${describe(value)}`,
        });
        break;
      case 'invalid_format': {
        // Our regexes carry the human description as their message ("a percentage such as ...").
        const wanted = issue.message.startsWith('Invalid') ? `a string matching ${issue.pattern ?? issue.format}` : issue.message;
        out.push({ path, atKey: false, message: `expected ${wanted}, found ${describe(value)}` });
        break;
      }
      default:
        out.push({ path, atKey: false, message: `${issue.message}, found ${describe(value)}` });
    }
  }
  return out;
}

/**
 * The union branch the user most plausibly meant: not one whose very type differs, then one
 * that knows all the keys written, then the one with the fewest problems.
 */
function pickBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const typed = branches.filter((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (typed.length === 0) return undefined;
  const keysOk = typed.filter((b) => !b.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0));
  const pool = keysOk.length ? keysOk : typed;
  return [...pool].sort((a, b) => weight(a) - weight(b))[0];
}

/** What the branches of a union expect at its own path: "a string or a list". */
function unionExpectation(branches: readonly (readonly Issue[])[]): string {
  const kinds = new Set<string>();
  for (const branch of branches) {
    for (const i of branch) {
      if (i.path.length === 0 && i.code === 'invalid_type') kinds.add(article(i.expected));
      if (i.path.length === 0 && i.code === 'invalid_value') for (const v of i.values) kinds.add(JSON.stringify(v));
    }
  }
  return kinds.size ? [...kinds].join(' or ') : 'a value';
}

function weight(issues: readonly Issue[]): number {
  return issues.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 1), 0);
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}

function article(type: string): string {
  if (type === 'object' || type === 'record') return 'a map';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The known key nearest to a misspelt one (edit distance <= 2), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** `windows[0].panes[1].size` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
