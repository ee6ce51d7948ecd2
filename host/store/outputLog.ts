import type { Database } from './db.js';

/**
 * The persisted output log (`pane_output`): each pane's raw bytes, written in batches
 * (one row per pane per flush, one transaction per flush, on a timer: nothing is written
 * per chunk) and trimmed per pane to `maxBytesPerPane`.
 */
/** A flood is written in rows of at most this much (or the retention, if smaller). */
const maxBatchBytes = 1024 * 1024;

/**
 * A pane's bytes waiting to be written, copied into a buffer of the log's own (grown as
 * needed, kept while the pane streams): the chunks the captures hand over then die young.
 * Holding them until a flush made V8 promote them, and the garbage buffers of a flood piled
 * up outside the heap until a full collection.
 */
interface PendingRow { offset: number; buffer: Buffer; bytes: number }

export class OutputLog {
  private readonly pending = new Map<string, PendingRow>();
  private readonly retainedFrom = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly insert;
  private readonly trim;

  constructor(
    private readonly db: Database,
    private readonly hostKey: string,
    private readonly options: {
      flushMs: number; maxBytesPerPane: number; onError: (error: Error) => void;
      /** A pane's stream is durably recorded up to `end` (written, or not kept at all). */
      onRecorded?: (pane: string, end: number) => void;
    },
  ) {
    this.insert = db.prepare('INSERT INTO pane_output (host_key, pane, offset, time, data) VALUES (?, ?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM pane_output WHERE host_key = ? AND pane = ? AND offset + length(data) <= ?');
  }

  /** The end of what the output log holds for a pane (0 for a pane never logged). */
  endOffset(pane: string): number {
    const row = this.db.prepare('SELECT offset + length(data) AS e FROM pane_output WHERE host_key = ? AND pane = ? ORDER BY offset DESC LIMIT 1')
      .get(this.hostKey, pane) as { e: number } | undefined;
    return row?.e ?? 0;
  }

  append(pane: string, offset: number, data: Buffer): void {
    if (data.length === 0) return;
    if (this.options.maxBytesPerPane === 0) { this.options.onRecorded?.(pane, offset + data.length); return; }
    const cap = Math.min(this.options.maxBytesPerPane, maxBatchBytes);
    let row = this.pending.get(pane);
    // A stretch reported lost lies between, or the row is full: the rows on either side keep
    // their own offsets.
    if (row && row.bytes > 0 && (row.offset + row.bytes !== offset || row.bytes + data.length > cap)) this.write(false);
    if (data.length >= cap) {
      // Bigger than a row: written as it is.
      this.pending.set(pane, { offset, buffer: data, bytes: data.length });
      this.write(false);
      this.pending.delete(pane);
      return;
    }
    if (!row) this.pending.set(pane, (row = { offset, buffer: Buffer.allocUnsafeSlow(Math.min(cap, Math.max(64 * 1024, 2 * data.length))), bytes: 0 }));
    if (row.bytes === 0) row.offset = offset;
    if (row.bytes + data.length > row.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.min(cap, Math.max(2 * row.buffer.length, row.bytes + data.length)));
      row.buffer.copy(grown, 0, 0, row.bytes);
      row.buffer = grown;
    }
    data.copy(row.buffer, row.bytes);
    row.bytes += data.length;
    if (row.bytes >= cap) this.write(false);
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.flushMs);
  }

  /** Writes what is pending (one transaction) and lets go of the buffers. */
  flush(): void {
    this.write(true);
  }

  /** `release`: a timer or a stop, so the panes are quiet now; a full row keeps its buffer. */
  private write(release: boolean): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    const batch = [...this.pending].filter(([, row]) => row.bytes > 0).map(([pane, row]) => ({ pane, offset: row.offset, data: row.buffer.subarray(0, row.bytes) }));
    for (const row of this.pending.values()) row.bytes = 0;
    if (release) this.pending.clear();
    if (batch.length === 0) return;
    const now = Date.now();
    try {
      this.db.transaction(() => {
        for (const entry of batch) {
          let data = entry.data;
          let offset = entry.offset;
          if (data.length > this.options.maxBytesPerPane) {
            offset += data.length - this.options.maxBytesPerPane;
            data = data.subarray(data.length - this.options.maxBytesPerPane);
          }
          this.insert.run(this.hostKey, entry.pane, offset, now, data);
          const end = offset + data.length;
          const keepFrom = end - this.options.maxBytesPerPane;
          if (keepFrom > (this.retainedFrom.get(entry.pane) ?? 0)) {
            this.trim.run(this.hostKey, entry.pane, keepFrom);
            this.retainedFrom.set(entry.pane, keepFrom);
          }
        }
      })();
    } catch (error) {
      this.options.onError(error as Error);
      return;
    }
    for (const entry of batch) this.options.onRecorded?.(entry.pane, entry.offset + entry.data.length);
  }
}

/**
 * Where a pane's stream continues after a host restart: past everything durably recorded,
 * in the output log or in the events, so offsets never go backwards and no byte is reported
 * twice. Bytes the log holds beyond the last event (the host died between the two writes) are
 * returned to be reported now. 0 for a pane never seen.
 */
export function resumePoint(db: Database, hostKey: string, pane: string): { offset: number; unreported: Buffer } {
  const logged = db.prepare('SELECT offset + length(data) AS e FROM pane_output WHERE host_key = ? AND pane = ? ORDER BY offset DESC LIMIT 1')
    .get(hostKey, pane) as { e: number } | undefined;
  const evented = db.prepare(`SELECT MAX(json_extract(data, '$.offset') + json_extract(data, '$.bytes')) AS e FROM (
      SELECT data FROM events WHERE host_key = ? AND pane = ? AND type IN ('pane.output', 'pane.output.dropped')
      ORDER BY seq DESC LIMIT 50)`).get(hostKey, pane) as { e: number | null } | undefined;
  const logEnd = logged?.e ?? 0;
  const eventEnd = evented?.e ?? 0;
  if (logEnd <= eventEnd) return { offset: eventEnd, unreported: Buffer.alloc(0) };
  const unreported = readOutputRange(db, hostKey, pane, eventEnd, logEnd);
  // The log may not reach back that far (trimmed): what it lacks stays unreported.
  return { offset: logEnd - unreported.length, unreported };
}

/** The offset `resumePoint` continues at, once its unreported bytes are reported. */
export function resumeOffset(db: Database, hostKey: string, pane: string): number {
  const point = resumePoint(db, hostKey, pane);
  return point.offset + point.unreported.length;
}

/** Reads back `[from, to)` of a pane's raw stream, as far as the log still holds it. */
export function readOutputRange(db: Database, hostKey: string, pane: string, from: number, to: number): Buffer {
  const rows = db.prepare(`SELECT offset, data FROM pane_output WHERE host_key = ? AND pane = ?
      AND offset < ? AND offset + length(data) > ? ORDER BY offset`).all(hostKey, pane, to, from) as Array<{ offset: number; data: Buffer }>;
  const parts: Buffer[] = [];
  for (const row of rows) {
    const start = Math.max(from, row.offset) - row.offset;
    const end = Math.min(to, row.offset + row.data.length) - row.offset;
    parts.push(row.data.subarray(start, end));
  }
  return Buffer.concat(parts);
}
