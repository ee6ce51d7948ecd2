import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { MuxObservation, MuxObserver, PaneInfo } from '../../types.js';
import { ControlClient, tmuxQuote, type ControlClientOptions } from './client.js';
import { PipeCapture } from './pipeCapture.js';
import { SpoolCapture, pipeSubscription } from './spoolCapture.js';
import type { SpoolOptions } from './spool.js';

/**
 * The tmux MuxObserver: a control-mode client attached to the session. Pane output arrives
 * as `%output` (exact bytes); windows and panes are tracked by re-listing the session's panes
 * whenever tmux reports a structural change (`%window-add`, `%window-close`,
 * `%layout-change`, ...) and diffing the lists, which yields opened, closed and resized panes
 * in one place whatever the notification was.
 *
 * Flow control: the client attaches with `pause-after=N`. When the host falls N seconds
 * behind on a pane, tmux drops that pane's queued output and sends `%pause`; the observer
 * reports `pane.output.dropped` and resumes the pane at once (`refresh-client -A %P:continue`).
 * (`%P:off` is never used: it crashed tmux 3.3a on a streaming pane.)
 */
/** How the host reads pane output (`host.status`'s `capture`). */
export interface CaptureStatus {
  /** In effect now. */
  mode: 'spool' | 'control' | 'pipe-pane';
  /** As configured (`host.capture`). */
  configured: 'spool' | 'control' | 'pipe-pane';
  /** Why `mode` is not the configured one (spool capture's tools missing on the tmux server). */
  reason?: string;
}

export interface TmuxObserverOptions {
  readonly session: string;
  readonly socket?: string | undefined;
  readonly tmuxBinary?: string;
  /** Seconds a pane may lag before tmux drops its queued output (tmux's pause-after). 0 = never. */
  readonly pauseAfterSeconds?: number;
  /**
   * How pane output is read: `spool` (pipe-pane into a bounded on-disk spool per pane, in
   * `spoolDir`; see spool.ts), `control` (`%output`, with pause-after flow control) or
   * `pipe-pane` (through a FIFO per pane, in `fifoDir`; see pipeCapture.ts).
   */
  readonly capture?: 'spool' | 'control' | 'pipe-pane';
  readonly fifoDir?: string;
  readonly spoolDir?: string;
  readonly spool?: SpoolOptions;
  /** Spool capture: the stream offset the host resumes a pane at, and its current offset. */
  readonly resumeOffset?: (pane: string) => number;
  readonly currentOffset?: (pane: string) => number | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Where the host records its control client's process id: a host killed with SIGKILL
   * leaves its `tmux -C` client attached, and the next host detaches it.
   */
  readonly clientPidFile?: string;
  /** Told when the capture cannot work as configured and the observer falls back (logged by the host). */
  readonly warn?: (message: string) => void;
}

/** The fields read for each pane; joined by a separator no name can contain. */
const separator = '\u001f';
const paneFormat = [
  '#{pane_id}', '#{window_id}', '#{window_name}', '#{pane_index}', '#{pane_width}', '#{pane_height}',
  '#{pane_active}', '#{window_active}', '#{pane_current_command}', '#{pane_current_path}', '#{pane_pid}',
  '#{pane_dead}', '#{@picode_name}', '#{pane_pipe}', '#{@picode_role}',
].join(separator);

export class TmuxControlObserver implements MuxObserver {
  private client: ControlClient | undefined;
  private emit: (observation: MuxObservation) => void = () => {};
  private readonly panes = new Map<string, PaneInfo>();
  private focused: string | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Output of panes not listed yet (a pane's first bytes can beat its `%layout-change`). */
  private readonly early = new Map<string, Buffer[]>();
  /** Panes whose output arrives although they are not in the session (linked windows): ignored. */
  private readonly foreign = new Set<string>();
  /** Panes closed whose pipe is still being drained (pipe-pane capture). */
  private readonly closing = new Set<string>();
  private stopped = false;
  private stopping = false;
  private pipes: PipeCapture | undefined;
  private spool: SpoolCapture | undefined;
  /** Panes listed with a pipe attached (pipe-pane), from the last listing. */
  private readonly piped = new Set<string>();
  private sessionId: string | undefined;
  private mode: 'spool' | 'control' | 'pipe-pane';
  private fallbackReason: string | undefined;

  constructor(private readonly options: TmuxObserverOptions) {
    this.mode = options.capture ?? 'control';
  }

  /** How pane output is read: as configured, or `control` after a fallback (see start()). */
  get captureMode(): 'spool' | 'control' | 'pipe-pane' {
    return this.mode;
  }

  /** The capture mode in effect, the one configured, and why they differ (for `host.status`). */
  get captureStatus(): CaptureStatus {
    return { mode: this.mode, configured: this.options.capture ?? 'control', ...(this.fallbackReason ? { reason: this.fallbackReason } : {}) };
  }

  /** The control client, for the host's commands (send-keys, capture-pane) on the same connection. */
  get control(): ControlClient {
    if (!this.client) throw new Error('the tmux observer is not started');
    return this.client;
  }

  async start(onObservation: (observation: MuxObservation) => void): Promise<void> {
    this.emit = onObservation;
    const piped = this.options.capture === 'pipe-pane' || this.options.capture === 'spool';
    const clientOptions: ControlClientOptions = {
      session: this.options.session,
      socket: this.options.socket,
      tmuxBinary: this.options.tmuxBinary,
      env: this.options.env,
      // With pipe-pane capture the control connection carries no output at all.
      // pause-after is switched on by enableFlowControl() once the host is fully started: the
      // extensions' start may hold the event loop for seconds, and output queued meanwhile
      // should wait for the host rather than be dropped.
      flags: piped ? ['no-output'] : [],
    };
    if (this.options.capture === 'pipe-pane') {
      if (!this.options.fifoDir) throw new Error('pipe-pane capture needs a directory for its FIFOs');
      this.pipes = new PipeCapture(this.options.fifoDir, (line) => this.command(line), (pane, data) => {
        if (this.panes.has(pane) || this.closing.has(pane)) this.emit({ type: 'pane.output', paneId: pane, data });
      });
    }
    const client = new ControlClient(clientOptions, {
      output: (pane, data) => this.onOutput(pane, data),
      notification: (name, args) => this.onNotification(name, args),
      exit: (reason) => this.onExit(reason),
    });
    this.client = client;
    client.start();
    await client.attached;
    // Panes are listed by session id: the name can change (rename-session), the id cannot.
    const [id] = await client.command(`display-message -p -t ${tmuxQuote(`=${this.options.session}:`)} '#{session_id}'`);
    if (id) this.sessionId = id.trim();
    await this.detachStaleClients(client.pid);
    if (this.options.capture === 'spool') {
      if (!this.options.spoolDir || !this.options.spool) throw new Error('spool capture needs a directory and its sizes');
      this.spool = new SpoolCapture(this.options.spoolDir, () => this.sessionId ?? `=${this.options.session}`, (line) => this.command(line), this.options.spool, {
        data: (pane, data) => { if (this.panes.has(pane) || this.closing.has(pane)) this.emit({ type: 'pane.output', paneId: pane, data }); },
        dropped: (pane, bytes, reason) => this.emit({ type: 'pane.output.dropped', paneId: pane, reason, bytes }),
        resumeOffset: (pane) => this.options.resumeOffset?.(pane) ?? 0,
        currentOffset: (pane) => (this.panes.has(pane) ? this.options.currentOffset?.(pane) : undefined),
        describe: (pane) => { const name = this.panes.get(pane)?.name; return name ? `${pane} (${name})` : pane; },
      });
      // Before the first listing: a pane made after it is piped by the hooks.
      const problem = await this.spool.install();
      if (problem) {
        // Checked once: without the writer's tools no pane could be piped, and each attempt
        // would end at once. Control mode needs nothing but tmux.
        this.spool = undefined;
        this.mode = 'control';
        this.fallbackReason = problem;
        await this.command(`refresh-client -f ${tmuxQuote('!no-output')}`);
        this.options.warn?.(`${problem}; reading pane output in control mode instead (host.capture: control: flow-controlled, no disk, costlier for the tmux server under heavy output; see docs/host.md)`);
      }
    }
    await this.refresh();
  }

  /**
   * Stops observing. `release`: the host stops for good, so the spool hooks and pipes are
   * removed; without it (the host will be back) the spool writers keep capturing.
   */
  async stop(release = true): Promise<void> {
    this.stopping = true;
    if (!this.stopped) await this.pipes?.detachAll();
    if (this.spool) {
      if (!this.stopped && release) await this.spool.uninstall([...this.panes.keys()]);
      else this.spool.stop();
    }
    await this.client?.close();
  }

  /** Detaches the control clients earlier hosts of this session recorded, and records ours. */
  private async detachStaleClients(own: number | undefined): Promise<void> {
    const file = this.options.clientPidFile;
    if (!file) return;
    let recorded: number[] = [];
    try { recorded = readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number); } catch { /* first host */ }
    if (recorded.length > 0) {
      const clients = await this.command(`list-clients -F ${tmuxQuote(`#{client_pid}${separator}#{client_name}`)}`).catch(() => [] as string[]);
      for (const line of clients) {
        const [pid, name] = line.split(separator);
        if (name && Number(pid) !== own && recorded.includes(Number(pid))) {
          await this.command(`detach-client -t ${tmuxQuote(name)}`).catch(() => undefined);
        }
      }
    }
    if (own !== undefined) writeFileSync(file, `${own}\n`, { mode: 0o600 });
  }

  /** Spool capture: the host durably recorded `pane`'s stream up to `offset`. */
  acknowledge(pane: string, offset: number): void {
    this.spool?.acknowledge(pane, offset);
  }

  /** Turns on tmux's flow control (pause-after) for this client; see start(). */
  async enableFlowControl(): Promise<void> {
    const pause = this.options.pauseAfterSeconds ?? 5;
    if (this.mode !== 'control') return;
    if (pause <= 0) return;
    await this.command(`refresh-client -f pause-after=${pause}`);
  }

  /** The panes as last listed. */
  list(): PaneInfo[] {
    return [...this.panes.values()];
  }

  /** Lists the panes again now (their programs, directories and focus change without notice). */
  async relist(): Promise<PaneInfo[]> {
    await this.refresh();
    return this.list();
  }

  /** Runs a tmux command on the control connection. */
  command(line: string): Promise<string[]> {
    return this.control.command(line);
  }

  async sendText(paneId: string, text: string, enter: boolean): Promise<void> {
    // One command per line: tmux answers each command of a `a ; b` line with its own block.
    const sent: Array<Promise<string[]>> = [];
    if (text.length > 0) sent.push(this.command(`send-keys -t ${paneId} -l -- ${tmuxQuote(text)}`));
    if (enter) sent.push(this.command(`send-keys -t ${paneId} Enter`));
    await Promise.all(sent);
  }

  async sendKeys(paneId: string, keys: readonly string[]): Promise<void> {
    if (keys.length) await this.command(`send-keys -t ${paneId} -- ${keys.map(tmuxQuote).join(' ')}`);
  }

  /** `capture-pane`: the visible screen plus `historyLines` of history, as tmux renders it. */
  async capture(paneId: string, historyLines: number, ansi: boolean): Promise<string> {
    const lines = await this.command(`capture-pane -p -J${ansi ? ' -e' : ''} -S -${Math.max(0, Math.floor(historyLines))} -t ${paneId}`);
    return lines.join('\n');
  }

  private onOutput(pane: string, data: Buffer): void {
    if (this.panes.has(pane)) {
      this.emit({ type: 'pane.output', paneId: pane, data });
      return;
    }
    if (this.foreign.has(pane)) return;
    let queue = this.early.get(pane);
    if (!queue) this.early.set(pane, (queue = []));
    queue.push(data);
    this.scheduleRefresh();
  }

  private onNotification(name: string, args: string): void {
    switch (name) {
      case 'pause': {
        const pane = args.trim();
        this.emit({ type: 'pane.output.dropped', paneId: pane, reason: `the host fell more than ${this.options.pauseAfterSeconds ?? 5} s behind; tmux dropped the queued output`, bytes: undefined });
        this.client?.command(`refresh-client -A ${tmuxQuote(`${pane}:continue`)}`).catch(() => undefined);
        return;
      }
      case 'subscription-changed': {
        // `picode-pipe $S @W idx %P : value`
        const m = /^(\S+) .*?(%\d+)[^:]* : (.*)$/.exec(args);
        if (m && m[1] === pipeSubscription) this.spool?.pipeChanged(m[2]!, m[3]!.trim() === '1');
        return;
      }
      case 'window-add':
      case 'window-close':
      case 'unlinked-window-close':
      case 'layout-change':
      case 'window-pane-changed':
      case 'session-window-changed':
      case 'sessions-changed':
      case 'window-renamed':
        this.scheduleRefresh();
        return;
      default:
        return;
    }
  }

  private onExit(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.stopping) return;
    for (const [pane, queue] of this.early) {
      for (const data of queue) this.emit({ type: 'pane.output', paneId: pane, data });
    }
    this.early.clear();
    const drained = this.pipes ? this.pipes.drainAll() : this.spool ? this.spool.drainAll() : Promise.resolve();
    void Promise.all([this.explainExit(reason), drained]).then(([why]) => this.emit({ type: 'session.stopped', reason: why }));
  }

  /** tmux says `detached` whether the session closed, the server died or someone detached the client. */
  private explainExit(reason: string): Promise<string> {
    const args = [...(this.options.socket ? ['-L', this.options.socket] : []), 'has-session', '-t', `=${this.options.session}`];
    return new Promise((resolve) => {
      execFile(this.options.tmuxBinary ?? 'tmux', args, { env: this.options.env ?? process.env }, (error, _stdout, stderr) => {
        if (!error) resolve(`the host's tmux client was detached (tmux: ${reason})`);
        // The server answered but the session is gone; any other failure (no server, refused,
        // lost while it shuts down) means the server itself went away.
        else if (/can't find session|session not found/i.test(String(stderr))) resolve('the session was closed');
        else resolve('the tmux server exited');
      });
    });
  }

  /** Coalesces bursts of notifications into one `list-panes` (and one more if more came meanwhile). */
  private scheduleRefresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = this.refresh().catch(() => undefined).finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.scheduleRefresh();
      }
    });
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const waiting = new Set(this.early.keys());
    const target = this.sessionId ?? `=${this.options.session}`;
    const lines = await this.command(`list-panes -s -t ${tmuxQuote(target)} -F ${tmuxQuote(paneFormat)}`);
    const seen = new Map<string, PaneInfo>();
    let focused: string | undefined;
    for (const line of lines) {
      const f = line.split(separator);
      if (f.length < 14) continue;
      const info: PaneInfo = {
        id: f[0]!, windowId: f[1]!, windowName: f[2]!, index: Number(f[3]), width: Number(f[4]), height: Number(f[5]),
        active: f[6] === '1', command: f[8]!, cwd: f[9]!, pid: f[10] ? Number(f[10]) : undefined, dead: f[11] === '1',
        name: f[12] || undefined, role: f[14] || undefined,
      };
      seen.set(info.id, info);
      if (f[13] === '1') this.piped.add(info.id); else this.piped.delete(info.id);
      if (info.active && f[7] === '1') focused = info.id;
    }
    for (const [id] of this.panes) {
      if (!seen.has(id)) {
        this.panes.delete(id);
        this.piped.delete(id);
        if (this.pipes || this.spool) {
          // The pipe may still hold the pane's last bytes: read them before the pane is closed.
          const drained = this.pipes ? this.pipes.drain(id) : this.spool!.untrack(id);
          this.closing.add(id);
          void drained.then(() => { this.closing.delete(id); this.emit({ type: 'pane.closed', paneId: id }); });
        } else {
          this.emit({ type: 'pane.closed', paneId: id });
        }
      }
    }
    for (const [id, info] of seen) {
      const before = this.panes.get(id);
      this.panes.set(id, info);
      if (!before) {
        this.emit({ type: 'pane.opened', pane: info });
        if (this.pipes) await this.pipes.attach(id).catch((error: Error) => this.emit({
          type: 'pane.output.dropped', paneId: id, reason: `cannot capture the pane through pipe-pane: ${error.message}`, bytes: undefined,
        }));
        if (this.spool) await this.spool.track(id, this.piped.has(id)).catch((error: Error) => this.emit({
          type: 'pane.output.dropped', paneId: id, reason: `cannot capture the pane through its spool: ${error.message}`, bytes: undefined,
        }));
        const queue = this.early.get(id);
        this.early.delete(id);
        for (const data of queue ?? []) this.emit({ type: 'pane.output', paneId: id, data });
      } else if (before.width !== info.width || before.height !== info.height) {
        this.emit({ type: 'pane.resized', paneId: id, width: info.width, height: info.height });
      }
    }
    // A pane whose output was waiting before this listing and is still not listed is not in
    // the session (a window linked from elsewhere): it is not observed.
    for (const id of waiting) {
      if (!seen.has(id)) {
        this.early.delete(id);
        this.foreign.add(id);
      }
    }
    if (focused && focused !== this.focused) {
      this.focused = focused;
      this.emit({ type: 'pane.focused', paneId: focused });
    }
  }
}
