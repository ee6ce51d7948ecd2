import type { Database } from '../store/db.js';

/**
 * The persisted output log (`pane_output`): each pane's raw bytes, written in batches
 * (one row per pane per flush, one transaction per flush, on a timer: nothing is written
 * per chunk) and trimmed per pane to `maxBytesPerPane`.
 */
export class OutputLog {
  private readonly pending = new Map<string, { offset: number; chunks: Buffer[]; bytes: number }>();
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
    let entry = this.pending.get(pane);
    // A stretch reported lost lies between: the rows on either side keep their own offsets.
    if (entry && entry.offset + entry.bytes !== offset) { this.flush(); entry = undefined; }
    if (!entry) this.pending.set(pane, (entry = { offset, chunks: [], bytes: 0 }));
    entry.chunks.push(data);
    entry.bytes += data.length;
    // Never hold much in memory: a flood is written in batches of at most 4 MiB (or the
    // retention, if smaller), whatever the flush interval.
    if (entry.bytes >= Math.min(this.options.maxBytesPerPane, 4 * 1024 * 1024)) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.flushMs);
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    const now = Date.now();
    try {
      this.db.transaction(() => {
        for (const [pane, entry] of batch) {
          let data = Buffer.concat(entry.chunks);
          let offset = entry.offset;
          if (data.length > this.options.maxBytesPerPane) {
            offset += data.length - this.options.maxBytesPerPane;
            data = data.subarray(data.length - this.options.maxBytesPerPane);
          }
          this.insert.run(this.hostKey, pane, offset, now, data);
          const end = offset + data.length;
          const keepFrom = end - this.options.maxBytesPerPane;
          if (keepFrom > (this.retainedFrom.get(pane) ?? 0)) {
            this.trim.run(this.hostKey, pane, keepFrom);
            this.retainedFrom.set(pane, keepFrom);
          }
        }
      })();
    } catch (error) {
      this.options.onError(error as Error);
      return;
    }
    for (const [pane, entry] of batch) this.options.onRecorded?.(pane, entry.offset + entry.bytes);
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
