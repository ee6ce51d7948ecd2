import { execFile } from 'node:child_process';

/**
 * Agent status in the tmux status line. The agent view runs inside the session's tmux, so
 * plain `tmux` commands reach the right server through $TMUX. It sets the session option
 * `@picode-agents` (e.g. `agents: #4 working, #5 waiting approval`) and, once, puts
 * `#{@picode-agents}` in front of the session's `status-right` (a user who placed it
 * elsewhere keeps their own). Outside tmux (Zellij) the pane title carries the status.
 */
export class TmuxStatusLine {
  private last: string | undefined;
  private installed = false;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get available(): boolean {
    return Boolean(this.env.TMUX);
  }

  /** `extra`: other things waiting (an LLM request held for approval), after the runs. */
  update(runs: ReadonlyArray<{ id: number; status: string }>, extra: readonly string[] = []): void {
    if (!this.available) return;
    const active = runs.filter((r) => !['done', 'failed', 'stopped', 'interrupted'].includes(r.status));
    const items = [...active.map((r) => `#${r.id} ${r.status.replace('_', ' ')}`), ...extra];
    const text = items.length ? `agents: ${items.join(', ')} ` : '';
    if (text === this.last) return;
    this.last = text;
    this.tmux(['set-option', '-q', '@picode-agents', text]);
    if (!this.installed) {
      this.installed = true;
      // The session's own value, else the global one it inherits.
      this.tmux(['show-options', '-v', 'status-right'], (local) => {
        const install = (current: string) => {
          if (current.includes('@picode-agents')) return;
          this.tmux(['set-option', '-q', 'status-right', `#{@picode-agents}${current.replace(/\n$/, '')}`]);
        };
        if (local.trim()) install(local);
        else execFile('tmux', ['show-options', '-gv', 'status-right'], { env: this.env, timeout: 2000 }, (error, global) => { if (!error) install(String(global)); });
      });
    }
  }

  private tmux(args: string[], then?: (stdout: string) => void): void {
    // The target is the session of the pane this view runs in ($TMUX_PANE).
    const target = this.env.TMUX_PANE ? ['-t', this.env.TMUX_PANE] : [];
    const [command, ...rest] = args;
    execFile('tmux', [command!, ...target, ...rest], { env: this.env, timeout: 2000 }, (error, stdout) => {
      if (!error) then?.(String(stdout));
    });
  }
}
