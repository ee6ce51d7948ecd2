import { panesOf, type PaneSpec, type SessionSpec, type WindowSpec } from '../../layout/model.js';
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
}

export interface BuildPlan {
  /** The commands of the single build invocation. */
  readonly commands: string[][];
  /** Panes (in window order, then layout order) that need typed commands once their shell is ready. */
  readonly typed: ReadonlyArray<{ readonly window: number; readonly pane: number; readonly commands: readonly string[] }>;
}

export function buildPlan(spec: SessionSpec, options: PlanOptions): BuildPlan {
  const commands: string[][] = [];
  const typed: Array<{ window: number; pane: number; commands: readonly string[] }> = [];
  spec.windows.forEach((window, w) => {
    const panes = [...panesOf(window.root)];
    const first = panes[0]!;
    const create = w === 0
      ? ['new-session', '-d', '-s', options.session, '-x', String(options.width), '-y', String(options.height)]
      : ['new-window'];
    if (window.name) create.push('-n', window.name);
    commands.push([...create, ...paneArgs(first, spec, window, options)]);
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
    panes.forEach((p, i) => { if (p.typed.length) typed.push({ window: w, pane: i, commands: p.typed }); });
  });
  const focusWindow = Math.max(0, spec.windows.findIndex((w) => w.focus));
  commands.push(['select-window', '-t', '{start}']);
  if (focusWindow > 0) commands.push(['select-window', '-t', `:+${focusWindow}`]);
  return { commands, typed };
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

