import { dirname } from 'node:path';
import type { LayoutNode, PaneSpec, SessionSpec, WindowSpec } from '../model.js';
import { expandPath, expandVars, shellQuote, type ExpandContext } from '../expand.js';
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
const PANE_KEYS = ['shell_command', 'start_directory', 'shell', 'environment', 'focus', 'suppress_history', 'enter',
  'sleep_before', 'sleep_after'];

const REASONS: Record<string, string> = {
  global_options: 'picode does not change server-wide tmux options; put them in your tmux.conf',
  window_index: 'picode numbers windows in the order they are written',
  sleep_before: 'picode waits until the shell is ready instead of sleeping',
  sleep_after: 'picode waits until the shell is ready instead of sleeping',
  enter: 'picode always presses Enter after a command',
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
  const cwd = expandPath(r.str(data.start_directory, ['start_directory']) ?? '.', dirname(file), ctx);
  const env = expandValues(r.record(data.environment, ['environment']), ctx);
  const options = expandValues(r.record(data.options, ['options']), ctx);
  const beforeScript = r.str(data.before_script, ['before_script']);
  // As in tmuxp: a path (./x, ~/x, /x) is relative to the file's folder, anything else a command on PATH.
  const before = beforeScript === undefined ? []
    : /^[.~/$]/.test(beforeScript) ? [shellQuote(expandPath(beforeScript, dirname(file), ctx))] : [expandVars(beforeScript, ctx)];
  const sessionPre = r.strings(data.shell_command_before, ['shell_command_before']);
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
  readonly sessionPre: readonly string[];
  readonly suppress: boolean;
  readonly ctx: ExpandContext;
}

function importWindow(w: Obj, index: number, wc: WindowContext): WindowSpec {
  const { r, ctx } = wc;
  const at = ['windows', index];
  const where = `windows[${index}]`;
  r.unknownKeys(w, WINDOW_KEYS, where, REASONS);
  if (w.window_index !== undefined) r.unsupported.push(`${where}.window_index (${REASONS.window_index})`);
  const cwd = expandPath(r.str(w.start_directory, [...at, 'start_directory']) ?? '.', wc.cwd, ctx);
  const pre = [...wc.sessionPre, ...r.strings(w.shell_command_before, [...at, 'shell_command_before'])];
  const suppress = r.bool(w.suppress_history, [...at, 'suppress_history']) ?? wc.suppress;
  const windowShell = r.str(w.window_shell, [...at, 'window_shell']);
  const panesRaw = w.panes === undefined ? [null] : r.list(w.panes, [...at, 'panes']);
  const panes = (panesRaw.length ? panesRaw : [null]).map((p, i) =>
    importPane(p, [...at, 'panes', i], `${where}.panes[${i}]`, { ...wc, cwd, pre, suppress, windowShell }));
  const name = r.str(w.window_name, [...at, 'window_name']);
  const root: LayoutNode = panes.length === 1 ? panes[0]! : { kind: 'split', direction: 'column', size: undefined, children: panes };
  return {
    name: name === undefined ? undefined : expandVars(name, ctx),
    cwd,
    env: expandValues(r.record(w.environment, [...at, 'environment']), ctx),
    focus: r.bool(w.focus, [...at, 'focus']) ?? false,
    root,
    // tmuxp applies `layout` after every split; its default split stacks panes (tmux's -v).
    tmuxLayout: r.str(w.layout, [...at, 'layout']),
    options: {
      ...expandValues(r.record(w.options, [...at, 'options']), ctx),
      ...expandValues(r.record(w.options_after, [...at, 'options_after']), ctx),
    },
  };
}

interface PaneContext extends WindowContext {
  readonly pre: readonly string[];
  readonly windowShell: string | undefined;
}

function importPane(p: unknown, at: PropertyKey[], where: string, pc: PaneContext): PaneSpec {
  const { r, ctx } = pc;
  let commands: string[] = [];
  let cwd = pc.cwd;
  let shell = pc.windowShell;
  let env: Record<string, string> = {};
  let focus = false;
  let suppress = pc.suppress;
  if (typeof p === 'string') {
    if (p !== 'blank' && p !== 'pane' && p !== '') commands = [p];
  } else if (Array.isArray(p)) {
    commands = r.strings(p, at);
  } else if (isObj(p)) {
    r.unknownKeys(p, PANE_KEYS, where, REASONS);
    for (const key of ['sleep_before', 'sleep_after'] as const) {
      if (p[key] !== undefined) r.unsupported.push(`${where}.${key} (${REASONS[key]})`);
    }
    if (p.enter === false) r.unsupported.push(`${where}.enter (${REASONS.enter})`);
    commands = paneCommands(p.shell_command, [...at, 'shell_command'], where, r);
    const dir = r.str(p.start_directory, [...at, 'start_directory']);
    if (dir !== undefined) cwd = expandPath(dir, pc.cwd, ctx);
    shell = r.str(p.shell, [...at, 'shell']) ?? shell;
    env = expandValues(r.record(p.environment, [...at, 'environment']), ctx);
    focus = r.bool(p.focus, [...at, 'focus']) ?? false;
    suppress = r.bool(p.suppress_history, [...at, 'suppress_history']) ?? suppress;
  } else if (p !== null && p !== undefined) {
    r.problems.push(problem(at, 'expected a command, a list of commands, a map or blank'));
  }
  // tmuxp prefixes a space so the typed commands stay out of the shell's history
  // (with HISTCONTROL=ignorespace / setopt HIST_IGNORE_SPACE).
  const typed = [...pc.pre, ...commands].map((c) => (suppress ? ` ${c}` : c));
  return {
    kind: 'pane',
    name: undefined,
    role: 'shell',
    // `shell` / `window_shell` is the pane's program in tmuxp; commands are typed into it.
    command: shell,
    typed,
    onExit: 'close',
    cwd,
    env,
    focus,
    size: undefined,
    shellInit: false,
    plugin: undefined,
  };
}

/** `shell_command`: a string, or a list of strings and `{cmd, enter, sleep_before, sleep_after}` maps. */
function paneCommands(value: unknown, at: PropertyKey[], where: string, r: Reader): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item, i) => {
    const itemAt = Array.isArray(value) ? [...at, i] : at;
    if (isObj(item)) {
      r.unknownKeys(item, ['cmd', 'enter', 'sleep_before', 'sleep_after'], `${where}.shell_command[${i}]`, REASONS);
      for (const key of ['sleep_before', 'sleep_after'] as const) {
        if (item[key] !== undefined) r.unsupported.push(`${where}.shell_command[${i}].${key} (${REASONS[key]})`);
      }
      if (item.enter === false) r.unsupported.push(`${where}.shell_command[${i}].enter (${REASONS.enter})`);
      const cmd = r.str(item.cmd, [...itemAt, 'cmd']);
      return cmd === undefined ? [] : [cmd];
    }
    const cmd = r.str(item, itemAt);
    return cmd === undefined ? [] : [cmd];
  });
}

function expandValues(record: Record<string, string>, ctx: ExpandContext): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expandVars(v, ctx)]));
}

