import type { HostApi } from '../api/hostApi.js';
import type { PicodeEvent } from '../bus/envelope.js';
import { queryEvents } from '../bus/eventStore.js';
import { readOutputRange } from '../store/outputLog.js';
import { TerminalFilter } from '../terminal/filter.js';
import { renderPlainText } from '../terminal/scrollback.js';

/** A finished command as the MCP tools report it. */
export interface FinishedCommand {
  readonly pane: string;
  readonly paneName: string | undefined;
  readonly command: string;
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly time: number;
  readonly outputTail: string;
  readonly output: { readonly from: number; readonly to: number };
}

const kept = 200;

/**
 * The commands that finished in the session's panes (`command.finished`), newest last. Events
 * reach the store in batches, so the ones this host saw are kept in memory (a call right after
 * a command ends must see it); older ones, from before this host started, come from the store.
 */
export class CommandHistory {
  private readonly recent: FinishedCommand[] = [];
  private readonly stop: () => void;
  /** Id of the first event kept in memory: the store answers for those before it. */
  private firstSeenId = Number.MAX_SAFE_INTEGER;

  constructor(private readonly host: HostApi, private readonly hostKey: string | undefined) {
    this.stop = host.bus.subscribe({ types: ['command.finished'] }, (event) => {
      if (this.firstSeenId === Number.MAX_SAFE_INTEGER) this.firstSeenId = event.id;
      const command = toCommand(event);
      if (!command) return;
      this.recent.push(command);
      if (this.recent.length > kept) this.recent.shift();
    });
  }

  close(): void {
    this.stop();
  }

  /** The last `limit` finished commands (of one pane when given), oldest first. */
  list(options: { pane?: string; failedOnly?: boolean; limit: number }): FinishedCommand[] {
    const want = (c: FinishedCommand) => (options.pane === undefined || c.pane === options.pane)
      && (!options.failedOnly || (c.exitCode !== null && c.exitCode !== 0));
    const fromMemory = this.recent.filter(want);
    if (fromMemory.length >= options.limit || this.hostKey === undefined) return fromMemory.slice(-options.limit);
    // Older ones from the store (written by this host before its first in-memory one, or by an earlier host).
    let stored: FinishedCommand[] = [];
    try {
      const events = queryEvents(this.host.store.db, this.hostKey, {
        types: ['command.finished'], ...(options.pane !== undefined ? { pane: options.pane } : {}), last: true, limit: 500,
      });
      stored = events.filter((e) => e.id < this.firstSeenId).map(toCommand).filter((c): c is FinishedCommand => c !== undefined).filter(want);
    } catch {
      // No events table rows yet: nothing older to add.
    }
    return [...stored, ...fromMemory].slice(-options.limit);
  }

  /**
   * The whole output of a command as plain text, from the persisted output log when it still
   * holds it (the event carries only its last 4 KiB).
   */
  fullOutput(command: FinishedCommand, maxBytes: number): { text: string; truncated: boolean } {
    const length = command.output.to - command.output.from;
    if (this.hostKey === undefined || length <= command.outputTail.length) return { text: command.outputTail, truncated: length > command.outputTail.length };
    const from = Math.max(command.output.from, command.output.to - maxBytes);
    let raw: Buffer;
    try {
      raw = readOutputRange(this.host.store.db, this.hostKey, command.pane, from, command.output.to);
    } catch {
      return { text: command.outputTail, truncated: true };
    }
    if (raw.length < command.output.to - from) return { text: command.outputTail, truncated: true };
    const parts: Buffer[] = [];
    new TerminalFilter().push(raw, from, { plain: (bytes) => parts.push(bytes), mark: () => {} });
    return { text: renderPlainText(Buffer.concat(parts).toString('utf8')), truncated: from > command.output.from };
  }
}

function toCommand(event: PicodeEvent): FinishedCommand | undefined {
  const data = event.data as Partial<{ command: string; exitCode: number | null; durationMs: number; outputTail: string; output: { from: number; to: number } }>;
  if (event.pane === undefined || typeof data !== 'object' || data === null) return undefined;
  return {
    pane: event.pane, paneName: event.paneName, command: data.command ?? '', exitCode: data.exitCode ?? null,
    durationMs: data.durationMs ?? 0, time: event.time, outputTail: data.outputTail ?? '',
    output: data.output ?? { from: 0, to: 0 },
  };
}
