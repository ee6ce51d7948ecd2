import { existsSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { PicodeError } from '../core/errors.js';
import { openStore } from './db.js';

/**
 * `picode doctor --repair`: a database SQLite reports damaged is replaced by a fresh one
 * holding every row that can still be read, table by table (reading on past a damaged page
 * where SQLite lets it), and the damaged file is kept beside it (`picode.db.damaged-TIME`)
 * for anyone who wants to try harder. Nothing is deleted.
 */
export interface RepairReport {
  readonly path: string;
  /** Where the damaged file (and its -wal/-shm) now is. */
  readonly keptAs: string;
  /** Rows copied, by table. */
  readonly copied: Record<string, number>;
  /** Tables that could not be read at all, or only in part, with why. */
  readonly problems: string[];
}

const require = createRequire(import.meta.url);

export function repairDatabase(path: string, now = new Date()): RepairReport {
  if (!existsSync(path)) throw new PicodeError(`there is no picode database at ${path} to repair`, { hint: 'picode creates one when it first needs it' });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const keptAs = `${path}.damaged-${stamp}`;
  const fresh = `${path}.repairing-${stamp}`;
  const copied: Record<string, number> = {};
  const problems: string[] = [];

  const target = openStore(fresh);
  try {
    const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
    let source: BetterSqlite3.Database | undefined;
    try {
      source = new Sqlite(path, { readonly: true, fileMustExist: true });
      source.prepare('SELECT name FROM sqlite_master LIMIT 1').all();
    } catch (error) {
      problems.push(`nothing could be read: ${(error as Error).message}`);
      source?.close();
      source = undefined;
    }
    if (source) {
      try {
        for (const table of tablesOf(target.db)) {
          const result = copyTable(source, target.db, table);
          copied[table] = result.rows;
          if (result.problem) problems.push(`${table}: ${result.problem}`);
        }
      } finally {
        source.close();
      }
    }
    target.db.pragma('journal_mode = DELETE');
  } finally {
    target.close();
  }
  for (const side of ['', '-wal', '-shm']) {
    if (existsSync(`${path}${side}`)) renameSync(`${path}${side}`, `${keptAs}${side}`);
  }
  renameSync(fresh, path);
  return { path, keptAs, copied, problems };
}

function tablesOf(db: BetterSqlite3.Database): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`).all() as Array<{ name: string }>)
    .map((r) => r.name);
}

function columnsOf(db: BetterSqlite3.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((r) => r.name);
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies the rows of one table that can be read, in rowid order. A damaged page ends a
 * scan: the copy goes on after it, skipping ahead further each time, so one bad page loses
 * only the rows it held.
 */
function copyTable(source: BetterSqlite3.Database, target: BetterSqlite3.Database, table: string): { rows: number; problem?: string } {
  let sourceColumns: string[];
  try {
    sourceColumns = columnsOf(source, table);
  } catch (error) {
    return { rows: 0, problem: `could not be read (${(error as Error).message})` };
  }
  if (sourceColumns.length === 0) return { rows: 0 };
  const wanted = new Set(columnsOf(target, table));
  const columns = sourceColumns.filter((c) => wanted.has(c));
  const list = columns.map(quote).join(', ');
  const insert = target.prepare(`INSERT OR IGNORE INTO ${quote(table)} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  let select: BetterSqlite3.Statement;
  try {
    select = source.prepare(`SELECT rowid AS __rowid, ${list} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid`);
  } catch (error) {
    return { rows: 0, problem: `could not be read (${(error as Error).message})` };
  }
  let rows = 0;
  let after = 0; // picode's tables number their rows from 1
  let skip = 1;
  let problem: string | undefined;
  const write = target.transaction((batch: unknown[][]) => { for (const values of batch) insert.run(...values); });
  for (let attempt = 0; attempt < 64; attempt++) {
    let batch: unknown[][] = [];
    try {
      for (const row of select.iterate(after) as Iterable<Record<string, unknown>>) {
        after = Number(row.__rowid);
        batch.push(columns.map((c) => row[c]));
        if (batch.length >= 1000) { write(batch); rows += batch.length; batch = []; }
      }
      write(batch);
      rows += batch.length;
      return problem ? { rows, problem } : { rows };
    } catch (error) {
      write(batch);
      rows += batch.length;
      problem = `some rows were lost (${(error as Error).message})`;
      after += skip;
      skip *= 4;
    }
  }
  return { rows, problem };
}
