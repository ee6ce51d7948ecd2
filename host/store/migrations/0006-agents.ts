import type { Migration } from '../migration.js';

/** Reserved for the area that owns it; its owner writes the tables here. */
export const agents: Migration = {
  version: 6,
  name: 'agents: plans, steps, jobs and agent transcripts',
  sql: ``,
};
