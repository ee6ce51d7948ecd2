import { closest, describe } from '../../core/schemaProblems.js';
import { problem } from '../problems.js';
import type { Problem } from '../../core/schemaProblems.js';

/**
 * Small readers shared by the tmuxp and tmuxinator importers. Those formats are loose (a
 * pane may be a string, a list, a map or nothing), so instead of a schema each importer
 * reads the fields it knows with these helpers, which record a problem with the key path
 * when a value has the wrong shape, and collect every key it does not know as unsupported.
 */
export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class Reader {
  readonly problems: Problem[] = [];
  readonly unsupported: string[] = [];

  /** A scalar as a string (tmux names and options may be written as numbers or booleans). */
  str(value: unknown, at: readonly PropertyKey[]): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.problems.push(problem(at, `expected a string, found ${describe(value)}`));
    return undefined;
  }

  bool(value: unknown, at: readonly PropertyKey[]): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problems.push(problem(at, `expected true or false, found ${describe(value)}`));
    return undefined;
  }

  list(value: unknown, at: readonly PropertyKey[]): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    this.problems.push(problem(at, `expected a list, found ${describe(value)}`));
    return [];
  }

  /** A string or a list of strings, as a list (tmux tools accept both for commands). */
  strings(value: unknown, at: readonly PropertyKey[]): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      const one = this.str(value, at);
      return one === undefined ? [] : [one];
    }
    return value.flatMap((v, i) => {
      const s = this.str(v, [...at, i]);
      return s === undefined ? [] : [s];
    });
  }

  /** A map of scalars as strings (environment, options). */
  record(value: unknown, at: readonly PropertyKey[]): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (!isObj(value)) {
      this.problems.push(problem(at, `expected a map of names to values, found ${describe(value)}`));
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = typeof v === 'boolean' ? (v ? 'on' : 'off') : this.str(v, [...at, k]);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  obj(value: unknown, at: readonly PropertyKey[]): Obj | undefined {
    if (isObj(value)) return value;
    this.problems.push(problem(at, `expected a map, found ${describe(value)}`));
    return undefined;
  }

  /**
   * Records every key of `value` that is not `known`, as `where.key (reason)`; a key that
   * looks like a misspelt known one says which, as picode's own format does.
   */
  unknownKeys(value: Obj, known: readonly string[], where: string, reasons: Readonly<Record<string, string>> = {}): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = reasons[key] === undefined ? closest(key, known) : undefined;
      const reason = reasons[key] ?? (guess ? `unknown key, did you mean "${guess}"?` : 'not a field picode knows');
      this.unsupported.push(`${where}${where ? '.' : ''}${key} (${reason})`);
    }
  }
}
