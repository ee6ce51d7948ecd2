import type { Migration } from '../migration.js';

/**
 * Sessions keyed by (tmux server, session) (issue 13 §3): two tmux servers (`tmux -L a`,
 * `tmux -L b`) may each have a session called `main`, and each gets its own row. `server` is
 * the tmux -L name, '' for the default server (and for Zellij); `mux_socket` stays as it was
 * (NULL for the default server) for the readers that use it.
 */
export const sessionsByServer: Migration = {
  version: 8,
  name: 'sessions keyed by (server, session)',
  sql: `
    CREATE TABLE sessions_by_server (
      server       TEXT NOT NULL DEFAULT '',
      name         TEXT NOT NULL,
      mux          TEXT NOT NULL,
      mux_socket   TEXT,
      layout_name  TEXT NOT NULL,
      layout_path  TEXT NOT NULL,
      layout_json  TEXT NOT NULL,
      cwd          TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      stopped_at   INTEGER,
      PRIMARY KEY (server, name)
    );
    INSERT INTO sessions_by_server (server, name, mux, mux_socket, layout_name, layout_path, layout_json, cwd, created_at, stopped_at)
      SELECT COALESCE(mux_socket, ''), name, mux, mux_socket, layout_name, layout_path, layout_json, cwd, created_at, stopped_at FROM sessions;
    DROP TABLE sessions;
    ALTER TABLE sessions_by_server RENAME TO sessions;
    ALTER TABLE launches ADD COLUMN server TEXT NOT NULL DEFAULT '';
  `,
};
