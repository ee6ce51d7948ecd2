import type { Database } from '../store/db.js';
import type { PicodeEvent } from './envelope.js';
import { storedSendData, storedTextRedactor } from '../store/storedText.js';

/**
 * The `events` table: every bus event of a host, in order. Writes are batched (one
 * transaction per flush, on a timer) so emitting never waits on the disk; reads serve
 * `picode events`, replays for `events --follow` and pane views.
 */

interface EventRow {
  seq: number;
  session: string;
  type: string;
  time: number;
  window: string | null;
  pane: string | null;
  pane_name: string | null;
  data: string;
}

export interface EventQuery {
  /** Only events with an id greater than this. */
  readonly afterId?: number;
  /** Only events with an id less than this. */
  readonly beforeId?: number;
  /** Exact types or prefixes ending in `*`. */
  readonly types?: readonly string[];
  /** Pane id or pane name. */
  readonly pane?: string;
  /** At most this many (the most recent ones when `last` is set, else the first after `afterId`). */
  readonly limit?: number;
  readonly last?: boolean;
}

export function nextEventId(db: Database, hostKey: string): number {
  const row = db.prepare('SELECT MAX(seq) AS seq FROM events WHERE host_key = ?').get(hostKey) as { seq: number | null };
  return (row.seq ?? 0) + 1;
}

export function queryEvents(db: Database, hostKey: string, query: EventQuery = {}): PicodeEvent[] {
  const { where, args } = eventWhere(hostKey, query);
  const order = query.last ? 'DESC' : 'ASC';
  const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
  const rows = db.prepare(`SELECT seq, session, type, time, window, pane, pane_name, data FROM events WHERE ${where} ORDER BY seq ${order}${limit}`)
    .all(...args) as EventRow[];
  if (query.last) rows.reverse();
  return rows.map(toEvent);
}

/** The id of the `n`th most recent event the query matches (the oldest when fewer match); undefined when none does. */
export function nthLastEventId(db: Database, hostKey: string, query: EventQuery, n: number): number | undefined {
  const { where, args } = eventWhere(hostKey, query);
  const row = db.prepare(`SELECT MIN(seq) AS seq FROM (SELECT seq FROM events WHERE ${where} ORDER BY seq DESC LIMIT ?)`).get(...args, Math.max(1, n)) as { seq: number | null };
  return row.seq ?? undefined;
}

function eventWhere(hostKey: string, query: EventQuery): { where: string; args: unknown[] } {
  const where = ['host_key = ?'];
  const args: unknown[] = [hostKey];
  if (query.afterId !== undefined) { where.push('seq > ?'); args.push(query.afterId); }
  if (query.beforeId !== undefined) { where.push('seq < ?'); args.push(query.beforeId); }
  if (query.pane !== undefined) { where.push('(pane = ? OR pane_name = ?)'); args.push(query.pane, query.pane); }
  if (query.types && query.types.length) {
    const clauses: string[] = [];
    for (const t of query.types) {
      if (t.endsWith('*')) { clauses.push('type LIKE ? ESCAPE \'\\\''); args.push(`${t.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`); }
      else { clauses.push('type = ?'); args.push(t); }
    }
    where.push(`(${clauses.join(' OR ')})`);
  }
  return { where: where.join(' AND '), args };
}

function toEvent(row: EventRow): PicodeEvent {
  return {
    id: row.seq, type: row.type, time: row.time, session: row.session,
    window: row.window ?? undefined, pane: row.pane ?? undefined, paneName: row.pane_name ?? undefined,
    data: JSON.parse(row.data) as unknown,
  };
}

/** True when `type` matches one of `patterns` (exact, or a prefix ending in `*`); no patterns = all. */
export function typeMatches(type: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : type === p));
}

/**
 * Buffers events and writes them in batches. `flush` is also called at shutdown, so an event
 * emitted before a clean stop is never lost; a SIGKILL loses at most the last `flushMs`.
 */
const sentTextTypes = new Set(['pane.send.before', 'command.started']);

export class EventWriter {
  private queue: PicodeEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writes = 0;
  private readonly insert;
  private readonly trim;
  /** Text sent to panes is stored redacted (host/store/storedText.ts). */
  private readonly redactor = storedTextRedactor();

  constructor(
    private readonly db: Database,
    private readonly hostKey: string,
    private readonly options: { flushMs: number; maxRows: number; maxOutputText: number; onError: (error: Error) => void },
  ) {
    this.insert = db.prepare(`INSERT INTO events (host_key, seq, session, type, time, window, pane, pane_name, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.trim = db.prepare('DELETE FROM events WHERE host_key = ? AND seq <= ?');
  }

  /**
   * What is written for an event: its data, except that the text of a big `pane.output` is cut
   * to `maxOutputText` characters (`truncatedChars` says how many were left out). The pane's
   * raw bytes are in the output log; a flood must not copy itself into the events table whole.
   */
  private stored(event: PicodeEvent): unknown {
    if (sentTextTypes.has(event.type)) return storedSendData(event.data ?? null, this.redactor);
    if (event.type !== 'pane.output') return event.data ?? null;
    const data = event.data as { text?: unknown };
    if (typeof data?.text !== 'string' || data.text.length <= this.options.maxOutputText) return data;
    return { ...data, text: data.text.slice(0, this.options.maxOutputText), truncatedChars: data.text.length - this.options.maxOutputText };
  }

  append(event: PicodeEvent): void {
    this.queue.push(event);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.flushMs);
    if (this.queue.length >= 2000) this.flush();
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.queue.length === 0) return;
    // Sent text waits (a moment after start) for the redaction rules rather than being stored as it is.
    if (!this.redactor.loaded && this.queue.some((e) => sentTextTypes.has(e.type))) {
      void this.redactor.ready.then(() => this.flush());
      return;
    }
    const batch = this.queue;
    this.queue = [];
    try {
      this.db.transaction(() => {
        for (const e of batch) {
          this.insert.run(this.hostKey, e.id, e.session, e.type, e.time, e.window ?? null, e.pane ?? null, e.paneName ?? null, JSON.stringify(this.stored(e)));
        }
      })();
      // Retention: checked every 50 flushes, by id (ids are dense per host).
      if (++this.writes % 50 === 0) {
        const last = batch[batch.length - 1]!.id;
        this.trim.run(this.hostKey, last - this.options.maxRows);
      }
    } catch (error) {
      this.options.onError(error as Error);
    }
  }
}
