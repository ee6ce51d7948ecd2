import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import type { UsageGrouping, UsageRow } from '../../llm/usage.js';

/** `picode usage`: LLM calls, tokens and cost from `llm_calls`, grouped by model, day, purpose or provider. */
export function define(program: Command): void {
  program.command('usage')
    .description('summarise LLM calls, tokens and cost (every attempt is counted, failed ones too)')
    .option('--since <when>', 'only calls since a duration ago (30m, 24h, 7d, 2w) or a date (2025-10-01)')
    .option('--by <grouping>', 'group by model, day, purpose or provider', 'model')
    .option('--json', 'print JSON')
    .action(async (opts: { since?: string; by: string; json?: boolean }) => {
      const groupings = ['model', 'day', 'purpose', 'provider'];
      if (!groupings.includes(opts.by)) {
        throw new PicodeError(`--by ${opts.by}: expected one of ${groupings.join(', ')}`);
      }
      const [{ openStore }, { summariseUsage, parseSince }] = await Promise.all([import('../../store/db.js'), import('../../llm/usage.js')]);
      const since = opts.since === undefined ? undefined : parseSince(opts.since);
      const store = openStore();
      let result;
      try {
        result = summariseUsage(store.db, { since, by: opts.by as UsageGrouping });
      } finally {
        store.close();
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ since: since === undefined ? null : new Date(since).toISOString(), by: opts.by, ...result }, null, 2)}\n`);
        return;
      }
      if (result.total.calls === 0) {
        process.stdout.write(`no LLM calls recorded${opts.since ? ` since ${opts.since}` : ''}\n`);
        return;
      }
      process.stdout.write(table(opts.by, [...result.rows, result.total]));
    });
}

function table(by: string, rows: readonly UsageRow[]): string {
  const header = [by, 'calls', 'failed', 'input', 'cached', 'cache hit', 'output', 'cost USD', 'cache saved', 'avg TTFT', 'avg time'];
  const n = (v: number): string => v.toLocaleString('en-US');
  const ms = (v: number | null): string => (v === null ? '-' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);
  const lines = rows.map((r) => [
    r.key, n(r.calls), n(r.failed), n(r.inputTokens), n(r.cachedInputTokens), `${(r.cacheHitRatio * 100).toFixed(0)}%`, n(r.outputTokens),
    `${r.costUsd.toFixed(4)}${r.unpriced ? '*' : ''}`, r.cacheSavedUsd.toFixed(4), ms(r.avgTtftMs), ms(r.avgDurationMs),
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const fmt = (l: string[]): string => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [fmt(header), ...lines.slice(0, -1).map(fmt), widths.map((w) => '-'.repeat(w)).join('  '), fmt(lines.at(-1)!)];
  const note = rows.some((r) => r.unpriced) ? '\n* some calls used models without a price (config/prices.json, ~/.config/picode/prices.json)\n' : '';
  return `${out.join('\n')}\n${note}`;
}
