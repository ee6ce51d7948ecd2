import { execFile } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import type { TmuxPanes } from './tmuxPanes.js';

/**
 * Tells the person when an external agent starts waiting or finishes, once per transition:
 * a tmux message, the terminal bell (a BEL written to the agent's pane, which tmux turns into
 * the window's bell flag and the client's beep), `notify-send` where it is installed, and a
 * POST to a webhook (an ntfy topic, a chat hook) when one is configured.
 */
export interface NotifyConfig {
  readonly tmuxMessage: boolean;
  readonly bell: boolean;
  readonly desktop: boolean;
  readonly webhook?: string | undefined;
}

export interface Notice {
  readonly run: number;
  readonly kind: string;
  readonly status: string;
  readonly task: string;
  readonly pane: string | undefined;
  readonly detail: string | undefined;
}

export class Notifier {
  private desktopAvailable: Promise<boolean> | undefined;

  constructor(
    private readonly config: NotifyConfig,
    private readonly panes: TmuxPanes,
    private readonly paneTty: (pane: string) => Promise<string | undefined>,
    private readonly warn: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  async notify(notice: Notice): Promise<void> {
    const text = `picode: agent #${notice.run} (${notice.kind}) ${notice.status.replace('_', ' ')}${notice.detail ? `: ${notice.detail}` : ''} · ${notice.task.split('\n')[0]!.slice(0, 60)}`;
    const jobs: Array<Promise<unknown>> = [];
    if (this.config.tmuxMessage) jobs.push(this.panes.message(text));
    if (this.config.bell && notice.pane) jobs.push(this.paneTty(notice.pane).then((tty) => (tty ? appendFile(tty, '\x07') : undefined)));
    if (this.config.desktop) jobs.push(this.desktop('picode', text));
    if (this.config.webhook) jobs.push(this.webhook(this.config.webhook, { ...notice, text }));
    for (const result of await Promise.allSettled(jobs)) {
      if (result.status === 'rejected') this.warn('an agent notification failed', { run: notice.run, error: (result.reason as Error).message });
    }
  }

  private async desktop(title: string, body: string): Promise<void> {
    this.desktopAvailable ??= new Promise((resolve) => execFile('notify-send', ['--version'], { timeout: 2000 }, (error) => resolve(!error)));
    if (!(await this.desktopAvailable)) return;
    await new Promise<void>((resolve) => execFile('notify-send', [title, body], { timeout: 5000 }, () => resolve()));
  }

  private async webhook(url: string, body: Record<string, unknown>): Promise<void> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`webhook ${new URL(url).host} answered ${response.status}`);
  }
}
