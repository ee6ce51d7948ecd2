import type { Migration } from '../migration.js';

/** Reserved for the area that owns it; its owner writes the tables here. */
export const hooks: Migration = {
  version: 4,
  name: 'hooks: hook runs',
  sql: ``,
};
