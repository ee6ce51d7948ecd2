import type { Migration } from '../migration.js';

/**
 * Prompt caching and reasoning (issue 19). Cache reads and writes were already counted per
 * call (`cached_input_tokens`, `cache_write_tokens`); this adds what each call would have cost
 * uncached (so `picode usage` shows what caching saved) and the reasoning effort sent, and
 * the cache figures of each agent run (the agent pane shows them).
 */
export const llmCache: Migration = {
  version: 7,
  name: 'llm: cache savings and reasoning effort per call, cache figures per agent run',
  sql: `
    ALTER TABLE llm_calls ADD COLUMN uncached_cost_usd REAL;      -- NULL when the model has no price
    ALTER TABLE llm_calls ADD COLUMN reasoning_effort TEXT;       -- low | medium | high, NULL = none asked
    ALTER TABLE agent_runs ADD COLUMN cached_input_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE agent_runs ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE agent_runs ADD COLUMN cache_saved_usd REAL NOT NULL DEFAULT 0;
  `,
};
