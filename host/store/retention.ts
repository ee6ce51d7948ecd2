import { connect } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../core/paths.js';
import type { Database, Store } from './db.js';

/**
 * What the store holds and how to let go of it: the size report of `picode doctor`, and
 * `picode purge` (and age-based retention) over the tables that grow with use: events, the
 * pane output log, hook runs and plugin logs. Settings, plans, agent runs and LLM call
 * records are kept (they are small, and `picode usage` reads the calls).
 */
export interface StoreSizes {
  readonly fileBytes: number;
  readonly walBytes: number;
  readonly tables: Record<string, { rows: number; bytes: number }>;
  readonly summary: string;
}

export function storeSizes(store: Store): StoreSizes {
  const size = (file: string): number => { try { return statSync(file).size; } catch { return 0; } };
  const fileBytes = size(store.path);
  const walBytes = size(`${store.path}-wal`);
  const tables: Record<string, { rows: number; bytes: number }> = {};
  const measure = (table: string, column: string): void => {
    const row = store.db.prepare(`SELECT COUNT(*) AS rows, COALESCE(SUM(length(${column})), 0) AS bytes FROM ${table}`).get() as { rows: number; bytes: number };
    tables[table] = row;
  };
  measure('events', 'data');
  measure('pane_output', 'data');
  const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
  const summary = `${mb(fileBytes)} on disk (+${mb(walBytes)} WAL); events ${tables.events!.rows.toLocaleString('en-US')} (${mb(tables.events!.bytes)}), `
    + `pane output ${mb(tables.pane_output!.bytes)}; picode purge --before DATE frees space`;
  return { fileBytes, walBytes, tables, summary };
}

export interface PurgeOptions {
  /** Only this session's records (any tmux server). */
  readonly session?: string | undefined;
  /** Only records older than this (ms since the epoch). */
  readonly before: number;
}

/** Deletes what `options` selects; returns the rows deleted per table. */
export function purgeRecords(db: Database, options: PurgeOptions): Record<string, number> {
  const deleted: Record<string, number> = {};
  const bySession = options.session !== undefined;
  db.transaction(() => {
    // pane_output rows carry only the host key: the session's keys come from its events.
    const keys = bySession
      ? (db.prepare('SELECT DISTINCT host_key FROM events WHERE session = ?').all(options.session) as Array<{ host_key: string }>).map((r) => r.host_key)
      : [];
    const run = (table: string, sql: string, ...args: unknown[]): void => {
      deleted[table] = (deleted[table] ?? 0) + db.prepare(sql).run(...args).changes;
    };
    if (bySession) {
      run('events', 'DELETE FROM events WHERE session = ? AND time < ?', options.session, options.before);
      for (const key of keys) run('pane_output', 'DELETE FROM pane_output WHERE host_key = ? AND time < ?', key, options.before);
      deleted.pane_output ??= 0;
      run('hook_runs', 'DELETE FROM hook_runs WHERE session = ? AND started_at < ?', options.session, options.before);
      run('plugin_logs', 'DELETE FROM plugin_logs WHERE session = ? AND time < ?', options.session, options.before);
    } else {
      run('events', 'DELETE FROM events WHERE time < ?', options.before);
      run('pane_output', 'DELETE FROM pane_output WHERE time < ?', options.before);
      run('hook_runs', 'DELETE FROM hook_runs WHERE started_at < ?', options.before);
      run('plugin_logs', 'DELETE FROM plugin_logs WHERE time < ?', options.before);
    }
  })();
  return deleted;
}

/** The sockets of hosts that answer (they write to the database). */
export async function liveHostSockets(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const dir = join(stateDir(env), 'run');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.sock'));
  } catch {
    return [];
  }
  const live = await Promise.all(names.map((name) => new Promise<string | undefined>((resolve) => {
    const socket = connect(join(dir, name));
    socket.once('connect', () => { socket.destroy(); resolve(join(dir, name)); });
    socket.once('error', () => resolve(undefined));
  })));
  return live.filter((s): s is string => s !== undefined);
}

/**
 * Age-based retention in the host (`host.retention.maxAgeDays`): deletes what is older, at
 * start and then hourly. Returns the function that stops it.
 */
export function startAgeRetention(db: Database, maxAgeDays: number, onError: (error: Error) => void, everyMs = 3_600_000): () => void {
  if (!(maxAgeDays > 0)) return () => undefined;
  const sweep = (): void => {
    try {
      purgeRecords(db, { before: Date.now() - maxAgeDays * 86_400_000 });
    } catch (error) {
      onError(error as Error);
    }
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
