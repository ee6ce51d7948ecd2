import type { Migration } from '../migration.js';

/** Reserved for the area that owns it; its owner writes the tables here. */
export const llm: Migration = {
  version: 5,
  name: 'llm: calls and transcripts',
  sql: ``,
};
