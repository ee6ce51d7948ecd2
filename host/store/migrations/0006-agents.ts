import type { Migration } from '../migration.js';

/**
 * Plans and their steps, background jobs, and agent runs with their transcripts (issue 7).
 *
 * `session` is NULL for work done by a CLI command run without a host. JSON columns hold
 * lists and the per-stage state of a job (what a resumed job starts from). Every time is
 * milliseconds since the epoch.
 */
export const agents: Migration = {
  version: 6,
  name: 'agents: plans, steps, jobs and agent transcripts',
  sql: `
    CREATE TABLE jobs (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      session       TEXT,
      kind          TEXT NOT NULL,           -- 'plan' | 'plan.revise' | 'agent' | ...
      title         TEXT NOT NULL,
      status        TEXT NOT NULL,           -- queued | running | done | failed | cancelled | interrupted
      stages_json   TEXT NOT NULL,           -- the stage names, in order
      stages_done   INTEGER NOT NULL DEFAULT 0,
      stage         TEXT,                    -- the stage running (or last run)
      progress      REAL NOT NULL DEFAULT 0, -- 0..1 over the whole job
      message       TEXT,
      input_json    TEXT NOT NULL,
      state_json    TEXT NOT NULL DEFAULT '{}', -- each completed stage's result, by stage name
      result_json   TEXT,
      error         TEXT,
      attempts      INTEGER NOT NULL DEFAULT 0,
      created_at    INTEGER NOT NULL,
      started_at    INTEGER,
      finished_at   INTEGER,
      updated_at    INTEGER NOT NULL
    );
    CREATE INDEX jobs_session_status ON jobs(session, status);

    CREATE TABLE plans (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      session       TEXT,
      task          TEXT NOT NULL,
      summary       TEXT NOT NULL DEFAULT '',
      status        TEXT NOT NULL,           -- generating | ready | failed | superseded
      revision      INTEGER NOT NULL DEFAULT 1,
      parent_id     INTEGER REFERENCES plans(id),
      feedback      TEXT,                    -- what the user asked for in this revision
      model         TEXT,
      job_id        INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
      error         TEXT,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    );
    CREATE INDEX plans_session ON plans(session, id);

    CREATE TABLE plan_steps (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      plan_id       INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
      position      INTEGER NOT NULL,
      title         TEXT NOT NULL,
      detail        TEXT NOT NULL DEFAULT '',
      files_json    TEXT NOT NULL DEFAULT '[]',
      commands_json TEXT NOT NULL DEFAULT '[]',
      acceptance    TEXT NOT NULL DEFAULT '',
      status        TEXT NOT NULL DEFAULT 'pending', -- pending | running | done | failed | skipped
      approved      INTEGER NOT NULL DEFAULT 0,
      assignee      TEXT,                    -- 'agent:<run id>' or 'user'
      started_at    INTEGER,
      finished_at   INTEGER,
      UNIQUE (plan_id, position)
    );

    CREATE TABLE agent_runs (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      session       TEXT,
      job_id        INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
      plan_step_id  INTEGER REFERENCES plan_steps(id) ON DELETE SET NULL,
      task          TEXT NOT NULL,
      model         TEXT NOT NULL,
      status        TEXT NOT NULL,           -- working | waiting_approval | waiting_input | done | failed | stopped | interrupted
      work_pane     TEXT,                    -- the pane its commands run in
      cwd           TEXT NOT NULL,
      worktree      TEXT,                    -- the git worktree it works in, when it has one
      limits_json   TEXT NOT NULL,
      turns         INTEGER NOT NULL DEFAULT 0,
      input_tokens  INTEGER NOT NULL DEFAULT 0,
      output_tokens INTEGER NOT NULL DEFAULT 0,
      cost_usd      REAL NOT NULL DEFAULT 0,
      error         TEXT,
      created_at    INTEGER NOT NULL,
      finished_at   INTEGER,
      updated_at    INTEGER NOT NULL
    );
    CREATE INDEX agent_runs_session ON agent_runs(session, id);

    CREATE TABLE agent_messages (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id        INTEGER NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
      seq           INTEGER NOT NULL,
      kind          TEXT NOT NULL,           -- user | assistant | tool_call | tool_result | approval | status | error
      content_json  TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      UNIQUE (run_id, seq)
    );
  `,
};
