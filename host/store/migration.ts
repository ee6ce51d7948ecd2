import type { Database } from './db.js';

/** One versioned schema change, applied once inside a transaction at open. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Rewrites SQL alone cannot express (run after `sql`, in the same transaction). */
  readonly run?: (db: Database) => void;
}
