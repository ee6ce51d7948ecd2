import { basename, extname } from 'node:path';
import type { LayoutNode, PaneSpec, SessionSpec, WindowSpec } from '../model.js';
import { expandPath, type ExpandContext } from '../expand.js';
import { LayoutProblems, problem } from '../problems.js';
import { isDirectory } from '../directories.js';
import { isObj, Reader, type Obj } from './shape.js';
import { sessionNameFrom, sessionNameProblem } from '../sessionName.js';

/**
 * Loads a tmuxinator project (YAML, already rendered from ERB by erb.ts) as it is. Like
 * tmuxinator, window and pane commands are typed into the pane's shell (picode waits for
 * the shell to be ready first); `pre_window` is typed before them in every pane. `root` is
 * expanded like Ruby's File.expand_path (relative to where picode runs).
 */
const PROJECT_KEYS = ['name', 'project_name', 'root', 'project_root', 'windows', 'tabs', 'socket_name', 'socket_path',
  'tmux_options', 'tmux_command', 'pre_window', 'pre_tab', 'pre', 'post', 'startup_window', 'startup_pane', 'attach',
  'on_project_start', 'on_project_first_start', 'on_project_restart', 'on_project_exit', 'on_project_stop',
  'enable_pane_titles', 'pane_title_position', 'pane_title_format'];

const REASONS: Record<string, string> = {
  socket_name: 'choose the tmux server with picode up --tmux-socket NAME',
  socket_path: 'choose the tmux server with picode up --tmux-socket NAME',
  tmux_options: 'picode runs tmux without extra options',
  tmux_command: 'picode runs the tmux of its config (tmux.binary)',
  post: 'deprecated in tmuxinator; picode has no after-launch command',
  attach: 'use picode up --detach',
  on_project_restart: 'picode has no hook for re-attaching to a running session',
  on_project_exit: 'picode has no hook for detaching',
  on_project_stop: 'picode has no hook for picode down yet',
  enable_pane_titles: 'picode does not show pane titles in borders',
  pane_title_position: 'picode does not show pane titles in borders',
  pane_title_format: 'picode does not show pane titles in borders',
};

const HINT = 'see https://github.com/tmuxinator/tmuxinator#usage for the format, or docs/layouts.md for what picode reads';

export function importTmuxinator(data: unknown, file: string, ctx: ExpandContext & { readonly cwd: string }): SessionSpec {
  const r = new Reader();
  if (!isObj(data)) throw new LayoutProblems([problem([], 'a tmuxinator project is a map with name, root and windows')], HINT);
  r.unknownKeys(data, PROJECT_KEYS, '', REASONS);
  for (const key of Object.keys(REASONS)) {
    if (data[key] !== undefined && data[key] !== null) r.unsupported.push(`${key} (${REASONS[key]})`);
  }

  // As tmuxinator's Project: the legacy keys win when both are written (`project_name || name`).
  const nameKey = present(data.project_name) ? 'project_name' : 'name';
  const given = r.str(data[nameKey], [nameKey]);
  // As tmuxinator does, dots become underscores; what tmux would read as a target is refused.
  const name = given === undefined ? sessionNameFrom(basename(file, extname(file))) : given.replace(/[.:]/g, '_');
  const nameProblem = given === undefined ? undefined : sessionNameProblem(name);
  if (nameProblem) r.problems.push(problem([nameKey], `${nameProblem}; choose another name`));
  const rootKey = present(data.project_root) ? 'project_root' : 'root';
  const root = r.str(data[rootKey], [rootKey]);
  let cwd = expandPath(root ?? '.', ctx.cwd, ctx);
  if (root !== undefined && !isDirectory(cwd)) {
    // tmuxinator's script `cd`s to the root and carries on where it was when that fails.
    r.unsupported.push(`${rootKey} (the directory ${cwd} does not exist; starting in ${ctx.cwd}, where picode up runs, as tmuxinator does)`);
    ctx.noCache?.(); // once the directory exists, the next launch must start there
    cwd = ctx.cwd;
  }
  const preWindowKey = data.pre_window !== undefined ? 'pre_window' : 'pre_tab';
  const preWindow = r.strings(data[preWindowKey], [preWindowKey]);
  // `pre` (deprecated) and the start hooks run before the session exists, in the root.
  const before = [
    ...r.strings(data.on_project_first_start, ['on_project_first_start']),
    ...r.strings(data.on_project_start, ['on_project_start']),
    ...r.strings(data.pre, ['pre']),
  ];

  // tmuxinator reads `tabs || windows`: the deprecated key wins when both are there.
  const windowsKey = present(data.tabs) ? 'tabs' : 'windows';
  if (data[windowsKey] === undefined) r.problems.push(problem(['windows'], 'missing: a tmuxinator project needs windows', true));
  const windows = r.list(data[windowsKey], [windowsKey]).flatMap((w, i) => {
    const win = r.obj(w, [windowsKey, i]);
    return win ? [importWindow(win, [windowsKey, i], { r, cwd, launchDir: ctx.cwd, preWindow, ctx })] : [];
  });
  applyStartup(data, windows, r);
  if (r.problems.length) throw new LayoutProblems(r.problems, HINT);
  return {
    name,
    cwd,
    ...(root !== undefined && cwd !== ctx.cwd ? { cwdSource: root } : {}),
    env: {},
    before,
    options: {},
    windows,
    source: { format: 'tmuxinator', file },
    unsupported: r.unsupported,
  };
}

interface WindowContext {
  readonly r: Reader;
  readonly cwd: string;
  /** Where picode up runs: tmuxinator 3.0 expands a window's relative root from there (File.expand_path). */
  readonly launchDir: string;
  readonly preWindow: readonly string[];
  readonly ctx: ExpandContext;
}

const WINDOW_KEYS = ['layout', 'root', 'pre', 'panes', 'synchronize'];

/** `{name: "cmd"}`, `{name: [cmds]}` or `{name: {layout, root, pre, panes, synchronize}}`. */
function importWindow(w: Obj, at: PropertyKey[], wc: WindowContext): WindowSpec {
  const { r } = wc;
  const keys = Object.keys(w);
  const name = keys[0];
  if (name === undefined) {
    r.problems.push(problem(at, 'expected a window as `name: command` or `name: {panes: ...}`, found an empty map'));
    return emptyWindow(wc.cwd);
  }
  const where = `windows[${String(at[1])}] (${name})`;
  for (const extra of keys.slice(1)) r.unsupported.push(`${where}: extra key ${extra} (a window map has exactly one key, its name)`);
  const body = w[name];
  const bodyAt = [...at, name];
  if (!isObj(body)) {
    const commands = r.strings(body, bodyAt);
    return { ...emptyWindow(wc.cwd), name, root: pane(wc.cwd, [...wc.preWindow, ...commands], undefined) };
  }
  r.unknownKeys(body, WINDOW_KEYS, where);
  const dir = r.str(body.root, [...bodyAt, 'root']);
  const cwd = dir === undefined ? wc.cwd : expandPath(dir, wc.launchDir, wc.ctx);
  const pre = [...wc.preWindow, ...r.strings(body.pre, [...bodyAt, 'pre'])];
  const panesRaw = body.panes === undefined ? [null] : r.list(body.panes, [...bodyAt, 'panes']);
  const panes = (panesRaw.length ? panesRaw : [null]).map((p, i) => importPane(p, [...bodyAt, 'panes', i], cwd, pre, r));
  const synchronize = body.synchronize;
  const options: Record<string, string> = {};
  if (synchronize === true || synchronize === 'after' || synchronize === 'before') {
    // picode types every pane's own commands first, then turns synchronisation on: the
    // result of tmuxinator's `after`; `before` would type each command into every pane.
    options['synchronize-panes'] = 'on';
    if (synchronize === 'before') r.unsupported.push(`${where}.synchronize: before (picode synchronises after the commands are typed)`);
  }
  const root: LayoutNode = panes.length === 1 ? panes[0]! : { kind: 'split', direction: 'column', size: undefined, children: panes };
  // tmuxinator tiles the window after every split and then re-applies `layout`, or with none
  // the last layout used: a window of several panes without a layout ends up tiled.
  const layout = r.str(body.layout, [...bodyAt, 'layout']) ?? (panes.length > 1 ? 'tiled' : undefined);
  // tmuxinator resolves a window's relative root from the launch directory, not the project's.
  const cwdSource = dir === undefined ? undefined : /^[~/$]/.test(dir) ? dir : cwd;
  return { name, cwd, ...(cwdSource === undefined ? {} : { cwdSource }), env: {}, focus: false, root, tmuxLayout: layout, options };
}

/** A pane: a command, a list of commands, `{title: cmds}` or nothing. */
function importPane(p: unknown, at: PropertyKey[], cwd: string, pre: readonly string[], r: Reader): PaneSpec {
  if (isObj(p)) {
    const [title, ...rest] = Object.keys(p);
    if (rest.length) r.problems.push(problem(at, `expected one title per pane map, found ${Object.keys(p).length} keys`));
    return pane(cwd, [...pre, ...r.strings(p[title!], [...at, title!])], title);
  }
  return pane(cwd, [...pre, ...r.strings(p, at)], undefined);
}

/** Ruby truthiness of a YAML value: anything but nil and false. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

function pane(cwd: string, typed: string[], name: string | undefined): PaneSpec {
  return {
    kind: 'pane', name, role: 'shell', command: undefined, typed, onExit: 'close', cwd, env: {},
    focus: false, size: undefined, shellInit: false, plugin: undefined,
  };
}

function emptyWindow(cwd: string): WindowSpec {
  return { name: undefined, cwd, env: {}, focus: false, root: pane(cwd, [], undefined), tmuxLayout: undefined, options: {} };
}

/** `startup_window` (a name or an index) and `startup_pane` (an index) select the focus. */
function applyStartup(data: Obj, windows: WindowSpec[], r: Reader): void {
  const win = r.str(data.startup_window, ['startup_window']);
  let target = 0;
  if (win !== undefined) {
    const byName = windows.findIndex((w) => w.name === win);
    target = byName >= 0 ? byName : /^\d+$/.test(win) ? Number(win) : -1;
    if (target < 0 || target >= windows.length) {
      r.problems.push(problem(['startup_window'], `no window named or numbered "${win}" (windows: ${windows.map((w) => w.name).join(', ')})`));
      return;
    }
    windows[target] = { ...windows[target]!, focus: true };
  }
  const paneIndex = r.str(data.startup_pane, ['startup_pane']);
  if (paneIndex === undefined) return;
  const w = windows[target];
  const leaves = w ? (w.root.kind === 'pane' ? [w.root] : w.root.children) : [];
  const n = Number(paneIndex);
  if (!/^\d+$/.test(paneIndex) || n >= leaves.length) {
    r.problems.push(problem(['startup_pane'], `expected a pane number below ${leaves.length}, found "${paneIndex}"`));
    return;
  }
  const children = leaves.map((p, i) => (i === n && p.kind === 'pane' ? { ...p, focus: true } : p));
  windows[target] = { ...w!, root: w!.root.kind === 'pane' ? children[0]! : { ...w!.root, children } };
}
