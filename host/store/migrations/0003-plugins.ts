import type { Migration } from '../migration.js';

/** Reserved for the area that owns it; its owner writes the tables here. */
export const plugins: Migration = {
  version: 3,
  name: 'plugins: state, kv and call statistics',
  sql: ``,
};
