import { shellQuote } from './expand.js';
import type { PaneSpec, SessionSpec, WindowSpec } from './model.js';
import type { PaneProgram } from './zellijKdl.js';

/**
 * What each pane runs on Zellij, with the same meaning as on tmux (host/mux/tmux/plan.ts):
 *
 * - a command line runs through the user's shell (`$SHELL -c LINE`): Zellij itself execs
 *   `command` with `args` directly, with no shell;
 * - an argv list is exec'd as it is;
 * - `onExit: shell` runs the command, then replaces it with the user's interactive shell;
 *   `close` closes the pane when it ends; `hold` keeps it open (Zellij's own default for
 *   command panes, with its "press Enter to re-run" prompt);
 * - no command: the role's picode view (`picode pane ROLE --session S`), or the default
 *   shell (with picode's OSC 133 marks when `shellInit`);
 * - `agent: KIND`: `picode agent TASK --with KIND --pane self`, which waits for the host and runs
 *   the agent's CLI right there, wired for the run (Zellij cannot restart a pane's program from
 *   outside, so the pane's own process starts it);
 * - environment variables (session, window, pane) are set with `env K=V ... PROGRAM`, as
 *   Zellij layouts have no per-pane environment.
 */
export interface ProgramContext {
  readonly session: string;
  /** The user's interactive shell. */
  readonly shell: string;
  /** argv that starts `shell` with picode's OSC 133 marks (undefined: not supported for this shell). */
  readonly shellInitArgv: readonly string[] | undefined;
  /** argv prefix that runs picode, for role views. */
  readonly picodeArgv: readonly string[];
  /** Shell words that start the interactive shell after a command (`onExit: shell`); default: `shell -l`, quoted. */
  readonly interactiveShell?: string;
}

export function zellijPaneProgram(spec: SessionSpec, pane: PaneSpec, window: WindowSpec, ctx: ProgramContext): PaneProgram {
  const base = baseProgram(pane, ctx);
  const env = { ...spec.env, ...window.env, ...pane.env };
  const pairs = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  if (pairs.length === 0) return base;
  return { argv: ['env', ...pairs, ...(base.argv ?? [ctx.shell, '-l'])], closeOnExit: base.argv === undefined ? true : base.closeOnExit };
}

function baseProgram(pane: PaneSpec, ctx: ProgramContext): PaneProgram {
  const interactive = pane.shellInit && ctx.shellInitArgv ? ctx.shellInitArgv.map(shellQuote).join(' ')
    : ctx.interactiveShell ?? [ctx.shell, '-l'].map(shellQuote).join(' ');
  let command = pane.command;
  if (pane.agent) {
    command = [...ctx.picodeArgv, 'agent', pane.agent.task, '--with', pane.agent.with, '--pane', 'self', '--session', ctx.session,
      ...(pane.agent.worktree ? ['--worktree'] : [])];
  } else if (command === undefined) {
    if (pane.role === 'shell' || pane.role === 'plugin') {
      // A shell pane closes when its shell exits, as in tmux.
      return { argv: pane.shellInit && ctx.shellInitArgv ? [...ctx.shellInitArgv] : undefined, closeOnExit: true };
    }
    command = [...ctx.picodeArgv, 'pane', pane.role, '--session', ctx.session];
  }
  if (pane.onExit === 'shell') {
    const execShell = `exec ${interactive}`;
    // A newline (not `;`) ends the user's command, so a trailing `# comment` or `&` cannot
    // swallow or background the exec.
    const argv = typeof command === 'string'
      ? [ctx.shell, '-c', `${command}\n${execShell}`]
      : ['/bin/sh', '-c', `"$@"\n${execShell}`, 'picode-pane', ...command];
    return { argv, closeOnExit: true };
  }
  const argv = typeof command === 'string' ? [ctx.shell, '-c', command] : [...command];
  return { argv, closeOnExit: pane.onExit === 'close' };
}

/**
 * The portable variant for `picode layout convert --to kdl`: the same meanings, but nothing
 * specific to this machine (`sh` and `$SHELL` instead of absolute paths, `picode` from PATH).
 * Commands a tmuxp/tmuxinator file types into a shell become part of the pane's command.
 */
export function portablePaneProgram(spec: SessionSpec, pane: PaneSpec, window: WindowSpec): PaneProgram {
  const withTyped: PaneSpec = pane.typed.length === 0 ? pane : {
    ...pane,
    command: [pane.command === undefined ? undefined : typeof pane.command === 'string' ? pane.command : pane.command.map(shellQuote).join(' '),
      ...pane.typed.map((line) => line.trimStart())]
      .filter((line): line is string => line !== undefined).join('\n'),
    onExit: pane.command === undefined ? 'shell' : pane.onExit,
  };
  return zellijPaneProgram(spec, withTyped, window, {
    session: spec.name,
    shell: 'sh',
    shellInitArgv: undefined,
    picodeArgv: ['picode'],
    interactiveShell: '"${SHELL:-sh}" -l',
  });
}
