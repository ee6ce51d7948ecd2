import type { Database } from '../store/db.js';
import type { RunOutcome } from './contract.js';
import { sqlPage, type PageQuery } from '../ipc/paging.js';

/**
 * `hook_runs`: the record of every hook run. Rows are queued and written in one transaction
 * per flush (every `flushMs`, or at `maxBatch` rows), so a blocking event never waits on
 * SQLite and a storm of runs costs one write per batch.
 */
export interface HookRunRow {
  readonly session: string;
  readonly eventId: number;
  readonly eventType: string;
  readonly hook: string;
  readonly action: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly outcome: RunOutcome;
  readonly decision: 'allow' | 'ask' | 'deny' | undefined;
  readonly reason: string | undefined;
  readonly exitCode: number | null;
  readonly output: string;
  readonly truncated: boolean;
}

export interface StoredHookRun extends HookRunRow {
  readonly id: number;
}

export interface HookRunLogOptions {
  readonly flushMs: number;
  readonly maxBatch: number;
  /** Rows kept; older ones are deleted at start and every `keep / 10` rows written. */
  readonly keep: number;
}

export class HookRunLog {
  private queue: HookRunRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly insert;
  private readonly options: HookRunLogOptions;
  private sincePrune = 0;

  constructor(private readonly db: Database, options: Partial<HookRunLogOptions> = {}) {
    this.options = { flushMs: 50, maxBatch: 200, keep: 10_000, ...options };
    this.prune();
    this.insert = db.prepare(`INSERT INTO hook_runs
      (session, event_id, event_type, hook, action, started_at, duration_ms, outcome, decision, reason, exit_code, output, truncated)
      VALUES (@session, @eventId, @eventType, @hook, @action, @startedAt, @durationMs, @outcome, @decision, @reason, @exitCode, @output, @truncated)`);
  }

  private closed = false;

  record(row: HookRunRow): void {
    // A run that outlives the host's stop grace has nowhere to go once the store is closed.
    if (this.closed) return;
    this.queue.push(row);
    if (this.queue.length >= this.options.maxBatch) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushMs);
      this.timer.unref();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    const write = this.db.transaction((batch: HookRunRow[]) => {
      for (const r of batch) {
        this.insert.run({
          ...r,
          decision: r.decision ?? null,
          reason: r.reason ?? null,
          truncated: r.truncated ? 1 : 0,
        });
      }
    });
    write(rows);
    this.sincePrune += rows.length;
    if (this.sincePrune >= Math.max(1, Math.floor(this.options.keep / 10))) this.prune();
  }

  /** Deletes all but the newest `keep` rows (the id is the insertion order). */
  prune(): void {
    this.sincePrune = 0;
    this.db.prepare('DELETE FROM hook_runs WHERE id <= (SELECT id FROM hook_runs ORDER BY id DESC LIMIT 1 OFFSET ?)').run(this.options.keep);
  }

  /** Writes what is queued and ignores later rows (called before the store closes). */
  close(): void {
    this.flush();
    this.closed = true;
  }
}

export interface HookRunQuery {
  readonly session?: string | undefined;
  readonly hook?: string | undefined;
  readonly outcome?: string | undefined;
  readonly limit?: number | undefined;
  /** One page (`hooks.log`: host/ipc/paging.ts); without it, the latest `limit` runs. */
  readonly page?: PageQuery | undefined;
}

/** The latest runs (or the page asked for), newest last. */
export function readHookRuns(db: Database, query: HookRunQuery = {}): StoredHookRun[] {
  const filters: string[] = [];
  const args: unknown[] = [];
  if (query.session) { filters.push('session = ?'); args.push(query.session); }
  if (query.hook) { filters.push('hook = ?'); args.push(query.hook); }
  if (query.outcome) { filters.push('outcome = ?'); args.push(query.outcome); }
  const page = sqlPage(query.page ?? { after: undefined, limit: query.limit ?? 50, last: true }, filters);
  const rows = db.prepare(`SELECT * FROM hook_runs ${page.where} ${page.tail}`).all(...args, ...page.args) as Array<Record<string, unknown>>;
  return page.inOrder(rows).map((r) => ({
    id: r.id as number,
    session: r.session as string,
    eventId: r.event_id as number,
    eventType: r.event_type as string,
    hook: r.hook as string,
    action: r.action as string,
    startedAt: r.started_at as number,
    durationMs: r.duration_ms as number,
    outcome: r.outcome as RunOutcome,
    decision: (r.decision as 'allow' | 'ask' | 'deny' | null) ?? undefined,
    reason: (r.reason as string | null) ?? undefined,
    exitCode: r.exit_code as number | null,
    output: r.output as string,
    truncated: r.truncated === 1,
  }));
}
