import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../store/db.js';

type Statement = BetterSqlite3.Statement<unknown[]>;

/**
 * Prepared statements kept per SQL text: the agent stores run the same few statements on every
 * hook call and every list, and preparing one again each time was most of their cost.
 */
export function statementCache(db: Database): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, statement = db.prepare<unknown[]>(sql));
    return statement;
  };
}
