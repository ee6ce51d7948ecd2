import { panesOf, type PaneSpec, type SessionSpec, type TypedTiming, type WindowSpec } from '../../layout/model.js';
import { shellQuote } from '../../layout/expand.js';
import { tmuxLayoutString } from '../../layout/tmuxLayoutString.js';
import { escapeFormat } from './exec.js';

/**
 * Turns a SessionSpec into the tmux commands that build it, run as ONE `;`-chained invocation
 * when they fit tmux's command-length limit (the fastest way to build a session: one process,
 * one round trip to the server), else as a few invocations (see `invocations`).
 *
 * Every command names its target. Ids are only known once the build has run, so inside it
 * the session is named exactly (`=NAME`; session names tmux could read as a target are
 * refused by `sessionNameProblem`), the window being built is that session's last one
 * (`=NAME:{end}`), and a pane is that window's `{top-left}` or its active pane (a new pane is
 * made active by its split). Nothing relies on tmux's idea of the "current" session, which
 * `new-session -d` leaves at the caller's: from a shell inside tmux that is the caller's own
 * pane ($TMUX_PANE), the one an untargeted command would change. The state used (the last
 * window, the active pane) lives in the server, so the build can be cut anywhere between
 * commands. `new-session -P` prints the new session's id first, so a failed build removes
 * exactly what it created.
 *
 * Every window's panes are split off its first pane, which therefore stays `{top-left}`;
 * panes are created last-to-first so that each insertion right after the first pane leaves
 * the window's pane list in layout order, the order `select-layout` assigns cells in. Each
 * new pane gets one cell (alternating across and down), so the first pane keeps room for
 * dozens of splits even in an 80x24 window; the exact sizes come from the custom layout
 * string applied after the last split.
 */
export interface PlanOptions {
  readonly session: string;
  readonly width: number;
  readonly height: number;
  /** The user's interactive shell (for `onExit: shell`). */
  readonly shell: string;
  /** argv starting `shell` with picode's OSC 133 marks, for `shellInit: true` (undefined: unsupported shell). */
  readonly shellInitArgv: readonly string[] | undefined;
  /** argv prefix that runs picode (`node /abs/bin/picode.js`), for role views. */
  readonly picodeArgv: readonly string[];
  /** tmux -L socket, passed on to role views so they find the session. */
  readonly tmuxSocket: string | undefined;
  /** The server's `base-index` (where unnumbered windows start); read only when a window asks for an index. */
  readonly baseIndex?: number | undefined;
}

export interface BuildPlan {
  /** The build's commands, in order; the first (`new-session -P`) prints the session id. */
  readonly commands: string[][];
  /** Panes (in window order, then layout order) that need typed commands once their shell is ready. */
  readonly typed: ReadonlyArray<TypedTarget>;
  /** How many panes each window must have once built, in window index order (what `up` verifies). */
  readonly panesPerWindow: readonly number[];
}

export interface TypedTarget {
  /** The window's position in the session's window list (index order). */
  readonly window: number;
  readonly pane: number;
  readonly commands: readonly string[];
  readonly timing?: readonly TypedTiming[] | undefined;
}

/** `new-session -P` prints this (the new session's id) before anything else of the build. */
export const SESSION_ID_FORMAT = '#{session_id}';

export function buildPlan(spec: SessionSpec, options: PlanOptions): BuildPlan {
  const commands: string[][] = [];
  const typed: TypedTarget[] = [];
  const indices = windowIndices(spec, options.baseIndex ?? 0);
  const order = indices && [...indices].sort((a, b) => a - b);
  // Targets: the session by its exact name, the window being built (by its index when the
  // layout gives indices, else the last one), its first pane. Never the caller's current pane.
  const session = `=${options.session}`;
  const lastWindow = `${session}:{end}`;
  spec.windows.forEach((win, w) => {
    const panes = [...panesOf(win.root)];
    const first = panes[0]!;
    const windowTarget = indices ? `${session}:${indices[w]!}` : lastWindow;
    const topLeft = `${windowTarget}.{top-left}`;
    const create = w === 0
      ? ['new-session', '-d', '-s', options.session, '-x', String(options.width), '-y', String(options.height)]
      : indices ? ['new-window', '-t', windowTarget] : ['new-window', '-a', '-t', lastWindow];
    if (win.name) create.push('-n', win.name);
    if (w === 0) create.push('-P', '-F', SESSION_ID_FORMAT);
    commands.push([...create, ...paneArgs(first, spec, win, options)]);
    if (w === 0 && indices && win.index !== undefined) commands.push(['move-window', '-s', lastWindow, '-t', windowTarget]);
    if (w === 0) for (const [key, value] of Object.entries(spec.options)) commands.push(['set-option', '-t', session, key, value]);
    commands.push(...paneSettings(first, windowTarget));
    for (let i = panes.length - 1; i >= 1; i--) {
      const across = (panes.length - 1 - i) % 2 === 0;
      commands.push(['split-window', '-t', topLeft, across ? '-h' : '-v', '-l', '1', ...paneArgs(panes[i]!, spec, win, options)]);
      commands.push(...paneSettings(panes[i]!, windowTarget));
    }
    if (win.tmuxLayout) commands.push(['select-layout', '-t', windowTarget, win.tmuxLayout]);
    else if (panes.length > 1) commands.push(['select-layout', '-t', windowTarget, tmuxLayoutString(win.root, options.width, options.height)]);
    for (const [key, value] of Object.entries(win.options)) commands.push(['set-option', '-w', '-t', windowTarget, key, value]);
    const focus = Math.max(0, panes.findIndex((p) => p.focus));
    commands.push(['select-pane', '-t', topLeft]);
    if (focus > 0) commands.push(['select-pane', '-t', `${windowTarget}.+${focus}`]);
    const position = order ? order.indexOf(indices[w]!) : w;
    panes.forEach((p, i) => { if (p.typed.length) typed.push({ window: position, pane: i, commands: p.typed, timing: p.typedTiming }); });
  });
  const focusWindow = Math.max(0, spec.windows.findIndex((w) => w.focus));
  if (indices) {
    commands.push(['select-window', '-t', `${session}:${indices[focusWindow]!}`]);
  } else {
    commands.push(['select-window', '-t', `${session}:{start}`]);
    if (focusWindow > 0) commands.push(['select-window', '-t', `${session}:+${focusWindow}`]);
  }
  const paneCounts = spec.windows.map((w) => [...panesOf(w.root)].length);
  const panesPerWindow = indices ? order!.map((index) => paneCounts[indices.indexOf(index)]!) : paneCounts;
  return { commands, typed, panesPerWindow };
}

/**
 * The tmux index of every window when some window asks for one (tmuxp's `window_index`),
 * else undefined (windows are numbered in order). As tmux does for `new-window` without an
 * index, a window without one takes the first free index from `base-index`.
 */
export function windowIndices(spec: SessionSpec, baseIndex: number): number[] | undefined {
  if (!spec.windows.some((w) => w.index !== undefined)) return undefined;
  const used = new Set<number>();
  return spec.windows.map((w) => {
    let index = w.index;
    if (index === undefined) {
      index = baseIndex;
      while (used.has(index)) index++;
    }
    used.add(index);
    return index;
  });
}

/** `-c DIR -e K=V ... [command words]` for new-session / new-window / split-window. */
function paneArgs(pane: PaneSpec, spec: SessionSpec, window: WindowSpec, options: PlanOptions): string[] {
  const args = ['-c', escapeFormat(pane.cwd)];
  const env = { ...spec.env, ...window.env, ...pane.env };
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  args.push(...paneProgram(pane, options));
  return args;
}

/**
 * The pane's program, started directly by tmux (never typed into a shell):
 *   - a command line runs through tmux's default shell (`sh -c` semantics);
 *   - an argv list is exec'd as it is (tmux execs directly when given several words);
 *   - `onExit: shell` runs the command, then replaces it with the user's interactive shell,
 *     so the pane stays open with the command's output above the prompt;
 *   - no command: the role's picode view, or the user's shell (with marks when shellInit).
 */
export function paneProgram(pane: PaneSpec, options: PlanOptions): string[] {
  const shellArgv = pane.shellInit && options.shellInitArgv ? options.shellInitArgv : [options.shell, '-l'];
  let command = pane.command;
  if (pane.agent) {
    // The pane asks the host (once it is up) to start the agent in this very pane.
    command = [...options.picodeArgv, 'agent', pane.agent.task, '--with', pane.agent.with, '--pane', 'self', '--session', options.session,
      ...(options.tmuxSocket ? ['--tmux-socket', options.tmuxSocket] : []), ...(pane.agent.worktree ? ['--worktree'] : [])];
  } else if (command === undefined) {
    if (pane.role === 'shell' || pane.role === 'plugin') {
      return pane.shellInit && options.shellInitArgv ? [...options.shellInitArgv] : [];
    }
    command = [...options.picodeArgv, 'pane', pane.role, '--session', options.session,
      ...(options.tmuxSocket ? ['--tmux-socket', options.tmuxSocket] : [])];
  }
  if (pane.onExit !== 'shell') return typeof command === 'string' ? [command] : argvWords(command);
  const execShell = `exec ${shellArgv.map(shellQuote).join(' ')}`;
  // A newline (not `;`) ends the user's command, so a trailing `# comment` or `&` in it
  // cannot swallow or background the exec.
  if (typeof command === 'string') return [`${command}\n${execShell}`];
  return ['/bin/sh', '-c', `"$@"\n${execShell}`, 'picode-pane', ...command];
}

/** tmux runs a single word through the shell; an argv of one word is exec'd via `exec`. */
function argvWords(argv: readonly string[]): string[] {
  return argv.length === 1 ? [`exec ${shellQuote(argv[0]!)}`] : [...argv];
}

/** Settings of the pane just created: the active pane of the window being built. */
function paneSettings(pane: PaneSpec, window: string): string[][] {
  const out: string[][] = [['set-option', '-p', '-t', window, '@picode_role', pane.role]];
  if (pane.name) {
    out.push(['set-option', '-p', '-t', window, '@picode_name', pane.name]);
    out.push(['select-pane', '-t', window, '-T', escapeFormat(pane.name)]);
  }
  if (pane.plugin) out.push(['set-option', '-p', '-t', window, '@picode_plugin', pane.plugin]);
  if (pane.onExit === 'hold') out.push(['set-option', '-p', '-t', window, 'remain-on-exit', 'on']);
  return out;
}

