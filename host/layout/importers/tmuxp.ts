import { dirname } from 'node:path';
import type { LayoutNode, PaneSpec, SessionSpec, TypedTiming, WindowSpec } from '../model.js';
import { expandPath, expandVars, readVar, shellQuote, type ExpandContext } from '../expand.js';
import { describe } from '../../core/schemaProblems.js';
import { LayoutProblems, problem } from '../problems.js';
import { isObj, Reader, type Obj } from './shape.js';
import { sessionNameProblem } from '../sessionName.js';

/**
 * Loads a tmuxp file (YAML or JSON) as it is. tmuxp types every command into an interactive
 * shell, and so does this import (as `typed` commands, sent once the shell is ready); tmuxp's
 * `layout` becomes the window's tmux layout. Fields picode cannot honour are listed in
 * `unsupported` with the reason, never dropped silently.
 *
 * Paths follow tmuxp: `$VAR` and `~` are expanded, a relative session `start_directory` is
 * relative to the file's folder, a window's to the session's, a pane's to the window's.
 */
const SESSION_KEYS = ['session_name', 'start_directory', 'environment', 'options', 'global_options', 'before_script',
  'shell_command_before', 'suppress_history', 'windows'];
const WINDOW_KEYS = ['window_name', 'layout', 'options', 'options_after', 'start_directory', 'shell_command_before',
  'environment', 'focus', 'window_index', 'window_shell', 'panes', 'suppress_history'];
const PANE_KEYS = ['shell_command', 'shell_command_before', 'start_directory', 'shell', 'environment', 'focus',
  'suppress_history', 'enter', 'sleep_before', 'sleep_after'];
const COMMAND_KEYS = ['cmd', 'enter', 'sleep_before', 'sleep_after'];

const REASONS: Record<string, string> = {
  global_options: 'picode does not change server-wide tmux options; put them in your tmux.conf',
};

export function importTmuxp(data: unknown, file: string, ctx: ExpandContext): SessionSpec {
  const r = new Reader();
  if (!isObj(data)) throw new LayoutProblems([problem([], 'a tmuxp file is a map with session_name and windows')], HINT);
  r.unknownKeys(data, SESSION_KEYS, '', REASONS);
  if (data.global_options !== undefined) r.unsupported.push(`global_options (${REASONS.global_options})`);

  const name = r.str(data.session_name, ['session_name']);
  if (name === undefined) r.problems.push(problem(['session_name'], 'missing: tmuxp files need session_name', true));
  const nameProblem = name === undefined ? undefined : sessionNameProblem(expandVars(name, ctx));
  if (nameProblem) r.problems.push(problem(['session_name'], `${nameProblem}; choose another name`));
  const startDirectory = r.str(data.start_directory, ['start_directory']);
  const cwd = expandPath(startDirectory ?? '.', dirname(file), ctx);
  // A relative session directory is relative to the file, which other formats cannot say: kept absolute.
  const cwdSource = startDirectory === undefined ? undefined : /^[~/$]/.test(startDirectory) ? startDirectory : cwd;
  const env = expandValues(r.record(data.environment, ['environment']), ctx);
  const options = expandValues(r.record(data.options, ['options']), ctx);
  const beforeScript = r.str(data.before_script, ['before_script']);
  // As in tmuxp: a path (./x, ~/x, /x) is relative to the file's folder, anything else a command on PATH.
  const before = beforeScript === undefined ? []
    : /^[.~/$]/.test(beforeScript) ? [shellQuote(expandPath(beforeScript, dirname(file), ctx))] : [expandVars(beforeScript, ctx)];
  const sessionPre = commandItems(data.shell_command_before, ['shell_command_before'], 'shell_command_before', r, ctx);
  const suppress = r.bool(data.suppress_history, ['suppress_history']) ?? true;

  const windowsRaw = r.list(data.windows, ['windows']);
  if (windowsRaw.length === 0 && data.windows !== undefined) r.problems.push(problem(['windows'], 'expected at least one window'));
  if (data.windows === undefined) r.problems.push(problem(['windows'], 'missing: tmuxp files need windows', true));
  const windows = windowsRaw.flatMap((w, i) => {
    const win = r.obj(w, ['windows', i]);
    return win ? [importWindow(win, i, { r, cwd, sessionPre, suppress, ctx })] : [];
  });
  if (r.problems.length) throw new LayoutProblems(r.problems, HINT);
  return {
    name: expandVars(name!, ctx),
    cwd,
    ...(cwdSource === undefined ? {} : { cwdSource }),
    env,
    before,
    options,
    windows,
    source: { format: 'tmuxp', file },
    unsupported: r.unsupported,
  };
}

const HINT = 'see https://tmuxp.git-pull.com/configuration/ for the tmuxp format, or docs/layouts.md for what picode reads';

interface WindowContext {
  readonly r: Reader;
  readonly cwd: string;
  readonly sessionPre: readonly Command[];
  readonly suppress: boolean;
  readonly ctx: ExpandContext;
}

function importWindow(w: Obj, position: number, wc: WindowContext): WindowSpec {
  const { r, ctx } = wc;
  const at = ['windows', position];
  const where = `windows[${position}]`;
  r.unknownKeys(w, WINDOW_KEYS, where, REASONS);
  const index = windowIndex(w.window_index, [...at, 'window_index'], r);
  const windowDirectory = r.str(w.start_directory, [...at, 'start_directory']);
  const cwd = expandPath(windowDirectory ?? '.', wc.cwd, ctx);
  const pre = [...wc.sessionPre, ...commandItems(w.shell_command_before, [...at, 'shell_command_before'], `${where}.shell_command_before`, r, ctx)];
  const suppress = r.bool(w.suppress_history, [...at, 'suppress_history']) ?? wc.suppress;
  const windowShell = r.str(w.window_shell, [...at, 'window_shell']);
  const panesRaw = w.panes === undefined ? [null] : r.list(w.panes, [...at, 'panes']);
  const panes = (panesRaw.length ? panesRaw : [null]).map((p, i) =>
    importPane(p, [...at, 'panes', i], `${where}.panes[${i}]`, { ...wc, cwd, pre, suppress, windowShell }));
  const name = r.str(w.window_name, [...at, 'window_name']);
  const layout = r.str(w.layout, [...at, 'layout']);
  // Without `focus`, tmuxp leaves the last pane it created active.
  if (!panes.some((p) => p.focus)) panes[panes.length - 1] = { ...panes.at(-1)!, focus: true };
  return {
    name: name === undefined ? undefined : expandVars(name, ctx),
    cwd,
    ...(windowDirectory === undefined ? {} : { cwdSource: windowDirectory }),
    env: expandValues(r.record(w.environment, [...at, 'environment']), ctx),
    focus: r.bool(w.focus, [...at, 'focus']) ?? false,
    root: layout === undefined ? splitOffPrevious(panes) : column(panes),
    // tmuxp applies `layout` after every split, which decides the geometry.
    tmuxLayout: layout,
    index,
    options: {
      ...expandValues(r.record(w.options, [...at, 'options']), ctx),
      ...expandValues(r.record(w.options_after, [...at, 'options_after']), ctx),
    },
  };
}

/**
 * tmuxp splits each new pane off the one it created last (tmux's default `-v`, in half):
 * for three panes 1/2, 1/4, 1/4 of the height. As a tree: each pane above a column of the rest.
 */
function splitOffPrevious(panes: PaneSpec[]): LayoutNode {
  if (panes.length === 1) return panes[0]!;
  if (panes.length === 2) return column(panes);
  return column([panes[0]!, splitOffPrevious(panes.slice(1))]);
}

function column(children: LayoutNode[]): LayoutNode {
  return children.length === 1 ? children[0]! : { kind: 'split', direction: 'column', size: undefined, children };
}

function windowIndex(value: unknown, at: PropertyKey[], r: Reader): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = r.str(value, at);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) {
    r.problems.push(problem(at, `expected a window number (0 or more), found ${JSON.stringify(value)}`));
    return undefined;
  }
  return Number(text);
}

interface PaneContext extends WindowContext {
  readonly pre: readonly Command[];
  readonly windowShell: string | undefined;
}

function importPane(p: unknown, at: PropertyKey[], where: string, pc: PaneContext): PaneSpec {
  const { r, ctx } = pc;
  let commands: Command[] = [];
  let cwd = pc.cwd;
  let cwdSource: string | undefined;
  let shell = pc.windowShell;
  let env: Record<string, string> = {};
  let focus = false;
  let suppress = pc.suppress;
  let defaults: Timing = { enter: true, sleepBefore: undefined, sleepAfter: undefined };
  if (isObj(p)) {
    r.unknownKeys(p, PANE_KEYS, where, REASONS);
    defaults = timingOf(p, at, r, defaults);
    commands = [
      ...commandItems(p.shell_command_before, [...at, 'shell_command_before'], `${where}.shell_command_before`, r, ctx),
      ...commandItems(p.shell_command, [...at, 'shell_command'], `${where}.shell_command`, r, ctx),
    ];
    const dir = r.str(p.start_directory, [...at, 'start_directory']);
    if (dir !== undefined) {
      cwd = expandPath(dir, pc.cwd, ctx);
      cwdSource = dir;
    }
    shell = r.str(p.shell, [...at, 'shell']) ?? shell;
    env = expandValues(r.record(p.environment, [...at, 'environment']), ctx);
    focus = r.bool(p.focus, [...at, 'focus']) ?? false;
    suppress = r.bool(p.suppress_history, [...at, 'suppress_history']) ?? suppress;
  } else if (typeof p === 'string' || Array.isArray(p)) {
    commands = commandItems(p, at, where, r, ctx);
  } else if (p !== null && p !== undefined) {
    r.problems.push(problem(at, 'expected a command, a list of commands, a map or blank'));
  }
  // tmuxp prefixes a space so the typed commands stay out of the shell's history
  // (with HISTCONTROL=ignorespace / setopt HIST_IGNORE_SPACE).
  const all = [...pc.pre, ...commands];
  const typed = all.map((c) => (suppress ? ` ${c.text}` : c.text));
  const typedTiming = resolveTiming(all, defaults);
  return {
    kind: 'pane',
    name: undefined,
    role: 'shell',
    // `shell` / `window_shell` is the pane's program in tmuxp; commands are typed into it.
    command: shell,
    typed,
    ...(typedTiming ? { typedTiming } : {}),
    onExit: 'close',
    cwd,
    ...(cwdSource === undefined ? {} : { cwdSource }),
    env,
    focus,
    size: undefined,
    shellInit: false,
    plugin: undefined,
  };
}

/** One command as written, with the settings it gives itself (unset: inherited). */
interface Command {
  readonly text: string;
  readonly timing: Partial<Timing>;
}

interface Timing {
  readonly enter: boolean;
  /** Seconds, as tmuxp writes them. */
  readonly sleepBefore: number | undefined;
  readonly sleepAfter: number | undefined;
}

/**
 * `shell_command` / `shell_command_before` in every form tmuxp accepts: a string, `blank`,
 * `pane`, null, a list of strings and `{cmd, enter, sleep_before, sleep_after}` maps, or a
 * map holding `shell_command`. Commands are expanded as tmuxp does (`~` at the start and set
 * `$VAR`s; an unset variable is left as written, for the shell).
 */
function commandItems(value: unknown, at: PropertyKey[], where: string, r: Reader, ctx: ExpandContext): Command[] {
  if (isObj(value) && !('cmd' in value)) {
    r.unknownKeys(value, ['shell_command'], where, REASONS);
    return commandItems(value.shell_command, [...at, 'shell_command'], `${where}.shell_command`, r, ctx);
  }
  if (value === undefined || value === null || value === 'blank' || value === 'pane') return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 1 && (items[0] === null || items[0] === 'blank' || items[0] === 'pane')) return [];
  return items.flatMap((item, i) => {
    const itemAt = Array.isArray(value) ? [...at, i] : at;
    const itemWhere = Array.isArray(value) ? `${where}[${i}]` : where;
    if (isObj(item)) {
      r.unknownKeys(item, COMMAND_KEYS, itemWhere, REASONS);
      const cmd = r.str(item.cmd, [...itemAt, 'cmd']);
      if (cmd === undefined) {
        if (item.cmd === undefined) r.problems.push(problem([...itemAt, 'cmd'], 'missing: a command map needs cmd (the text to type)', true));
        return [];
      }
      return [{ text: expandShell(cmd, ctx), timing: timingOf(item, itemAt, r, {}) }];
    }
    if (item === null || item === undefined) return [];
    const cmd = r.str(item, itemAt);
    return cmd === undefined ? [] : [{ text: expandShell(cmd, ctx), timing: {} }];
  });
}

function timingOf<T extends Partial<Timing>>(value: Obj, at: PropertyKey[], r: Reader, base: T): T {
  const enter = r.bool(value.enter, [...at, 'enter']);
  const sleepBefore = seconds(value.sleep_before, [...at, 'sleep_before'], r);
  const sleepAfter = seconds(value.sleep_after, [...at, 'sleep_after'], r);
  return {
    ...base,
    ...(enter === undefined ? {} : { enter }),
    ...(sleepBefore === undefined ? {} : { sleepBefore }),
    ...(sleepAfter === undefined ? {} : { sleepAfter }),
  };
}

function seconds(value: unknown, at: PropertyKey[], r: Reader): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    r.problems.push(problem(at, `expected a number of seconds (such as 1 or 0.5), found ${describe(value)}`));
    return undefined;
  }
  return n;
}

/**
 * As tmuxp's builder: the pane's `enter` / `sleep_*` are the starting values, and a value a
 * command sets carries on to the commands after it. Undefined when every command is typed
 * with Enter and no pause (the common case, kept out of the layout).
 */
function resolveTiming(commands: readonly Command[], defaults: Timing): TypedTiming[] | undefined {
  let current = defaults;
  const out = commands.map((c) => {
    current = { ...current, ...c.timing };
    return { enter: current.enter, sleepBeforeMs: (current.sleepBefore ?? 0) * 1000, sleepAfterMs: (current.sleepAfter ?? 0) * 1000 };
  });
  return out.some((t) => !t.enter || t.sleepBeforeMs > 0 || t.sleepAfterMs > 0) ? out : undefined;
}

/** Python's os.path.expandvars(os.path.expanduser(text)), which tmuxp applies to commands. */
function expandShell(text: string, ctx: ExpandContext): string {
  const home = text === '~' || text.startsWith('~/') ? (readVar(ctx, 'HOME') ?? '~') + text.slice(1) : text;
  return home.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) =>
    readVar(ctx, (braced ?? bare)!) ?? whole);
}

function expandValues(record: Record<string, string>, ctx: ExpandContext): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expandVars(v, ctx)]));
}

