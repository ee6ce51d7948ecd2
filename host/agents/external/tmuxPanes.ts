import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PicodeError } from '../../core/errors.js';

const run = promisify(execFile);

/**
 * The few tmux commands external agents need beyond HostApi.panes: open a pane running a
 * command (or restart one in a given pane), keep it after its process exits so the exit
 * status can be read, read that status, and show messages and the waiting count. Always
 * aimed at the session's own server (`-L`) and session.
 */
export interface PaneExit {
  readonly dead: boolean;
  readonly exitStatus: number | undefined;
  readonly pid: number | undefined;
}

export class TmuxPanes {
  constructor(private readonly session: string, private readonly socket: string | undefined, private readonly env: NodeJS.ProcessEnv = process.env) {}

  private async tmux(args: string[]): Promise<string> {
    const full = [...(this.socket ? ['-L', this.socket] : []), ...args];
    try {
      return (await run('tmux', full, { env: this.env, timeout: 5000 })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
      throw new PicodeError(`tmux ${args[0]} failed: ${stderr}`, { hint: 'is the session still running? see `picode ls`' });
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
    const out = await this.tmux(['list-panes', '-s', '-t', `${this.session}:`, '-F', '#{pane_id} #{pane_dead} #{pane_dead_status} #{pane_pid}']);
    const states = new Map<string, PaneExit>();
    for (const line of out.split('\n')) {
      const [id, dead, status, pid] = line.trim().split(' ');
      if (!id) continue;
      states.set(id, { dead: dead === '1', exitStatus: status ? Number(status) : undefined, pid: pid ? Number(pid) : undefined });
    }
    return states;
  }

  /** The terminal device of a pane (for the bell). */
  async tty(pane: string): Promise<string | undefined> {
    return (await this.tmux(['display-message', '-p', '-t', pane, '#{pane_tty}']).catch(() => '')).trim() || undefined;
  }

  async message(text: string): Promise<void> {
    await this.tmux(['display-message', '-t', `${this.session}:`, text]).catch(() => {});
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
    await this.tmux(['set-option', '-t', `${this.session}:`, '-q', '@picode-waiting', text]);
    const current = await this.tmux(['show-options', '-v', '-t', `${this.session}:`, 'status-right']).catch(() => '');
    const value = current.trim() ? current : await this.tmux(['show-options', '-gv', 'status-right']).catch(() => '');
    if (!value.includes('@picode-waiting')) await this.tmux(['set-option', '-t', `${this.session}:`, '-q', 'status-right', `#{@picode-waiting}${value.replace(/\n$/, '')}`]);
  }
}

function envArgs(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}
