import type { Migration } from '../migration.js';

/**
 * LLM calls (one row per attempt, failed ones included: they are billed too), transcripts
 * (only when `transcripts: true`), and the sources a user approved for a provider
 * (`approval.approve: first-time-per-source`). No API key is ever stored.
 */
export const llm: Migration = {
  version: 5,
  name: 'llm: calls and transcripts',
  sql: `
    CREATE TABLE llm_calls (
      id                  INTEGER PRIMARY KEY AUTOINCREMENT,
      started_at          INTEGER NOT NULL,       -- ms since epoch
      session             TEXT,                   -- host session, NULL for standalone commands
      provider            TEXT NOT NULL,
      model               TEXT NOT NULL,          -- the provider's model name
      purpose             TEXT NOT NULL,          -- ask | plan | agent | plugin:NAME | hook:NAME ...
      attempt             INTEGER NOT NULL,       -- 1 = first try; more = retries and failover
      input_tokens        INTEGER NOT NULL DEFAULT 0,  -- all input, cached included
      cached_input_tokens INTEGER NOT NULL DEFAULT 0,
      cache_write_tokens  INTEGER NOT NULL DEFAULT 0,
      output_tokens       INTEGER NOT NULL DEFAULT 0,  -- all output, reasoning included
      reasoning_tokens    INTEGER NOT NULL DEFAULT 0,
      cost_usd            REAL,                   -- NULL when the model has no price
      ttft_ms             REAL,                   -- NULL when no output arrived
      duration_ms         REAL NOT NULL,
      outcome             TEXT NOT NULL,          -- ok | auth | rate-limited | overloaded | ... (LlmErrorKind)
      error               TEXT,                   -- redacted
      sources             TEXT NOT NULL DEFAULT '[]'  -- JSON list of context sources
    );
    CREATE INDEX llm_calls_started ON llm_calls(started_at);
    CREATE TABLE llm_transcripts (
      call_id       INTEGER PRIMARY KEY REFERENCES llm_calls(id) ON DELETE CASCADE,
      request_json  TEXT NOT NULL,
      response_json TEXT NOT NULL
    );
    CREATE TABLE llm_approvals (
      source       TEXT NOT NULL,
      provider     TEXT NOT NULL,
      approved_at  INTEGER NOT NULL,
      PRIMARY KEY (source, provider)
    );
  `,
};
