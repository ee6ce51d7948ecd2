import type { Migration } from '../migration.js';

/**
 * External agent runs (Claude Code, Codex CLI... started with `picode agent --with`): one row
 * beside the run's `agent_runs` row, so picode's own runs and external ones share ids, list,
 * transcript and events. The relay token is what the agent's hooks present to the host.
 */
export const externalAgents: Migration = {
  version: 9,
  name: 'agents: external agent runs',
  sql: `
    CREATE TABLE agent_external (
      run_id          INTEGER PRIMARY KEY REFERENCES agent_runs(id) ON DELETE CASCADE,
      kind            TEXT NOT NULL,           -- claude | codex | gemini | opencode | aider | command
      command_json    TEXT NOT NULL,           -- the argv started in the pane
      pane            TEXT,                    -- the pane the agent runs in
      status_source   TEXT NOT NULL,           -- hooks | inferred
      status_since    INTEGER NOT NULL,        -- when the status last changed (ms since epoch)
      agent_session   TEXT,                    -- the agent's own session id (from its hooks)
      transcript_path TEXT,                    -- the agent's own session file
      token           TEXT NOT NULL,           -- what its hooks present to the host
      exit_code       INTEGER
    );
  `,
};
