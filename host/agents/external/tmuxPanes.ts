import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PicodeError } from '../../core/errors.js';

const run = promisify(execFile);

/**
 * The few tmux commands external agents need beyond HostApi.panes: open a pane running a
 * command (or restart one in a given pane), keep it after its process exits so the exit
 * status can be read, read that status, and show messages and the waiting count. Always
 * aimed at the session's own server (`-L`) and session.
 *
 * The frequent ones (the pane listing of every reconcile, the status line, messages, a pane's
 * tty) go over the host's control-mode connection when there is one (`control`): starting a
 * `tmux` process from the host is a fork of a large process on its event loop, which under
 * load delayed every hook answer behind it. Opening panes and moving a person's client stay
 * separate processes (rare, and a control client must not be the client that moves).
 */
export interface PaneExit {
  readonly dead: boolean;
  readonly exitStatus: number | undefined;
  /** The signal that ended it (tmux has no exit status for a killed process). */
  readonly signal: number | undefined;
  readonly pid: number | undefined;
}

export type TmuxControl = (argv: readonly string[]) => Promise<string[]>;

export class TmuxPanes {
  /** The status line shows `@picode-waiting` once it is put in front of status-right (once per host). */
  private statusInstalled = false;
  /** The tmux server's process, for nudgeReaper. */
  private serverPid: number | undefined;

  constructor(
    private readonly session: string,
    private readonly socket: string | undefined,
    private readonly control?: TmuxControl | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private async tmux(args: string[]): Promise<string> {
    const full = [...(this.socket ? ['-L', this.socket] : []), ...args];
    try {
      return (await run('tmux', full, { env: this.env, timeout: 5000 })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
      throw new PicodeError(`tmux ${args[0]} failed: ${stderr}`, { hint: 'is the session still running? see `picode ls`' });
    }
  }

  /** A command whose target is explicit and whose output is all that matters: on the control connection when there is one. */
  private async query(args: string[]): Promise<string> {
    if (!this.control) return this.tmux(args);
    try {
      const lines = await this.control(args);
      return lines.length ? `${lines.join('\n')}\n` : '';
    } catch (error) {
      throw new PicodeError(`tmux ${args[0]} failed: ${(error as Error).message}`, { hint: 'is the session still running? see `picode ls`' });
    }
  }

  /** A new pane (split from the session's current window) running argv; returns its id. */
  async open(argv: readonly string[], cwd: string, env: Readonly<Record<string, string>>, name: string): Promise<string> {
    const pane = (await this.tmux(['split-window', '-d', '-P', '-F', '#{pane_id}', '-t', `${this.session}:`, '-c', cwd, ...envArgs(env), '--', ...argv])).trim();
    await this.prepare(pane, name);
    return pane;
  }

  /** Runs argv in an existing pane (whatever ran there is ended). */
  async respawn(pane: string, argv: readonly string[], cwd: string, env: Readonly<Record<string, string>>, name: string): Promise<void> {
    await this.tmux(['respawn-pane', '-k', '-t', pane, '-c', cwd, ...envArgs(env), '--', ...argv]);
    await this.prepare(pane, name);
  }

  private async prepare(pane: string, name: string): Promise<void> {
    // Kept after the agent exits: the exit status tells done from failed, and its last words stay readable.
    await this.tmux(['set-option', '-p', '-t', pane, 'remain-on-exit', 'on']);
    await this.tmux(['select-pane', '-t', pane, '-T', name]).catch(() => {});
  }

  /** Every pane of the session with its process state. */
  async states(): Promise<Map<string, PaneExit>> {
    const out = await this.query(['list-panes', '-s', '-t', `${this.session}:`, '-F', '#{pane_id} #{pane_dead} #{pane_dead_status} #{pane_dead_signal} #{pane_pid}']);
    const states = new Map<string, PaneExit>();
    for (const line of out.split('\n')) {
      const [id, dead, status, signal, pid] = line.trim().split(' ');
      if (!id) continue;
      states.set(id, { dead: dead === '1', exitStatus: status ? Number(status) : undefined, signal: signal ? Number(signal) : undefined, pid: pid ? Number(pid) : undefined });
    }
    return states;
  }

  /**
   * Has the tmux server look for exited children again. A tmux built with libutempter (Debian's,
   * among others) loses a SIGCHLD that arrives while utempter's own handler is installed during
   * another pane's spawn: that child stays a zombie and its pane dead without an exit status until
   * the next SIGCHLD (tmux/tmux#311, #4559). A repeated SIGCHLD is harmless: tmux only reaps.
   */
  async nudgeReaper(): Promise<void> {
    this.serverPid ??= Number((await this.query(['display-message', '-p', '-t', `${this.session}:`, '#{pid}']).catch(() => '')).trim()) || undefined;
    if (!this.serverPid) return;
    try {
      process.kill(this.serverPid, 'SIGCHLD');
    } catch {
      this.serverPid = undefined; // gone (or restarted): looked up again next time
    }
  }

  /** The terminal device of a pane (for the bell). */
  async tty(pane: string): Promise<string | undefined> {
    return (await this.query(['display-message', '-p', '-t', pane, '#{pane_tty}']).catch(() => '')).trim() || undefined;
  }

  /** A message on every client of the session (`#` shown as it is). */
  async message(text: string): Promise<void> {
    const shown = text.replace(/#/g, '##');
    if (!this.control) {
      await this.tmux(['display-message', '-t', `${this.session}:`, shown]).catch(() => {});
      return;
    }
    // From a control client, display-message would show on that (invisible) client: name the person's clients.
    const clients = await this.query(['list-clients', '-t', `${this.session}:`, '-F', '#{client_control_mode} #{client_name}']).catch(() => '');
    for (const line of clients.split('\n')) {
      const [control, ...name] = line.trim().split(' ');
      if (control === '0' && name.length) await this.query(['display-message', '-c', name.join(' '), shown]).catch(() => {});
    }
  }

  async kill(pane: string): Promise<void> {
    await this.tmux(['kill-pane', '-t', pane]).catch(() => {});
  }

  async select(pane: string, client?: string): Promise<void> {
    await this.tmux(['select-window', '-t', pane]);
    await this.tmux(['select-pane', '-t', pane]);
    // The client (the one the command ran in, else tmux's most recent) follows to the pane's session.
    await this.tmux(['switch-client', ...(client ? ['-c', client] : []), '-t', pane]).catch(() => {});
  }

  /** The session option `@picode-waiting`, shown in front of `status-right` (installed once). */
  async statusWaiting(text: string): Promise<void> {
    await this.query(['set-option', '-t', `${this.session}:`, '-q', '@picode-waiting', text]);
    if (this.statusInstalled) return;
    const current = await this.query(['show-options', '-v', '-t', `${this.session}:`, 'status-right']).catch(() => '');
    const value = current.trim() ? current : await this.query(['show-options', '-gv', 'status-right']).catch(() => '');
    if (!value.includes('@picode-waiting')) await this.query(['set-option', '-t', `${this.session}:`, '-q', 'status-right', `#{@picode-waiting}${value.replace(/\n$/, '')}`]);
    this.statusInstalled = true;
  }
}

function envArgs(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}
