import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { MuxObservation, MuxObserver, PaneInfo } from '../types.js';
import { zellijArgv, ZellijCallError, type ZellijRunner } from './exec.js';
import { normalisePaneId, parsePaneList, terminalPanes } from './listings.js';
import { MarkDecoder } from './marks.js';
import { ViewportDiffer } from './viewport.js';

/**
 * The Zellij MuxObserver. Zellij has no control mode, so the session is followed with two
 * public CLI calls:
 *
 * - `zellij --session S subscribe --pane-id ID... --format json`: one long-lived process per
 *   batch of panes, printing NDJSON `pane_update` (the whole viewport, first with
 *   `is_initial: true`, then after each change) and `pane_closed`. Viewports are diffed into
 *   `pane.output` by `ViewportDiffer` (see viewport.ts for how that differs from tmux's bytes).
 * - `zellij --session S action list-panes --json`, polled (default every second), for panes
 *   opened (a new `subscribe` is started for them), closed, resized and focused, and to notice
 *   the session ending (exit 1, "no active session").
 *
 * Both have limits: a subscribe that has not delivered its first snapshot within the call
 * timeout is killed and retried, and a poll that fails for another reason is retried on the
 * next tick.
 */
export interface ZellijObserverOptions {
  readonly session: string;
  readonly runner: ZellijRunner;
  /** How often panes are re-listed, in milliseconds (default 1000). */
  readonly pollMs?: number;
  /** How long a new `subscribe` may take to deliver its first snapshot (default 10 s). */
  readonly firstSnapshotTimeoutMs?: number;
  /** Send and capture, for hosts that drive panes through their observer (as with tmux's control client). */
  readonly panes?: PaneOperations;
}

export interface PaneOperations {
  capture(paneId: string, options?: { lines?: number; ansi?: boolean }): Promise<string>;
  sendText(paneId: string, text: string, enter: boolean): Promise<void>;
  sendKeys(paneId: string, keys: readonly string[]): Promise<void>;
}

interface Subscription {
  readonly child: ChildProcess;
  readonly paneIds: readonly string[];
  readonly exited: Promise<void>;
}

export class ZellijObserver implements MuxObserver {
  private emit: (observation: MuxObservation) => void = () => {};
  private readonly panes = new Map<string, PaneInfo>();
  private readonly differs = new Map<string, { viewport: ViewportDiffer; marks: MarkDecoder }>();
  private readonly subscribed = new Set<string>();
  private readonly subscriptions = new Set<Subscription>();
  private focused: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ZellijObserverOptions) {}

  async start(onObservation: (observation: MuxObservation) => void): Promise<void> {
    this.emit = onObservation;
    await this.refresh();
    if (this.stopped) return;
    this.timer = setInterval(() => this.scheduleRefresh(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing?.catch(() => undefined);
    const exits = [...this.subscriptions].map((s) => {
      s.child.kill('SIGTERM');
      return s.exited;
    });
    await Promise.all(exits);
  }

  /** The panes as last listed. */
  list(): PaneInfo[] {
    return [...this.panes.values()];
  }

  capture(paneId: string, historyLines: number, ansi: boolean): Promise<string> {
    return this.operations().capture(paneId, { lines: historyLines, ansi });
  }

  sendText(paneId: string, text: string, enter: boolean): Promise<void> {
    return this.operations().sendText(paneId, text, enter);
  }

  sendKeys(paneId: string, keys: readonly string[]): Promise<void> {
    return this.operations().sendKeys(paneId, keys);
  }

  private operations(): PaneOperations {
    if (!this.options.panes) throw new Error('this Zellij observer was created without pane operations');
    return this.options.panes;
  }

  private scheduleRefresh(): void {
    if (this.refreshing || this.stopped) return;
    this.refreshing = this.refresh().catch(() => undefined).finally(() => { this.refreshing = undefined; });
  }

  private async refresh(): Promise<void> {
    const { runner, session } = this.options;
    let listed: PaneInfo[];
    try {
      listed = terminalPanes(parsePaneList((await runner.run(session, ['action', 'list-panes', '--json'])).stdout));
      // New panes: list once more with --command for their command and cwd (that query is slow
      // for Zellij, per pane: too much to pay on every poll).
      if (listed.some((p) => !this.panes.has(p.id))) {
        listed = terminalPanes(parsePaneList((await runner.run(session, ['action', 'list-panes', '--json', '--command'])).stdout));
      }
    } catch (error) {
      if (error instanceof ZellijCallError && error.code === 1) this.sessionStopped(`the Zellij session ${session} ended`);
      else if (this.panes.size === 0 && !this.timer) throw error; // the first listing must work
      return;
    }
    if (this.stopped) return;
    const seen = new Map(listed.map((p) => [p.id, p]));
    for (const id of [...this.panes.keys()]) if (!seen.has(id)) this.closed(id);
    for (const [id, info] of seen) {
      const before = this.panes.get(id);
      if (!before) {
        this.panes.set(id, info);
        this.emit({ type: 'pane.opened', pane: info });
      } else {
        // Keep the command and cwd read when the pane opened: polls do not ask for them.
        this.panes.set(id, { ...info, command: info.command || before.command, cwd: info.cwd || before.cwd });
        if (before.width !== info.width || before.height !== info.height) {
          this.emit({ type: 'pane.resized', paneId: id, width: info.width, height: info.height });
        }
      }
    }
    const unsubscribed = [...seen.keys()].filter((id) => !this.subscribed.has(id) && !seen.get(id)!.dead);
    if (unsubscribed.length) this.subscribe(unsubscribed);
    const focused = await this.focusedPane(listed);
    if (focused && focused !== this.focused && !this.stopped) {
      this.focused = focused;
      this.emit({ type: 'pane.focused', paneId: focused });
    }
  }

  /** The focused pane of the active tab (each tab has a focused pane; only one tab is active). */
  private async focusedPane(panes: readonly PaneInfo[]): Promise<string | undefined> {
    const candidates = panes.filter((p) => p.active);
    if (candidates.length <= 1) return candidates[0]?.id;
    try {
      const tabs = JSON.parse((await this.options.runner.run(this.options.session, ['action', 'list-tabs', '--json'])).stdout) as Array<{ position: number; active: boolean; tab_id?: number }>;
      const active = tabs.find((t) => t.active);
      if (active?.tab_id !== undefined) return candidates.find((p) => p.windowId === `tab_${active.tab_id}`)?.id;
    } catch {
      // fall through: the first candidate is as good a guess as any
    }
    return candidates[0]?.id;
  }

  private closed(id: string): void {
    if (!this.panes.delete(id)) return;
    this.differs.delete(id);
    this.subscribed.delete(id);
    if (this.focused === id) this.focused = undefined;
    this.emit({ type: 'pane.closed', paneId: id });
  }

  private sessionStopped(reason: string): void {
    if (this.stopped) return;
    this.emit({ type: 'session.stopped', reason });
    void this.stop();
  }

  /** Starts one `zellij subscribe` for these panes and turns its NDJSON into observations. */
  private subscribe(paneIds: readonly string[]): void {
    const { runner, session } = this.options;
    for (const id of paneIds) this.subscribed.add(id);
    const args = ['subscribe', ...paneIds.flatMap((id) => ['--pane-id', id]), '--format', 'json'];
    runner.calls++;
    const child = spawn(runner.binary, zellijArgv(session, args), { stdio: ['ignore', 'pipe', 'pipe'], env: runner.env });
    let delivered = false;
    let stderr = '';
    const firstSnapshot = setTimeout(() => {
      if (!delivered) child.kill('SIGKILL');
    }, this.options.firstSnapshotTimeoutMs ?? 10_000);
    firstSnapshot.unref();
    const exited = new Promise<void>((resolve) => {
      child.on('close', () => resolve());
      child.on('error', () => resolve());
    });
    const subscription: Subscription = { child, paneIds, exited };
    this.subscriptions.add(subscription);
    child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-2000); });
    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      delivered = true;
      this.onEvent(line);
    });
    void exited.then(() => {
      clearTimeout(firstSnapshot);
      this.subscriptions.delete(subscription);
      if (this.stopped) return;
      // The process ended while panes it watched still exist (killed, or its server restarted):
      // let the next poll subscribe to them again.
      for (const id of paneIds) this.subscribed.delete(id);
      if (stderr && /no active session|not found/i.test(stderr)) this.sessionStopped(`the Zellij session ${session} ended`);
    });
  }

  private onEvent(line: string): void {
    let event: { event?: unknown; pane_id?: unknown; viewport?: unknown; is_initial?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return; // not NDJSON: ignore the line rather than the stream
    }
    const paneId = normalisePaneId(String(event.pane_id ?? ''));
    if (!paneId || this.stopped) return;
    if (event.event === 'pane_closed') {
      this.closed(paneId);
      return;
    }
    if (event.event !== 'pane_update' || !Array.isArray(event.viewport)) return;
    let differ = this.differs.get(paneId);
    if (!differ) this.differs.set(paneId, (differ = { viewport: new ViewportDiffer(), marks: new MarkDecoder() }));
    const output = differ.marks.decode(differ.viewport.update(event.viewport.map(String), event.is_initial === true));
    if (output !== '' && this.panes.has(paneId)) {
      this.emit({ type: 'pane.output', paneId, data: Buffer.from(output, 'utf8') });
    }
  }
}
