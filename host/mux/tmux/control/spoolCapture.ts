import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmuxQuote } from './client.js';
import { SpoolReader, ensureSpoolRoot, epochAlive, listEpochs, spoolPipeCommand, spoolProbeScript, type SpoolEpoch, type SpoolOptions } from './spool.js';

/**
 * Pane output through pipe-pane into per-pane spools (spool.ts), for the tmux observer.
 *
 * - New panes are piped by session hooks (`after-new-window`, `after-split-window`), which tmux
 *   runs before it reads anything from the new pane: its first bytes are in the spool.
 * - Panes listed without a pipe are piped by the host, from the offset it resumes at.
 * - A pane whose pipe is not picode's (tmux-logging and the like) is left alone: a pane has one
 *   pipe, and replacing the user's would break their logging. The conflict is reported, naming
 *   the pane, and capture resumes when their pipe closes (a subscription on `#{pane_pipe}`).
 * - The writers outlive the host: a host that was killed or stopped finds its spools running
 *   and continues where it had durably recorded the stream.
 */
export interface SpoolCaptureHandlers {
  data(pane: string, bytes: Buffer): void;
  dropped(pane: string, bytes: number | undefined, reason: string): void;
  /** The pane's offset the host resumes at (what it has durably recorded). */
  resumeOffset(pane: string): number;
  /** The host's current offset for a pane it observes. */
  currentOffset(pane: string): number | undefined;
  /** A display name for messages: `%3 (logs)`. */
  describe(pane: string): string;
}

/** The hook index picode uses (hooks are arrays: the user's own hooks at other indexes stay). */
const hookIndex = 4717;
const hooks = ['after-new-window', 'after-split-window'];
export const pipeSubscription = 'picode-pipe';

export class SpoolCapture {
  private readonly readers = new Map<string, SpoolReader>();
  /** Panes whose pipe belongs to someone else (reported once, retried when it closes). */
  private readonly foreign = new Set<string>();
  private readonly waitingEnd = new Map<string, () => void>();
  /** Panes listed and not closed. */
  private readonly tracked = new Set<string>();
  /** Panes whose writer could not run (reported once, never re-piped: that would loop). */
  private readonly failed = new Set<string>();
  /** When each pane was last re-piped after its writer ended, and how often in a row. */
  private readonly repiped = new Map<string, { at: number; times: number }>();
  private stopped = false;
  private newServer = false;

  constructor(
    private readonly root: string,
    private readonly sessionTarget: () => string,
    private readonly command: (line: string) => Promise<string[]>,
    private readonly options: SpoolOptions,
    private readonly handlers: SpoolCaptureHandlers,
  ) {
    ensureSpoolRoot(root);
  }

  /**
   * Checks, once, that the writer's tools work where tmux runs pipes; then installs the hooks
   * that pipe new panes and the subscription that reports other pipes closing. Returns why
   * spool capture cannot work here (nothing installed), or undefined.
   */
  async install(): Promise<string | undefined> {
    const problem = await this.probe();
    if (problem) return problem;
    // Pane ids restart with a new tmux server: offsets recorded for the old one's panes say
    // nothing about these (a spool is then read from its start).
    const [server] = await this.command(`display-message -p ${tmuxQuote('#{pid}-#{start_time}')}`);
    const file = join(this.root, 'server');
    let before: string | undefined;
    try { before = readFileSync(file, 'utf8'); } catch { /* first host here */ }
    this.newServer = before !== undefined && before !== server;
    writeFileSync(file, server ?? '', { mode: 0o600 });
    // Spools of the old server's panes: their panes are gone.
    if (this.newServer) for (const epoch of listEpochs(this.root)) rmSync(epoch.dir, { recursive: true, force: true });
    const pipe = `pipe-pane -O ${tmuxQuote(spoolPipeCommand(this.root, 0, this.options))}`;
    // Guarded: a user hook that piped the pane first keeps its pipe.
    const guarded = `if-shell -F "#{pane_pipe}" "" ${tmuxQuote(pipe)}`;
    for (const hook of hooks) {
      await this.command(`set-hook -t ${tmuxQuote(this.sessionTarget())} ${tmuxQuote(`${hook}[${hookIndex}]`)} ${tmuxQuote(guarded)}`);
    }
    await this.command(`refresh-client -B ${tmuxQuote(`${pipeSubscription}:%*:#{pane_pipe}`)}`).catch(() => undefined);
    return undefined;
  }

  /** Runs the writer's tool check in tmux, with the environment the pipes get. */
  private async probe(): Promise<string | undefined> {
    const file = join(this.root, 'probe');
    rmSync(file, { force: true });
    // tmux 3.3a ends a control client's `run-shell` reply at once but holds the client's next
    // command until the shell is done: that command's reply says the check ran.
    try {
      await Promise.all([
        this.command(`run-shell -t ${tmuxQuote(this.sessionTarget())} ${tmuxQuote(spoolProbeScript(file))}`),
        this.command('display-message -p done'),
      ]);
    } catch (error) {
      return `tmux could not run the spool capture's tool check (${(error as Error).message})`;
    }
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { return `tmux did not run the spool capture's tool check (${file} was not written)`; }
    rmSync(file, { force: true });
    return text.trim() || undefined;
  }

  /**
   * A pane listed by the observer (new, or at start): follow its spool, or pipe it. Returns
   * once the pipe command is sent; the spool is followed as soon as its writer made it.
   */
  async track(pane: string, piped: boolean): Promise<void> {
    if (this.tracked.has(pane) || this.stopped) return;
    this.tracked.add(pane);
    const from = this.newServer ? 0 : this.handlers.resumeOffset(pane);
    // Spools of earlier pipes of this pane that are over: read what the host had not recorded.
    let at = from;
    for (const epoch of listEpochs(this.root, pane)) {
      if (!epochAlive(epoch)) at = this.drainEnded(pane, epoch, at);
    }
    const live = listEpochs(this.root, pane).filter(epochAlive);
    if (live.length > 0) {
      this.followFrom(pane, live[live.length - 1]!, at);
      return;
    }
    if (!piped) {
      const base = this.handlers.currentOffset(pane) ?? at;
      await this.command(this.guardedPipe(pane, base));
      void this.followWhenReady(pane, base);
      return;
    }
    // Piped, but no spool of ours yet: a hook's writer starting, or somebody else's pipe.
    void this.followWhenReady(pane, at);
  }

  /** The pane is gone: reads its spool to the end (its pipe closes with it), then deletes it. */
  async untrack(pane: string, maxWaitMs = 2000): Promise<void> {
    this.foreign.delete(pane);
    this.failed.delete(pane);
    this.repiped.delete(pane);
    this.tracked.delete(pane);
    const reader = this.readers.get(pane);
    if (!reader) return;
    if (!reader.done) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        this.waitingEnd.set(pane, () => { clearTimeout(timer); resolve(); });
      });
      this.waitingEnd.delete(pane);
    }
    reader.pumpNow();
    this.readers.delete(pane);
    reader.discard();
  }

  /** The host durably recorded the pane's stream up to `offset`. */
  acknowledge(pane: string, offset: number): void {
    this.readers.get(pane)?.acknowledge(offset);
  }

  /** `%subscription-changed` for `#{pane_pipe}`: a user's pipe closed, or ours was replaced. */
  pipeChanged(pane: string, piped: boolean): void {
    if (this.stopped) return;
    if (!piped && this.foreign.has(pane)) {
      this.foreign.delete(pane);
      const at = this.handlers.currentOffset(pane);
      if (at !== undefined) {
        this.handlers.dropped(pane, undefined, `the other pipe of pane ${this.handlers.describe(pane)} closed; picode captures it again from here (what it printed meanwhile was not captured)`);
        void this.attach(pane, at).catch(() => undefined);
      }
    }
  }

  /** The host stops: the writers keep running (the next host continues from the spools). */
  stop(): void {
    this.stopped = true;
    for (const reader of this.readers.values()) reader.stop();
    this.readers.clear();
  }

  /** For good (the host is told to let the session go): remove the hooks, close the pipes, delete the spools. */
  async uninstall(panes: readonly string[]): Promise<void> {
    for (const hook of hooks) await this.command(`set-hook -u -t ${tmuxQuote(this.sessionTarget())} ${tmuxQuote(`${hook}[${hookIndex}]`)}`).catch(() => undefined);
    for (const pane of panes) if (!this.foreign.has(pane)) await this.command(`pipe-pane -t ${pane}`).catch(() => undefined);
    this.stop();
  }

  /** After the session ended: read what is left of every spool. */
  async drainAll(): Promise<void> {
    await Promise.all([...this.readers.keys()].map((pane) => this.untrack(pane, 500)));
  }

  private async attach(pane: string, base: number): Promise<void> {
    await this.command(this.guardedPipe(pane, base));
    await this.followWhenReady(pane, base);
  }

  /** pipe-pane, guarded in tmux itself: a pipe the user attached in between is never replaced. */
  private guardedPipe(pane: string, base: number): string {
    const pipe = `pipe-pane -O -t ${pane} ${tmuxQuote(spoolPipeCommand(this.root, base, this.options))}`;
    return `if-shell -F -t ${pane} "#{pane_pipe}" "" ${tmuxQuote(pipe)}`;
  }

  /** Follows the pane's spool once its writer made it; none within 2 s means the pipe is not ours. */
  private async followWhenReady(pane: string, from: number): Promise<void> {
    for (let i = 0; i < 200 && !this.stopped && this.tracked.has(pane); i++) {
      const why = this.writerFailure(pane);
      if (why !== undefined) {
        this.reportFailed(pane, `its spool writer cannot run: GNU coreutils stdbuf and head are needed on the tmux server's PATH (${why})`);
        return;
      }
      const live = listEpochs(this.root, pane).filter(epochAlive);
      if (live.length > 0) {
        this.followFrom(pane, live[live.length - 1]!, from);
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!this.stopped && this.tracked.has(pane)) this.reportForeign(pane);
  }

  private followFrom(pane: string, epoch: SpoolEpoch, from: number): void {
    if (from < epoch.base) {
      this.handlers.dropped(pane, epoch.base - from, 'output printed while no host ran and no spool was attached');
    }
    this.follow(pane, epoch, Math.max(from, epoch.base));
  }

  private follow(pane: string, epoch: SpoolEpoch, from: number): void {
    const reader = new SpoolReader(epoch, from, this.options, {
      data: (bytes) => this.handlers.data(pane, bytes),
      dropped: (bytes) => this.handlers.dropped(pane, bytes, `the host fell behind by more than the spool holds (${this.options.maxSegments} x ${this.options.segmentBytes} bytes, host.spool.maxBytesPerPane); output dropped: the spool writer deleted its oldest unread segment to keep the newest`),
      ended: () => this.ended(pane, reader),
    });
    this.readers.set(pane, reader);
    reader.start();
  }

  /** A spool whose writer is gone: its unread bytes are delivered at once, then it is deleted. */
  private drainEnded(pane: string, epoch: SpoolEpoch, from: number): number {
    // A writer that died without its end mark (killed) wrote all it will.
    if (!existsSync(join(epoch.dir, 'end'))) { try { writeFileSync(join(epoch.dir, 'end'), ''); } catch { /* gone */ } }
    const reader = new SpoolReader(epoch, Math.max(from, epoch.base), this.options, {
      data: (bytes) => this.handlers.data(pane, bytes),
      dropped: (bytes) => this.handlers.dropped(pane, bytes, 'output dropped: the spool was full while no host read it (host.spool.maxBytesPerPane); the spool writer deleted its oldest unread segment'),
      ended: () => undefined,
    });
    while (!reader.done) reader.pumpNow();
    const end = reader.offset;
    reader.discard();
    return Math.max(from, end);
  }

  private ended(pane: string, reader: SpoolReader): void {
    const waiting = this.waitingEnd.get(pane);
    if (waiting) { waiting(); return; }
    if (this.stopped || this.readers.get(pane) !== reader) return;
    // The pipe closed while the pane lives on: replaced by another pipe-pane, or closed by one
    // (`pipe-pane` without a command). Re-pipe it unless someone else's pipe is there now.
    this.readers.delete(pane);
    reader.discard();
    const at = this.handlers.currentOffset(pane);
    if (at === undefined) return;
    // A writer that keeps ending on its own (its disk full, its directory unwritable) is not
    // re-piped forever: after a few quick ends in a row the pane is reported instead.
    const now = Date.now();
    const last = this.repiped.get(pane);
    const times = last && now - last.at < 5000 ? last.times + 1 : 1;
    this.repiped.set(pane, { at: now, times });
    if (times > 3) {
      this.reportFailed(pane, `its spool writer ended ${times} times within seconds (is ${this.root} writable, its disk full?)`);
      return;
    }
    void this.command(`display-message -p -t ${pane} "#{pane_pipe}"`).then(([piped]) => {
      if (piped?.trim() === '1') this.reportForeign(pane);
      else return this.attach(pane, at);
    }).catch(() => undefined);
  }

  /** Why a writer of this pane gave up (its `failed` mark: the PATH it had), or undefined. */
  private writerFailure(pane: string): string | undefined {
    for (const dir of this.epochDirs(pane)) {
      try { return `PATH=${readFileSync(join(dir, 'failed'), 'utf8').trim()}`; } catch { /* not failed */ }
    }
    return undefined;
  }

  /** Removes the directories of writers of this pane that gave up. */
  private clearFailed(pane: string): void {
    for (const dir of this.epochDirs(pane)) if (existsSync(join(dir, 'failed'))) rmSync(dir, { recursive: true, force: true });
  }

  private epochDirs(pane: string): string[] {
    try {
      return readdirSync(this.root).filter((name) => name.startsWith(`${pane}-`)).map((name) => join(this.root, name));
    } catch { return []; }
  }

  private reportFailed(pane: string, why: string): void {
    this.clearFailed(pane);
    if (this.failed.has(pane)) return;
    this.failed.add(pane);
    this.handlers.dropped(pane, undefined, `pane ${this.handlers.describe(pane)} is not captured: ${why}`);
  }

  private reportForeign(pane: string): void {
    if (this.foreign.has(pane)) return;
    this.foreign.add(pane);
    this.handlers.dropped(pane, undefined, `pane ${this.handlers.describe(pane)} is piped by another command (pipe-pane, e.g. tmux-logging); a pane has one pipe and picode leaves yours alone, so it does not capture this pane until that pipe closes`);
  }
}
