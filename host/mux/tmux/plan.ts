import { panesOf, type PaneSpec, type SessionSpec, type TypedTiming, type WindowSpec } from '../../layout/model.js';
import { shellQuote } from '../../layout/expand.js';
import { escapeFormat } from './exec.js';
import { tmuxLayoutString } from './layoutString.js';

/**
 * Turns a SessionSpec into the tmux commands that build it, as ONE `;`-chained invocation
 * (the fastest way to build a session: one process, one round trip to the server).
 *
 * Targets inside one invocation cannot use pane ids (they are only known afterwards), so
 * the plan relies on tmux's command-queue state: after `new-session`, `new-window` and
 * `split-window` (without -d) the new window/pane is the current one, so `set -p`,
 * `set -w`, `select-layout` without -t apply to it. Every window's panes are split off its
 * first pane, which therefore stays `{top-left}`; panes are created last-to-first so that
 * each insertion right after the first pane leaves the window's pane list in layout order,
 * the order `select-layout` assigns cells in. Each new pane gets one cell (alternating
 * across and down), so the first pane keeps room for dozens of splits even in an 80x24
 * window; the exact sizes come from the custom layout string applied after the last split.
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
  /** The commands of the single build invocation. */
  readonly commands: string[][];
  /** Panes (in window order, then layout order) that need typed commands once their shell is ready. */
  readonly typed: ReadonlyArray<TypedTarget>;
}

export interface TypedTarget {
  /** The window's position in the session's window list (index order). */
  readonly window: number;
  readonly pane: number;
  readonly commands: readonly string[];
  readonly timing?: readonly TypedTiming[] | undefined;
}

export function buildPlan(spec: SessionSpec, options: PlanOptions): BuildPlan {
  const commands: string[][] = [];
  const typed: TypedTarget[] = [];
  const indices = windowIndices(spec, options.baseIndex ?? 0);
  const order = indices && [...indices].sort((a, b) => a - b);
  spec.windows.forEach((window, w) => {
    const panes = [...panesOf(window.root)];
    const first = panes[0]!;
    const create = w === 0
      ? ['new-session', '-d', '-s', options.session, '-x', String(options.width), '-y', String(options.height)]
      : ['new-window', ...(indices ? ['-t', `:${indices[w]!}`] : [])];
    if (window.name) create.push('-n', window.name);
    commands.push([...create, ...paneArgs(first, spec, window, options)]);
    if (w === 0 && indices && window.index !== undefined) commands.push(['move-window', '-t', `:${indices[0]!}`]);
    if (w === 0) for (const [key, value] of Object.entries(spec.options)) commands.push(['set-option', key, value]);
    commands.push(...paneSettings(first));
    for (let i = panes.length - 1; i >= 1; i--) {
      const across = (panes.length - 1 - i) % 2 === 0;
      commands.push(['split-window', '-t', '{top-left}', across ? '-h' : '-v', '-l', '1', ...paneArgs(panes[i]!, spec, window, options)]);
      commands.push(...paneSettings(panes[i]!));
    }
    if (window.tmuxLayout) commands.push(['select-layout', window.tmuxLayout]);
    else if (panes.length > 1) commands.push(['select-layout', tmuxLayoutString(window.root, options.width, options.height)]);
    for (const [key, value] of Object.entries(window.options)) commands.push(['set-option', '-w', key, value]);
    const focus = Math.max(0, panes.findIndex((p) => p.focus));
    commands.push(['select-pane', '-t', '{top-left}']);
    if (focus > 0) commands.push(['select-pane', '-t', `.+${focus}`]);
    const position = order ? order.indexOf(indices[w]!) : w;
    panes.forEach((p, i) => { if (p.typed.length) typed.push({ window: position, pane: i, commands: p.typed, timing: p.typedTiming }); });
  });
  const focusWindow = Math.max(0, spec.windows.findIndex((w) => w.focus));
  if (indices) {
    commands.push(['select-window', '-t', `:${indices[focusWindow]!}`]);
  } else {
    commands.push(['select-window', '-t', '{start}']);
    if (focusWindow > 0) commands.push(['select-window', '-t', `:+${focusWindow}`]);
  }
  return { commands, typed };
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
  if (command === undefined) {
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

function paneSettings(pane: PaneSpec): string[][] {
  const out: string[][] = [['set-option', '-p', '@picode_role', pane.role]];
  if (pane.name) {
    out.push(['set-option', '-p', '@picode_name', pane.name]);
    out.push(['select-pane', '-T', escapeFormat(pane.name)]);
  }
  if (pane.plugin) out.push(['set-option', '-p', '@picode_plugin', pane.plugin]);
  if (pane.onExit === 'hold') out.push(['set-option', '-p', 'remain-on-exit', 'on']);
  return out;
}

