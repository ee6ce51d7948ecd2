import type { Database } from '../../store/db.js';

/**
 * The plugins' rows in the store (tables from migration 0003): the user's decisions
 * (enabled, grants), each plugin's kv, call statistics and logs. Plain functions over a
 * better-sqlite3 handle so the CLI (without a host) and the host share them.
 */

export interface PluginStateRow {
  readonly name: string;
  readonly enabled: boolean | undefined;
  readonly status: string;
  readonly statusDetail: string | undefined;
  readonly statusLine: string | undefined;
  readonly updatedAt: number;
}

export function readPluginStates(db: Database): Map<string, PluginStateRow> {
  const rows = db.prepare('SELECT name, enabled, status, status_detail, status_line, updated_at FROM plugin_state').all() as Array<{
    name: string; enabled: number | null; status: string; status_detail: string | null; status_line: string | null; updated_at: number;
  }>;
  return new Map(rows.map((r) => [r.name, {
    name: r.name,
    enabled: r.enabled === null ? undefined : r.enabled === 1,
    status: r.status,
    statusDetail: r.status_detail ?? undefined,
    statusLine: r.status_line ?? undefined,
    updatedAt: r.updated_at,
  }]));
}

export function setPluginEnabled(db: Database, name: string, enabled: boolean): void {
  db.prepare(`INSERT INTO plugin_state (name, enabled, status, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(name) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`)
    .run(name, enabled ? 1 : 0, enabled ? 'unknown' : 'disabled', Date.now());
}

export function writePluginStatus(db: Database, name: string, status: string, detail: string | undefined): void {
  db.prepare(`INSERT INTO plugin_state (name, status, status_detail, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(name) DO UPDATE SET status = excluded.status, status_detail = excluded.status_detail, updated_at = excluded.updated_at`)
    .run(name, status, detail ?? null, Date.now());
}

export function writePluginStatusLine(db: Database, name: string, line: string): void {
  db.prepare(`INSERT INTO plugin_state (name, status, status_line, updated_at) VALUES (?, 'running', ?, ?)
    ON CONFLICT(name) DO UPDATE SET status_line = excluded.status_line, updated_at = excluded.updated_at`)
    .run(name, line, Date.now());
}

/** Grants and revocations made with `picode plugin grant|revoke` (true = granted). */
export function readGrantOverrides(db: Database, plugin: string): Map<string, boolean> {
  const rows = db.prepare('SELECT permission, granted FROM plugin_grants WHERE plugin = ?').all(plugin) as Array<{ permission: string; granted: number }>;
  return new Map(rows.map((r) => [r.permission, r.granted === 1]));
}

export function setGrants(db: Database, plugin: string, permissions: readonly string[], granted: boolean): void {
  const stmt = db.prepare(`INSERT INTO plugin_grants (plugin, permission, granted, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(plugin, permission) DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at`);
  const now = Date.now();
  db.transaction(() => { for (const p of permissions) stmt.run(plugin, p, granted ? 1 : 0, now); })();
}

export interface KvStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  keys(prefix: string): string[];
}

/** Most keys one plugin may keep, and the largest value: kv is for state, not for bulk data. */
export const kvLimits = { maxKeys: 10_000, maxValueBytes: 1 << 20, maxKeyBytes: 1024 } as const;

export function pluginKv(db: Database, plugin: string): KvStore {
  const get = db.prepare('SELECT value FROM plugin_kv WHERE plugin = ? AND key = ?');
  const put = db.prepare(`INSERT INTO plugin_kv (plugin, key, value, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const del = db.prepare('DELETE FROM plugin_kv WHERE plugin = ? AND key = ?');
  const keys = db.prepare("SELECT key FROM plugin_kv WHERE plugin = ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT 10000");
  const count = db.prepare('SELECT COUNT(*) AS n FROM plugin_kv WHERE plugin = ?');
  return {
    get: (key) => (get.get(plugin, key) as { value: string } | undefined)?.value,
    set: (key, value) => {
      if (Buffer.byteLength(key) > kvLimits.maxKeyBytes) throw new Error(`kv key longer than ${kvLimits.maxKeyBytes} bytes`);
      if (Buffer.byteLength(value) > kvLimits.maxValueBytes) throw new Error(`kv value larger than ${kvLimits.maxValueBytes} bytes`);
      if (get.get(plugin, key) === undefined && (count.get(plugin) as { n: number }).n >= kvLimits.maxKeys) {
        throw new Error(`kv holds ${kvLimits.maxKeys} keys already: delete some first`);
      }
      put.run(plugin, key, value, Date.now());
    },
    delete: (key) => { del.run(plugin, key); },
    keys: (prefix) => (keys.all(plugin, prefix, prefix) as Array<{ key: string }>).map((r) => r.key),
  };
}

/** A kv that lives only in memory (for `picode plugin test`, which must leave no trace). */
export function memoryKv(): KvStore {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key),
    set: (key, value) => { map.set(key, value); },
    delete: (key) => { map.delete(key); },
    keys: (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
}

export interface PluginStats {
  calls: number;
  events: number;
  actions: number;
  failures: number;
  timeouts: number;
  restarts: number;
  dropped: number;
  rejected: number;
  busyMs: number;
}

export function emptyStats(): PluginStats {
  return { calls: 0, events: 0, actions: 0, failures: 0, timeouts: 0, restarts: 0, dropped: 0, rejected: 0, busyMs: 0 };
}

/** Adds a delta of counters to the plugin's row for this session. */
export function addPluginStats(db: Database, plugin: string, session: string, delta: PluginStats): void {
  db.prepare(`INSERT INTO plugin_stats (plugin, session, calls, events, actions, failures, timeouts, restarts, dropped, rejected, busy_ms, updated_at)
    VALUES (@plugin, @session, @calls, @events, @actions, @failures, @timeouts, @restarts, @dropped, @rejected, @busyMs, @now)
    ON CONFLICT(plugin, session) DO UPDATE SET calls = calls + excluded.calls, events = events + excluded.events,
      actions = actions + excluded.actions, failures = failures + excluded.failures, timeouts = timeouts + excluded.timeouts,
      restarts = restarts + excluded.restarts, dropped = dropped + excluded.dropped, rejected = rejected + excluded.rejected,
      busy_ms = busy_ms + excluded.busy_ms, updated_at = excluded.updated_at`)
    .run({ plugin, session, ...delta, now: Date.now() });
}

export function readPluginStats(db: Database): Map<string, PluginStats> {
  const rows = db.prepare(`SELECT plugin, SUM(calls) calls, SUM(events) events, SUM(actions) actions, SUM(failures) failures,
    SUM(timeouts) timeouts, SUM(restarts) restarts, SUM(dropped) dropped, SUM(rejected) rejected, SUM(busy_ms) busyMs
    FROM plugin_stats GROUP BY plugin`).all() as Array<PluginStats & { plugin: string }>;
  return new Map(rows.map(({ plugin, ...stats }) => [plugin, stats]));
}

export interface PluginLogRow {
  readonly id: number;
  readonly plugin: string;
  readonly session: string | undefined;
  readonly time: number;
  readonly level: string;
  readonly message: string;
}

/** Log lines kept per plugin; older ones are pruned when new ones are written. */
const logRetention = 5000;

export function appendPluginLogs(db: Database, rows: ReadonlyArray<Omit<PluginLogRow, 'id'>>): void {
  if (rows.length === 0) return;
  const insert = db.prepare('INSERT INTO plugin_logs (plugin, session, time, level, message) VALUES (?, ?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM plugin_logs WHERE plugin = ? AND id <= (SELECT MAX(id) FROM plugin_logs WHERE plugin = ?) - ?');
  db.transaction(() => {
    for (const r of rows) insert.run(r.plugin, r.session ?? null, r.time, r.level, r.message);
    for (const plugin of new Set(rows.map((r) => r.plugin))) prune.run(plugin, plugin, logRetention);
  })();
}

export function readPluginLogs(db: Database, plugin: string, options: { limit: number; afterId?: number }): PluginLogRow[] {
  const rows = db.prepare(`SELECT id, plugin, session, time, level, message FROM plugin_logs
    WHERE plugin = ? AND id > ? ORDER BY id DESC LIMIT ?`).all(plugin, options.afterId ?? 0, options.limit) as Array<PluginLogRow & { session: string | null }>;
  return rows.reverse().map((r) => ({ ...r, session: r.session ?? undefined }));
}
