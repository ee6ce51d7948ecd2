import type { Database } from '../store/db.js';
import { PicodeError } from '../core/errors.js';

/** Summaries of `llm_calls` for `picode usage`. */
export type UsageGrouping = 'model' | 'day' | 'purpose' | 'provider';

export interface UsageRow {
  readonly key: string;
  readonly calls: number;
  readonly failed: number;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  /** Sum over calls with a price; `unpriced` counts the others. */
  readonly costUsd: number;
  readonly unpriced: number;
  /** Share of input tokens read from a prompt cache (0..1; 0 when there was no input). */
  readonly cacheHitRatio: number;
  /** What the priced calls would have cost uncached, minus what they cost: what caching saved. */
  readonly cacheSavedUsd: number;
  readonly avgTtftMs: number | null;
  readonly avgDurationMs: number | null;
}

const groupExpr: Record<UsageGrouping, string> = {
  model: "provider || ':' || model",
  provider: 'provider',
  purpose: 'purpose',
  day: "strftime('%Y-%m-%d', started_at / 1000, 'unixepoch', 'localtime')",
};

export function summariseUsage(db: Database, options: { since?: number | undefined; by: UsageGrouping }): { rows: UsageRow[]; total: UsageRow } {
  const where = options.since === undefined ? '' : 'WHERE started_at >= @since';
  const select = (key: string): string => `SELECT ${key} AS key,
      COUNT(*) AS calls,
      SUM(outcome != 'ok') AS failed,
      SUM(input_tokens) AS inputTokens,
      SUM(cached_input_tokens) AS cachedInputTokens,
      SUM(cache_write_tokens) AS cacheWriteTokens,
      SUM(output_tokens) AS outputTokens,
      SUM(reasoning_tokens) AS reasoningTokens,
      COALESCE(SUM(cost_usd), 0) AS costUsd,
      SUM(cost_usd IS NULL AND (input_tokens > 0 OR output_tokens > 0)) AS unpriced,
      COALESCE(SUM(uncached_cost_usd - cost_usd), 0) AS cacheSavedUsd,
      AVG(ttft_ms) AS avgTtftMs,
      AVG(duration_ms) AS avgDurationMs
    FROM llm_calls ${where}`;
  const params = options.since === undefined ? {} : { since: options.since };
  const order = options.by === 'day' ? 'key DESC' : 'costUsd DESC, calls DESC';
  const rows = db.prepare(`${select(groupExpr[options.by])} GROUP BY key ORDER BY ${order}`).all(params) as UsageRow[];
  const total = db.prepare(select("'total'")).get(params) as UsageRow;
  const zero = (r: UsageRow): UsageRow => ({
    ...r,
    calls: r.calls ?? 0, failed: r.failed ?? 0, inputTokens: r.inputTokens ?? 0, cachedInputTokens: r.cachedInputTokens ?? 0,
    outputTokens: r.outputTokens ?? 0, reasoningTokens: r.reasoningTokens ?? 0, unpriced: r.unpriced ?? 0,
    cacheWriteTokens: r.cacheWriteTokens ?? 0, cacheSavedUsd: r.cacheSavedUsd ?? 0,
    cacheHitRatio: r.inputTokens ? (r.cachedInputTokens ?? 0) / r.inputTokens : 0,
  });
  return { rows: rows.map(zero), total: zero(total) };
}

/** `7d`, `24h`, `30m`, `2w`, or a date/time (`2025-10-01`, ISO): milliseconds since the epoch. */
export function parseSince(value: string, now: number = Date.now()): number {
  const m = /^(\d+)\s*(m|h|d|w)$/.exec(value.trim());
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
    return now - Number(m[1]) * unit;
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00`) : Date.parse(value);
  if (Number.isNaN(date)) {
    throw new PicodeError(`--since ${value}: expected a duration (30m, 24h, 7d, 2w) or a date (2025-10-01)`);
  }
  return date;
}
