import type { Migration } from '../migration.js';

/** Sessions picode launched and every launch attempt (layout launch, issue "foundation"). */
export const foundation: Migration = {
  version: 1,
  name: 'foundation: sessions and launches',
  sql: `
    CREATE TABLE sessions (
      name         TEXT PRIMARY KEY,
      mux          TEXT NOT NULL,           -- 'tmux' | 'zellij'
      mux_socket   TEXT,                    -- tmux -L name, NULL for the default server
      layout_name  TEXT NOT NULL,
      layout_path  TEXT NOT NULL,
      layout_json  TEXT NOT NULL,           -- the normalised layout that was launched
      cwd          TEXT NOT NULL,
      created_at   INTEGER NOT NULL,        -- ms since epoch
      stopped_at   INTEGER
    );
    CREATE TABLE launches (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      session      TEXT NOT NULL,
      layout_path  TEXT NOT NULL,
      started_at   INTEGER NOT NULL,
      duration_ms  REAL,
      pane_count   INTEGER,
      outcome      TEXT NOT NULL,           -- 'ok' | 'error'
      error        TEXT
    );
    CREATE INDEX launches_session ON launches(session, started_at);
  `,
};
