import type { Migration } from '../migration.js';

/**
 * Plugins (issue "plugins"): what the user decided (enabled, grants), what each plugin keeps
 * (its kv), and what it cost (call statistics, logs). Grants given with `picode plugin
 * grant` live here rather than in a config file so the command never rewrites the user's
 * YAML/TS config; the effective grants are the config's plus these (granted = 1) minus the
 * revoked ones (granted = 0).
 */
export const plugins: Migration = {
  version: 3,
  name: 'plugins: state, kv and call statistics',
  sql: `
    CREATE TABLE plugin_state (
      name          TEXT PRIMARY KEY,
      enabled       INTEGER,                 -- NULL: follow the config; 0/1: set by plugin enable/disable
      status        TEXT NOT NULL DEFAULT 'unknown', -- running | failed | disabled | refused | stopped
      status_detail TEXT,                    -- why (the last failure, the missing grant)
      status_line   TEXT,                    -- the plugin's own set-status text
      updated_at    INTEGER NOT NULL
    );
    CREATE TABLE plugin_grants (
      plugin        TEXT NOT NULL,
      permission    TEXT NOT NULL,
      granted       INTEGER NOT NULL,        -- 1 granted, 0 revoked (overrides the config)
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (plugin, permission)
    );
    CREATE TABLE plugin_kv (
      plugin        TEXT NOT NULL,
      key           TEXT NOT NULL,
      value         TEXT NOT NULL,
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (plugin, key)
    );
    CREATE TABLE plugin_stats (
      plugin        TEXT NOT NULL,
      session       TEXT NOT NULL,
      calls         INTEGER NOT NULL DEFAULT 0,
      events        INTEGER NOT NULL DEFAULT 0,
      actions       INTEGER NOT NULL DEFAULT 0,
      failures      INTEGER NOT NULL DEFAULT 0,
      timeouts      INTEGER NOT NULL DEFAULT 0,
      restarts      INTEGER NOT NULL DEFAULT 0,
      dropped       INTEGER NOT NULL DEFAULT 0,
      rejected      INTEGER NOT NULL DEFAULT 0,  -- actions refused (malformed, not permitted, over the cap)
      busy_ms       REAL NOT NULL DEFAULT 0,     -- time spent in the plugin
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (plugin, session)
    );
    CREATE TABLE plugin_logs (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      plugin        TEXT NOT NULL,
      session       TEXT,
      time          INTEGER NOT NULL,
      level         TEXT NOT NULL,           -- debug | info | warn | error
      message       TEXT NOT NULL
    );
    CREATE INDEX plugin_logs_plugin ON plugin_logs(plugin, id);
  `,
};
