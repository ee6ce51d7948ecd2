import type { Migration } from '../migration.js';

/**
 * `hook_runs`: one row per hook run (shell, plugin or built-in), written in batches by the
 * hook engine. `event_id` refers to `events.id` without a foreign key: events are persisted
 * in batches by the host, and a dry run (`picode hooks test`) has no persisted event (0).
 * `output` is stdout then stderr, truncated to 10,000 characters (`truncated` = 1 then).
 */
export const hooks: Migration = {
  version: 4,
  name: 'hooks: hook runs',
  sql: `
CREATE TABLE hook_runs (
  id INTEGER PRIMARY KEY,
  session TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  hook TEXT NOT NULL,
  action TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'blocked', 'error', 'timeout', 'unavailable')),
  decision TEXT CHECK (decision IN ('allow', 'ask', 'deny')),
  reason TEXT,
  exit_code INTEGER,
  output TEXT NOT NULL DEFAULT '',
  truncated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hook_runs_session_time ON hook_runs (session, started_at);
CREATE INDEX hook_runs_event ON hook_runs (event_id);
CREATE INDEX hook_runs_hook ON hook_runs (hook, started_at);
`,
};
