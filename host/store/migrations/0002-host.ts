import type { Migration } from '../migration.js';

/**
 * The host's tables. A host is keyed by `host_key` (the session name, prefixed with the tmux
 * server name when it runs on a private server): see host/ipc/address.ts.
 *
 * - `host_locks`: one row per running host (the single-host lock, reclaimed when its PID is dead).
 * - `events`: every bus event, in order; `seq` is the event id the bus hands out, per host key,
 *   continued across host restarts.
 * - `pane_output`: each pane's output log, in batches; `offset` is the byte offset of the
 *   batch in the pane's stream (continued across restarts), so command output ranges
 *   (`command.finished`) can be read back. Trimmed per pane to `host.outputLog.maxBytesPerPane`.
 */
export const host: Migration = {
  version: 2,
  name: 'host: events, pane output log and host locks',
  sql: `
    CREATE TABLE host_locks (
      host_key     TEXT PRIMARY KEY,
      session      TEXT NOT NULL,
      mux_socket   TEXT,
      pid          INTEGER NOT NULL,
      hostname     TEXT NOT NULL,
      socket_path  TEXT NOT NULL,
      started_at   INTEGER NOT NULL
    );
    CREATE TABLE events (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      host_key     TEXT NOT NULL,
      seq          INTEGER NOT NULL,
      session      TEXT NOT NULL,
      type         TEXT NOT NULL,
      time         INTEGER NOT NULL,
      window       TEXT,
      pane         TEXT,
      pane_name    TEXT,
      data         TEXT NOT NULL,
      UNIQUE (host_key, seq)
    );
    CREATE INDEX events_type ON events(host_key, type, seq);
    CREATE INDEX events_pane ON events(host_key, pane, seq);
    CREATE TABLE pane_output (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      host_key     TEXT NOT NULL,
      pane         TEXT NOT NULL,
      offset       INTEGER NOT NULL,
      time         INTEGER NOT NULL,
      data         BLOB NOT NULL
    );
    CREATE INDEX pane_output_pane ON pane_output(host_key, pane, offset);
  `,
};
