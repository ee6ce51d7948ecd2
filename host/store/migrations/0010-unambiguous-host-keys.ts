import type { Database } from '../db.js';
import type { Migration } from '../migration.js';
import { hostFileStem } from '../../core/hostIdentity.js';

/**
 * Host keys that name their (tmux server, session) exactly (issue 13 §3). The old key was
 * `server--session` (the session alone on the default server), which two pairs could share:
 * server `a` with session `b--c`, and server `a--b` with session `c`, wrote their events and
 * output under one key. The new key is the exact encoding of the host's file names
 * (host/core/hostIdentity.ts hostFileStem: `a@b--c`, `a--b@c`).
 *
 * Events carry their session, so each old key splits back into its pairs exactly. Output rows
 * carry only the key: where one old key held several sessions, each pane's rows go to the
 * session whose events name that pane nearest in time. No row is dropped.
 */
export const unambiguousHostKeys: Migration = {
  version: 10,
  name: 'host: host keys that name (server, session) exactly',
  sql: '',
  run: rekeyHosts,
};

interface Pair { readonly old: string; readonly session: string; readonly key: string }

/** The (server, session) an old key was made from, for a session named in its rows; undefined when it was not made by picode. */
function newKeyFor(old: string, session: string): string | undefined {
  if (old === session) return hostFileStem(session, undefined);
  if (old.endsWith(`--${session}`) && old.length > session.length + 2) return hostFileStem(session, old.slice(0, old.length - session.length - 2));
  return undefined;
}

function rekeyHosts(db: Database): void {
  const pairs: Pair[] = [];
  for (const row of db.prepare('SELECT DISTINCT host_key AS old, session FROM events').all() as Array<{ old: string; session: string }>) {
    const key = newKeyFor(row.old, row.session);
    if (key !== undefined) pairs.push({ ...row, key });
  }
  rekeyEvents(db, pairs.filter((p) => p.key !== p.old));
  rekeyOutput(db, pairs);
  rekeyLocks(db);
}

/**
 * Rewritten into a new table in one statement: updating keys in place could meet an old key
 * equal to a new one (a session named `a@b`) half-way and break `UNIQUE (host_key, seq)`.
 */
function rekeyEvents(db: Database, pairs: readonly Pair[]): void {
  if (pairs.length === 0) return;
  db.exec('CREATE TEMP TABLE host_key_map (old TEXT NOT NULL, session TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (old, session))');
  const insert = db.prepare('INSERT INTO temp.host_key_map (old, session, key) VALUES (?, ?, ?)');
  for (const p of pairs) insert.run(p.old, p.session, p.key);
  // The table and its indexes as they are (columns and constraints kept), under another name.
  const schema = db.prepare("SELECT type, sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL").all() as Array<{ type: string; sql: string }>;
  const table = schema.find((s) => s.type === 'table')!.sql.replace(/^CREATE TABLE\s+"?events"?/i, 'CREATE TABLE events_rekeyed');
  db.exec(`${table};
    INSERT INTO events_rekeyed (id, host_key, seq, session, type, time, window, pane, pane_name, data)
      SELECT e.id, COALESCE(m.key, e.host_key), e.seq, e.session, e.type, e.time, e.window, e.pane, e.pane_name, e.data
      FROM events e LEFT JOIN temp.host_key_map m ON m.old = e.host_key AND m.session = e.session;
    DROP TABLE events;
    ALTER TABLE events_rekeyed RENAME TO events;
    DROP TABLE temp.host_key_map;`);
  for (const index of schema.filter((s) => s.type === 'index')) db.exec(index.sql);
}

/**
 * Every row's new key is chosen before any is written: an old key may equal another's new one
 * (a session named `a@b` on the default server, and session `b` on server `a`).
 */
function rekeyOutput(db: Database, pairs: readonly Pair[]): void {
  const byOld = new Map<string, Pair[]>();
  for (const p of pairs) byOld.set(p.old, [...(byOld.get(p.old) ?? []), p]);
  db.exec('CREATE TEMP TABLE output_key_map (id INTEGER PRIMARY KEY, key TEXT NOT NULL)');
  const whole = db.prepare('INSERT INTO temp.output_key_map (id, key) SELECT id, ? FROM pane_output WHERE host_key = ?');
  const one = db.prepare('INSERT INTO temp.output_key_map (id, key) VALUES (?, ?)');
  for (const [old, candidates] of byOld) {
    if (candidates.length === 1) {
      if (candidates[0]!.key !== old) whole.run(candidates[0]!.key, old);
      continue;
    }
    const rows = db.prepare('SELECT id, pane, time FROM pane_output WHERE host_key = ?').all(old) as Array<{ id: number; pane: string; time: number }>;
    for (const row of rows) one.run(row.id, nearestSession(db, candidates, row.pane, row.time).key);
  }
  db.exec(`UPDATE pane_output SET host_key = (SELECT key FROM temp.output_key_map m WHERE m.id = pane_output.id)
      WHERE id IN (SELECT id FROM temp.output_key_map);
    DROP TABLE temp.output_key_map;`);
}

/** The session (of those sharing an old key) whose events name the pane closest to `time`; the first when none does. */
function nearestSession(db: Database, candidates: readonly Pair[], pane: string, time: number): Pair {
  const distance = db.prepare('SELECT MIN(ABS(time - ?)) AS d FROM events WHERE host_key = ? AND pane = ?');
  let best = candidates[0]!;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = (distance.get(time, candidate.key, pane) as { d: number | null }).d;
    if (d !== null && d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best;
}

/** Locks name their session and server: rewritten exactly (deleted and inserted, the primary key being the key). */
function rekeyLocks(db: Database): void {
  const rows = db.prepare('SELECT * FROM host_locks').all() as Array<Record<string, unknown> & { session: string; mux_socket: string | null }>;
  db.exec('DELETE FROM host_locks');
  const insert = db.prepare(`INSERT OR REPLACE INTO host_locks (host_key, session, mux_socket, pid, hostname, socket_path, started_at)
    VALUES (@key, @session, @mux_socket, @pid, @hostname, @socket_path, @started_at)`);
  for (const row of rows) insert.run({ ...row, key: hostFileStem(row.session, row.mux_socket || undefined) });
}
