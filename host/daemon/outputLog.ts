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
    private readonly options: { flushMs: number; maxBytesPerPane: number; onError: (error: Error) => void },
  ) {
    this.insert = db.prepare('INSERT INTO pane_output (host_key, pane, offset, time, data) VALUES (?, ?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM pane_output WHERE host_key = ? AND pane = ? AND offset + length(data) <= ?');
  }

  /** Where a pane's stream continues after a host restart (0 for a pane never logged). */
  endOffset(pane: string): number {
    const row = this.db.prepare('SELECT offset + length(data) AS e FROM pane_output WHERE host_key = ? AND pane = ? ORDER BY offset DESC LIMIT 1')
      .get(this.hostKey, pane) as { e: number } | undefined;
    return row?.e ?? 0;
  }

  append(pane: string, offset: number, data: Buffer): void {
    if (this.options.maxBytesPerPane === 0 || data.length === 0) return;
    let entry = this.pending.get(pane);
    if (!entry) this.pending.set(pane, (entry = { offset, chunks: [], bytes: 0 }));
    entry.chunks.push(data);
    entry.bytes += data.length;
    // Never hold more than the retention itself in memory.
    if (entry.bytes > this.options.maxBytesPerPane * 2) this.flush();
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
    }
  }
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
