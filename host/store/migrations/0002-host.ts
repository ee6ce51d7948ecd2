import type { Migration } from '../migration.js';

/** Reserved for the area that owns it; its owner writes the tables here. */
export const host: Migration = {
  version: 2,
  name: 'host: events, pane output log and host locks',
  sql: ``,
};
