import type { EventInput, RunResult } from '../api/hostApi.js';
import type { PaneInfo } from '../mux/types.js';
import { Utf8StreamDecoder } from '../mux/tmux/control/utf8.js';
import { TerminalFilter, type CommandMark } from '../terminal/filter.js';
import { ByteScrollback, TextScrollback, renderPlainText } from '../terminal/scrollback.js';

/**
 * Everything the host keeps for one pane: its scrollback, the output not yet sent as an
 * event, and the command running in it (from OSC 133 marks or picode's own sentinel marks).
 *
 * Output is coalesced: the first chunk after a quiet spell is flushed on the next turn of the
 * event loop (low latency for interactive use), later chunks are joined until `flushMs`
 * after the previous flush (bounded event rate under a flood). Text is decoded with a
 * streaming UTF-8 decoder, so an event never ends inside a character. A command mark
 * flushes the output before it first, so `command.started` always follows the output that
 * preceded it (the echoed command line) and precedes the command's own output.
 */
export interface PaneStateOptions {
  readonly flushMs: number;
  readonly scrollbackBytes: number;
  readonly scrollbackLines: number;
  readonly runOutputBytes: number;
}

export interface PaneEvents {
  emit(input: EventInput): void;
  /** Raw bytes for the persisted output log. */
  log(pane: string, offset: number, data: Buffer): void;
}

type CommandSource = 'osc133' | 'sentinel';

interface RunningCommand {
  readonly command: string;
  readonly source: CommandSource;
  readonly nonce: string | undefined;
  readonly from: number;
  readonly startedAt: number;
  text: string[];
  textLength: number;
  truncated: boolean;
  waiters: Array<(result: RunResult) => void>;
  /** The shell's report of a line wrapping a sentinel run: tracked, but its events are the sentinel's. */
  readonly silent: boolean;
}

interface Waiter {
  /** Sentinel nonce; undefined = the next command that starts from the shell's own marks. */
  readonly nonce: string | undefined;
  readonly resolve: (result: RunResult) => void;
}

const tailBytes = 4096;
/**
 * A flood is cut into events of at most this much plain text: one big string per event would
 * be allocated outside V8's young generation and held until a full collection, which made the
 * host's memory balloon while it caught up on a spool.
 */
const maxEventBytes = 64 * 1024;
/** Output arriving this long after the previous chunk starts a new burst (flushed at once). */
const quietGapMs = 3;

export class PaneState {
  /** Raw bytes of this pane's stream seen so far (the offset of the next byte). */
  offset: number;
  readonly bytes: ByteScrollback;
  readonly text: TextScrollback;
  /** True once the pane's shell printed OSC 133 marks of its own (`picode shell-init`). */
  hasMarks = false;
  lastOutputAt = 0;
  idleReported = true;
  closed = false;

  private filter = new TerminalFilter();
  private decoder = new Utf8StreamDecoder();
  private pendingPlain: Buffer[] = [];
  private pendingPlainBytes = 0;
  private pendingFrom: number;
  private lastFlush = 0;
  private scheduled: 'microtask' | 'timeout' | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The shell's command (OSC 133) and a `picode run` sentinel command, which may nest in it. */
  private shellCommand: RunningCommand | undefined;
  private sentinelCommand: RunningCommand | undefined;
  private waiters: Waiter[] = [];
  private readonly sink = {
    // A view is enough: observers hand over buffers they no longer touch.
    plain: (bytes: Buffer) => { this.pendingPlain.push(bytes); this.pendingPlainBytes += bytes.length; },
    mark: (mark: CommandMark, start: number, end: number) => this.onMark(mark, start, end),
  };

  constructor(
    public info: PaneInfo,
    startOffset: number,
    private readonly options: PaneStateOptions,
    private readonly events: PaneEvents,
  ) {
    this.offset = startOffset;
    this.pendingFrom = startOffset;
    this.bytes = new ByteScrollback(options.scrollbackBytes);
    this.text = new TextScrollback(options.scrollbackLines, options.scrollbackLines * 512);
  }

  get id(): string {
    return this.info.id;
  }

  output(data: Buffer, options: { logged?: boolean } = {}): void {
    if (this.closed || data.length === 0) return;
    const start = this.offset;
    this.offset += data.length;
    this.bytes.append(data);
    if (!options.logged) this.events.log(this.info.id, start, data);
    const now = Date.now();
    const quiet = now - this.lastOutputAt >= quietGapMs;
    this.filter.push(data, start, this.sink);
    this.lastOutputAt = now;
    this.idleReported = false;
    if (this.pendingPlainBytes >= maxEventBytes) this.flush();
    else this.schedule(quiet);
  }

  /**
   * `bytes` of the stream were lost (counted by the capture, never seen): what is pending is
   * sent first, and the stream continues after them, so offsets stay those of the pane's
   * stream. A lost stretch may cut an escape sequence or a character: the filter and the
   * decoder start afresh.
   */
  skip(bytes: number): void {
    if (this.closed || bytes <= 0) return;
    this.flush();
    this.offset += bytes;
    this.pendingFrom = this.offset;
    this.filter = new TerminalFilter();
    this.decoder = new Utf8StreamDecoder();
  }

  /** Sends what is pending as one `pane.output` event (up to `upTo` in the raw stream). */
  flush(upTo = this.offset): void {
    this.cancelTimer();
    this.lastFlush = Date.now();
    const raw = upTo - this.pendingFrom;
    const plain = this.pendingPlain.length === 1 ? this.pendingPlain[0]! : Buffer.concat(this.pendingPlain);
    this.pendingPlain = [];
    this.pendingPlainBytes = 0;
    const text = plain.length ? this.decoder.decode(plain) : '';
    const from = this.pendingFrom;
    this.pendingFrom = upTo;
    if (text.length === 0) return;
    this.text.append(text);
    for (const command of [this.shellCommand, this.sentinelCommand]) if (command) capture(command, text, this.options.runOutputBytes);
    this.events.emit({ type: 'pane.output', pane: this.info.id, data: { text, offset: from, bytes: raw } });
  }

  /**
   * Waits for a command: the next one started from the shell's marks (nonce undefined), or
   * the sentinel command with that nonce. Resolves when it finishes, or when the pane closes.
   */
  waitForCommand(nonce: string | undefined): { promise: Promise<RunResult>; cancel: () => void } {
    let waiter!: Waiter;
    const promise = new Promise<RunResult>((resolve) => {
      waiter = { nonce, resolve };
    });
    this.waiters.push(waiter);
    const cancel = (): void => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      for (const command of [this.shellCommand, this.sentinelCommand]) {
        if (command) command.waiters = command.waiters.filter((r) => r !== waiter.resolve);
      }
    };
    return { promise, cancel };
  }

  /** The pane is gone: flush, end running commands with an unknown exit, emit pane.closed. */
  close(): void {
    if (this.closed) return;
    this.flush();
    if (this.sentinelCommand) this.finish('sentinel', null, this.offset, 'pane closed');
    if (this.shellCommand) this.finish('osc133', null, this.offset, 'pane closed');
    for (const w of this.waiters.splice(0)) w.resolve({ exitCode: null, output: '', durationMs: 0, interrupted: true });
    this.closed = true;
    this.events.emit({ type: 'pane.closed', pane: this.info.id, data: { bytes: this.offset } });
  }

  /** What the running command (the sentinel run with `nonce`, else the shell's) printed so far. */
  partialOutput(nonce: string | undefined): string {
    const command = nonce !== undefined ? (this.sentinelCommand?.nonce === nonce ? this.sentinelCommand : undefined) : this.shellCommand;
    return command ? renderPlainText(command.text.join('')) : '';
  }

  /** The host stops observing: flush, and release runs waiting here (they end interrupted). */
  detach(): void {
    this.flush();
    const interrupted: RunResult = { exitCode: null, output: '', durationMs: 0, interrupted: true };
    for (const command of [this.shellCommand, this.sentinelCommand]) {
      if (!command) continue;
      const output = renderPlainText(command.text.join(''));
      for (const resolve of command.waiters) resolve({ ...interrupted, output, durationMs: Date.now() - command.startedAt });
      command.waiters = [];
    }
    for (const w of this.waiters.splice(0)) w.resolve(interrupted);
  }

  /**
   * Output after a quiet gap (typing, a prompt, a command's first line) is flushed on the next
   * turn of the event loop; a continuous stream is joined into one event per `flushMs`.
   */
  private schedule(afterQuietGap: boolean): void {
    if (this.scheduled) return;
    const delay = afterQuietGap ? 0 : this.lastFlush + this.options.flushMs - Date.now();
    if (delay <= 0) {
      // After the current read is parsed (every %output line of it joins this event).
      this.scheduled = 'microtask';
      queueMicrotask(() => { if (this.scheduled === 'microtask') { this.scheduled = undefined; this.flush(); } });
    } else {
      this.scheduled = 'timeout';
      this.timer = setTimeout(() => { this.scheduled = undefined; this.flush(); }, delay);
    }
  }

  private cancelTimer(): void {
    if (!this.scheduled) return;
    if (this.scheduled === 'timeout') clearTimeout(this.timer);
    this.scheduled = undefined;
    this.timer = undefined;
  }

  private onMark(mark: CommandMark, start: number, end: number): void {
    this.flush(start);
    const nonce = mark.params.picode;
    if (nonce === undefined) this.hasMarks = true;
    switch (mark.kind) {
      case 'A':
        if (this.shellCommand) this.finish('osc133', null, start, 'next prompt without an end mark');
        return;
      case 'C': {
        if (nonce !== undefined) {
          const waiter = this.takeWaiter(nonce);
          if (!waiter) return; // a sentinel of an earlier host's run: nobody waits, the shell marks (if any) cover it
          // A run interrupted by Ctrl-C never prints its end mark (the shell abandons the line).
          if (this.sentinelCommand) this.finish('sentinel', null, start, 'interrupted: a later run started before its end mark');
          this.sentinelCommand = this.begin(waiter.command ?? '', 'sentinel', nonce, end, waiter.resolve);
          return;
        }
        if (this.shellCommand) this.finish('osc133', null, start, 'a new command started without an end mark');
        // The shell reporting the line picode typed for a sentinel run (its marks were not seen
        // yet when the run began): the sentinel's own marks report that command, cleanly.
        const wrapper = [...this.runCommands.keys()].some((n) => mark.commandLine?.includes(`picode=${n}`) ?? false);
        const waiter = wrapper ? undefined : this.takeWaiter(undefined);
        this.shellCommand = this.begin(mark.commandLine ?? '', 'osc133', undefined, end, waiter?.resolve, wrapper);
        return;
      }
      case 'D':
        if (nonce !== undefined) {
          if (this.sentinelCommand?.nonce === nonce) this.finish('sentinel', mark.exitCode ?? null, start);
        } else if (this.shellCommand) {
          this.finish('osc133', mark.exitCode ?? null, start);
        }
        return;
      case 'B':
        return;
    }
  }

  /** Commands picode sends for `run` are registered with their text so events can name them. */
  private readonly runCommands = new Map<string, string>();

  registerRun(nonce: string, command: string): void {
    this.runCommands.set(nonce, command);
  }

  private takeWaiter(nonce: string | undefined): { resolve: (r: RunResult) => void; command: string | undefined } | undefined {
    const i = this.waiters.findIndex((w) => w.nonce === nonce);
    if (i === -1) return undefined;
    const [waiter] = this.waiters.splice(i, 1);
    const command = nonce === undefined ? undefined : this.runCommands.get(nonce);
    if (nonce !== undefined) this.runCommands.delete(nonce);
    return { resolve: waiter!.resolve, command };
  }

  private begin(
    command: string, source: CommandSource, nonce: string | undefined, from: number,
    waiter: ((r: RunResult) => void) | undefined, silent = false,
  ): RunningCommand {
    const running: RunningCommand = {
      command, source, nonce, from, startedAt: Date.now(), text: [], textLength: 0, truncated: false,
      waiters: waiter ? [waiter] : [], silent,
    };
    if (!silent) this.events.emit({ type: 'command.started', pane: this.info.id, data: { command, offset: from, source } });
    return running;
  }

  private finish(source: CommandSource, exitCode: number | null, to: number, reason?: string): void {
    const command = source === 'sentinel' ? this.sentinelCommand : this.shellCommand;
    if (!command) return;
    if (source === 'sentinel') this.sentinelCommand = undefined;
    else this.shellCommand = undefined;
    if (command.silent) return;
    const durationMs = Date.now() - command.startedAt;
    const output = renderPlainText(command.text.join(''));
    const outputTail = output.length > tailBytes ? output.slice(output.length - tailBytes) : output;
    this.events.emit({
      type: 'command.finished',
      pane: this.info.id,
      data: {
        command: command.command, exitCode, durationMs, output: { from: command.from, to: Math.max(command.from, to) },
        outputTail, source, ...(reason ? { reason } : {}),
      },
    });
    const result: RunResult = { exitCode, output, durationMs, interrupted: reason !== undefined && exitCode === null };
    for (const resolve of command.waiters) resolve(result);
  }
}

function capture(command: RunningCommand, text: string, limit: number): void {
  command.text.push(text);
  command.textLength += text.length;
  while (command.textLength > limit && command.text.length > 1) {
    command.textLength -= command.text.shift()!.length;
    command.truncated = true;
  }
}
