import picomatch from 'picomatch';
import type { PicodeEvent } from '../bus/envelope.js';
import { PicodeError } from '../core/errors.js';
import type { HookMatchConfig } from '../config/sections/hooks.js';
import { eventFields, type EventFields } from './fields.js';

/**
 * Matchers in the style of Claude Code's hook matchers, compiled once when the config is
 * loaded so that testing an event against a hook is a few string comparisons.
 *
 *  - absent, `""` or `"*"`: matches everything (even an event without that field);
 *  - only letters, digits, `_`, `-`, `,`, `|` and spaces: an exact name, or a list separated
 *    by `|` or `,` (`tests|build`);
 *  - anything else: an unanchored JavaScript regular expression (`^npm (run )?test`);
 *  - a YAML/JSON list: exact names.
 *
 * Event types (the `event` key) also allow `.` in exact names (`file.changed`) and a
 * trailing `.*` or `*` as a prefix (`pane.*`), because dotted names are how picode's events
 * are spelt; anything else with regex characters is a regular expression, as above.
 */
export type TextTest = (value: string | undefined) => boolean;

const always: TextTest = () => true;
const exactCharset = /^[A-Za-z0-9_\-,| ]+$/;
const eventExactCharset = /^[A-Za-z0-9_\-,|. ]+$/;

export class MatcherError extends PicodeError {}

export function compileTextMatcher(spec: string | readonly string[] | undefined, where: string): TextTest {
  if (spec === undefined) return always;
  if (Array.isArray(spec)) return exactSet(spec);
  const text = (spec as string).trim();
  if (text === '' || text === '*') return always;
  if (exactCharset.test(text)) return exactSet(splitList(text));
  return regex(text, where);
}

export function compileEventMatcher(spec: string | readonly string[], where: string): TextTest & { readonly exact?: readonly string[] } {
  const parts = Array.isArray(spec) ? spec : [spec as string];
  const exact: string[] = [];
  const prefixes: string[] = [];
  const regexes: TextTest[] = [];
  let all = false;
  for (const raw of parts) {
    const text = raw.trim();
    if (text === '' || text === '*') { all = true; continue; }
    if (eventExactCharset.test(text)) { exact.push(...splitList(text)); continue; }
    // `pane.*` matches `pane.opened` (not `pane` itself); `pane*` matches any type starting with `pane`.
    const prefix = /^([A-Za-z0-9_\-.]+)\*$/.exec(text);
    if (prefix) { prefixes.push(prefix[1]!); continue; }
    if (Array.isArray(spec)) { exact.push(text); continue; }
    regexes.push(regex(text, where));
  }
  if (all) return always;
  const exactSetOf = new Set(exact);
  const test: TextTest = (value) => {
    if (value === undefined) return false;
    if (exactSetOf.has(value)) return true;
    for (const p of prefixes) if (value.startsWith(p)) return true;
    for (const r of regexes) if (r(value)) return true;
    return false;
  };
  // Purely exact matchers let the engine index hooks by event type.
  return prefixes.length === 0 && regexes.length === 0 ? Object.assign(test, { exact }) : test;
}

export type ExitCodeSpec = number | readonly number[] | 'nonzero' | 'zero' | 'any' | undefined;

/** `nonzero` matches a known exit status other than 0; an unknown one (a pane closed mid-command) matches only `any`. */
export function compileExitCodeMatcher(spec: ExitCodeSpec): (code: number | null | undefined, known: boolean) => boolean {
  if (spec === undefined || spec === 'any') return () => true;
  if (spec === 'zero') return (code) => code === 0;
  if (spec === 'nonzero') return (code, known) => known && code !== 0;
  const codes = new Set(typeof spec === 'number' ? [spec] : spec);
  return (code) => typeof code === 'number' && codes.has(code);
}

export function compileGlobMatcher(spec: string | readonly string[] | undefined): ((paths: readonly string[]) => boolean) | undefined {
  if (spec === undefined) return undefined;
  const globs = typeof spec === 'string' ? [spec] : [...spec];
  const isMatch = picomatch(globs, { dot: true });
  return (paths) => paths.some((p) => isMatch(p));
}

/** One compiled `match` block plus the Claude-style `matcher`: every given condition must hold. */
export type EventTest = (event: PicodeEvent, fields?: EventFields) => boolean;

export function compileMatch(match: HookMatchConfig | undefined, matcher: string | undefined, where: string): EventTest {
  const tests: Array<(f: EventFields) => boolean> = [];
  if (match?.pane !== undefined) {
    const t = compileTextMatcher(match.pane, `${where}.match.pane`);
    tests.push((f) => t(f.paneName) || t(f.paneId));
  }
  if (match?.command !== undefined) {
    const t = compileTextMatcher(match.command, `${where}.match.command`);
    tests.push((f) => t(f.command));
  }
  if (match?.exitCode !== undefined) {
    const t = compileExitCodeMatcher(match.exitCode);
    tests.push((f) => f.exitCodeKnown !== undefined && t(f.exitCode, f.exitCodeKnown));
  }
  if (match?.path !== undefined) {
    const t = compileGlobMatcher(match.path)!;
    tests.push((f) => t(f.paths));
  }
  if (match?.tool !== undefined) {
    const t = compileTextMatcher(match.tool, `${where}.match.tool`);
    tests.push((f) => t(f.tool));
  }
  if (match?.origin !== undefined) {
    const t = compileTextMatcher(match.origin, `${where}.match.origin`);
    tests.push((f) => t(f.origin));
  }
  if (match?.text !== undefined) {
    const t = compileTextMatcher(match.text, `${where}.match.text`);
    tests.push((f) => t(f.text));
  }
  if (matcher !== undefined) {
    const t = compileTextMatcher(matcher, `${where}.matcher`);
    tests.push((f) => t(f.subject));
  }
  if (tests.length === 0) return () => true;
  return (event, fields) => {
    const f = fields ?? eventFields(event);
    for (const test of tests) if (!test(f)) return false;
    return true;
  };
}

function exactSet(names: readonly string[]): TextTest {
  if (names.length === 1) {
    const only = names[0];
    return (value) => value === only;
  }
  const set = new Set(names);
  return (value) => value !== undefined && set.has(value);
}

function splitList(text: string): string[] {
  return text.split(/[|,]/).map((s) => s.trim()).filter((s) => s.length > 0);
}

function regex(text: string, where: string): TextTest {
  let re: RegExp;
  try {
    re = new RegExp(text);
  } catch (error) {
    throw new MatcherError(`${where}: invalid regular expression ${JSON.stringify(text)}: ${(error as Error).message}`, {
      hint: 'matchers with characters other than letters, digits, _ - , | and spaces are regular expressions; escape them (\\.) or use a list',
    });
  }
  return (value) => value !== undefined && re.test(value);
}
