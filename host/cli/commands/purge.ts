import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';

/**
 * `picode purge [--session S] [--before DATE]`: deletes what picode recorded (events, pane
 * output, hook runs, plugin logs) and gives the space back with a VACUUM. Everything, or one
 * session's, or what is older than a date; settings, plans, agent runs and LLM usage stay.
 */
export function define(program: Command): void {
  program.command('purge')
    .description('delete recorded events and pane output, then reclaim the disk space (VACUUM)')
    .option('--session <name>', 'only this session\'s records')
    .option('--before <date>', 'only records older than this: a date (2026-01-31, ISO time) or an age (7d, 12h)')
    .option('--json', 'print what was deleted as JSON')
    .addHelpText('after', `
Examples:
  picode purge --before 30d                everything older than 30 days
  picode purge --session dev               all of session dev's records
  picode purge --session dev --before 2026-01-01`)
    .action(async (opts: { session?: string; before?: string; json?: boolean }) => {
      if (opts.session === undefined && opts.before === undefined) {
        throw new PicodeError('purge: say what to delete: --before DATE, --session NAME, or both', { hint: 'picode purge --before 30d' });
      }
      const before = opts.before === undefined ? Number.MAX_SAFE_INTEGER : parseBefore(opts.before, Date.now());
      const [{ openStore }, { purgeRecords, storeSizes }] = await Promise.all([import('../../store/db.js'), import('../../store/retention.js')]);
      const store = openStore();
      try {
        const was = storeSizes(store).fileBytes;
        const deleted = purgeRecords(store.db, { session: opts.session, before });
        // VACUUM rewrites the file without the freed pages; checkpoint first so the WAL is in it.
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        store.db.exec('VACUUM');
        // In WAL mode the rewritten file reaches the database file at the next checkpoint.
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        const now = storeSizes(store).fileBytes;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ deleted, bytesBefore: was, bytesAfter: now })}\n`);
        } else {
          const parts = Object.entries(deleted).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`);
          process.stdout.write(`deleted ${parts.join(', ')}; ${store.path}: ${(was / 1048576).toFixed(1)} MB -> ${(now / 1048576).toFixed(1)} MB\n`);
        }
      } finally {
        store.close();
      }
    });
}

/** `2026-01-31`, an ISO time, or an age (`7d`, `12h`, `30m`, `2w`) before `now`. */
export function parseBefore(value: string, now: number): number {
  const age = /^(\d+)\s*([mhdw])$/.exec(value.trim());
  if (age) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[age[2] as 'm' | 'h' | 'd' | 'w'];
    return now - Number(age[1]) * unit;
  }
  const time = Date.parse(value);
  if (!Number.isNaN(time) && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) return time;
  throw new PicodeError(`--before: "${value}" is not a date or an age`, { hint: 'use a date (2026-01-31, 2026-01-31T12:00) or an age (7d, 12h, 30m, 2w)' });
}
