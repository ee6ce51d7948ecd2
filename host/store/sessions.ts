import type { Database } from './db.js';

/**
 * The sessions picode launched and each launch attempt (tables of migrations 0001 and 0007).
 * A row is keyed by (tmux server, session name): launching a session of the same name on the
 * same server again replaces its row; the same name on another server is another session.
 * `muxSocket` undefined = the default server (and Zellij).
 */
export interface SessionRow {
  /** The tmux -L name, '' for the default server. */
  readonly server: string;
  readonly name: string;
  readonly mux: string;
  readonly mux_socket: string | null;
  readonly layout_name: string;
  readonly layout_path: string;
  readonly layout_json: string;
  readonly cwd: string;
  readonly created_at: number;
  readonly stopped_at: number | null;
}

export interface LaunchRecord {
  readonly session: string;
  readonly mux: string;
  readonly muxSocket: string | undefined;
  readonly layoutName: string;
  readonly layoutPath: string;
  readonly layoutJson: string;
  readonly cwd: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly paneCount: number;
  readonly error: string | undefined;
}

export function recordLaunch(db: Database, launch: LaunchRecord): void {
  db.transaction(() => {
    if (launch.error === undefined) {
      db.prepare(`INSERT INTO sessions (server, name, mux, mux_socket, layout_name, layout_path, layout_json, cwd, created_at, stopped_at)
        VALUES (@server, @session, @mux, @muxSocket, @layoutName, @layoutPath, @layoutJson, @cwd, @startedAt, NULL)
        ON CONFLICT(server, name) DO UPDATE SET mux = excluded.mux, mux_socket = excluded.mux_socket,
          layout_name = excluded.layout_name, layout_path = excluded.layout_path, layout_json = excluded.layout_json,
          cwd = excluded.cwd, created_at = excluded.created_at, stopped_at = NULL`)
        .run({ ...launch, server: launch.muxSocket ?? '', muxSocket: launch.muxSocket ?? null });
    }
    db.prepare(`INSERT INTO launches (server, session, layout_path, started_at, duration_ms, pane_count, outcome, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(launch.muxSocket ?? '', launch.session, launch.layoutPath, launch.startedAt, launch.durationMs, launch.paneCount,
        launch.error === undefined ? 'ok' : 'error', launch.error ?? null);
  })();
}

export function markStopped(db: Database, session: string, at = Date.now(), muxSocket?: string): boolean {
  return db.prepare('UPDATE sessions SET stopped_at = ? WHERE server = ? AND name = ? AND stopped_at IS NULL').run(at, muxSocket ?? '', session).changes > 0;
}

export function listSessionRows(db: Database): SessionRow[] {
  return db.prepare('SELECT * FROM sessions ORDER BY created_at DESC').all() as SessionRow[];
}

/**
 * The row of a session on a server (`server`: the tmux -L name, '' = the default server); with
 * no server given, the latest launch of that name on any server.
 */
export function findSessionRow(db: Database, session: string, server?: string): SessionRow | undefined {
  if (server === undefined) return db.prepare('SELECT * FROM sessions WHERE name = ? ORDER BY created_at DESC LIMIT 1').get(session) as SessionRow | undefined;
  return db.prepare('SELECT * FROM sessions WHERE server = ? AND name = ?').get(server, session) as SessionRow | undefined;
}
