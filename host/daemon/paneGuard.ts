import { PicodeError } from '../core/errors.js';

/**
 * Views are not shells. Text and keys picode sends to a pane (`run`, `send`, `keys`, hook
 * actions, agent tools, plugin actions: every path goes through the host's PanesApi) are
 * checked here first, so a command line is never typed into picode's own plan, agent, jobs
 * or log view (where letters are the view's keys), and `run` is never typed into a program
 * that is not a shell waiting for a command. `force` is for a person who really means it.
 */

/** Roles whose pane runs one of picode's own views (`picode pane ROLE`). */
export const viewRoles: ReadonlySet<string> = new Set(['plan', 'agent', 'jobs', 'log']);

/**
 * Programs that read command lines (tmux's `pane_current_command`: the foreground process's
 * name). A login shell may show as `-bash`.
 */
const shellPrograms = new Set([
  'sh', 'bash', 'zsh', 'fish', 'dash', 'ash', 'ksh', 'mksh', 'oksh', 'pdksh', 'yash', 'tcsh', 'csh',
  'nu', 'elvish', 'xonsh', 'pwsh', 'busybox', 'ion', 'osh', 'ysh',
]);

export function isShellProgram(command: string): boolean {
  return shellPrograms.has(command.replace(/^-/, '').replace(/^.*\//, ''));
}

export interface GuardedPane {
  readonly id: string;
  readonly name: string | undefined;
  /** The pane's role (from the layout, or announced by the view running in it). */
  readonly role: string | undefined;
  /** The foreground program, when the multiplexer reports it ('' when it does not). */
  readonly command: string;
}

export type SendKind = 'run' | 'send' | 'keys';

/**
 * Refuses to type into a view pane (every kind), and to `run` in a pane whose foreground
 * program is not a shell. `send` and `keys` to a running program stay allowed: answering its
 * prompt or pressing C-c is what they are for.
 */
export function assertTypable(pane: GuardedPane, kind: SendKind, force: boolean): void {
  if (force) return;
  const label = `pane ${pane.id}${pane.name ? ` (${pane.name})` : ''}`;
  const flag = kind === 'run' ? '`picode run --force`' : `\`picode ${kind} --force\``;
  if (pane.role && viewRoles.has(pane.role)) {
    throw new PicodeError(`${label} is picode's ${pane.role} view, not a shell: refusing to ${describe(kind)} into it`, {
      hint: `its letters are the view's keys; target a shell pane (\`picode panes\` lists panes with their roles), or pass ${flag} if you really mean to type into the view`,
    });
  }
  if (kind === 'run' && pane.command && !isShellProgram(pane.command)) {
    throw new PicodeError(`${label} is running ${pane.command}, not a shell waiting for a command: refusing to run a command line in it`, {
      hint: `wait until ${pane.command} ends (or stop it: \`picode keys ${pane.name ?? pane.id} C-c\`), use another shell pane, or pass ${flag} if you really mean to type the line into ${pane.command}`,
    });
  }
}

function describe(kind: SendKind): string {
  return kind === 'run' ? 'type a command line' : kind === 'send' ? 'type text' : 'press keys';
}
