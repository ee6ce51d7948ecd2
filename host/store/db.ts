import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { PicodeError } from '../core/errors.js';
import { databasePath, ensurePrivateDir, ensurePrivateFile } from '../core/paths.js';
import type { Migration } from './migration.js';
import { migrations as allMigrations } from './migrations/index.js';

export type Database = BetterSqlite3.Database;

/**
 * The one module that owns the SQLite connection. better-sqlite3 is loaded lazily (it is a
 * native module) so commands that never touch the store do not pay for it.
 *
 * WAL mode lets the host write while CLI commands read; the busy timeout makes concurrent
 * writers (the host and a CLI command) wait for each other instead of failing.
 */
export interface Store {
  readonly db: Database;
  readonly path: string;
  close(): void;
}

const require = createRequire(import.meta.url);

export function openStore(path: string = databasePath(), migrations: readonly Migration[] = allMigrations): Store {
  // SQLite gives the -wal and -shm files the main file's mode: 0600 before it opens it.
  ensurePrivateDir(dirname(path));
  ensurePrivateFile(path);
  for (const side of ['-wal', '-shm']) ensurePrivateFile(`${path}${side}`, { create: false });
  const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
  let db: Database;
  try {
    db = new Sqlite(path);
  } catch (error) {
    throw new PicodeError(`cannot open the picode database ${path}: ${(error as Error).message}`, {
      hint: 'check the permissions of the state directory (PICODE_HOME), or move the file away to start afresh',
    });
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path, migrations);
  } catch (error) {
    db.close();
    throw storeError(error, path) ?? error;
  }
  return { db, path, close: () => db.close() };
}

/**
 * What a user can do about a database SQLite cannot use: a damaged or foreign file (moved
 * aside, or `picode doctor --repair` keeps what can be read), a read-only one, a full disk.
 * Undefined for anything else (a bug).
 */
export function storeError(error: unknown, path: string): PicodeError | undefined {
  if (error instanceof PicodeError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new PicodeError(`the picode database ${path} is damaged (${message}): picode cannot use it`, {
      hint: `run \`picode doctor --repair\` to keep what can still be read in a fresh database (the damaged file is kept beside it), or move it aside yourself (mv ${path} ${path}.broken) to start afresh`,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_AUTH') {
    return new PicodeError(`cannot write the picode database ${path} (${message})`, {
      hint: `make it and its directory writable by you (ls -l ${dirname(path)}), or point PICODE_HOME at another directory`,
    });
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new PicodeError(`the picode database ${path} cannot be written (${message})`, {
      hint: 'free disk space (picode purge removes old events and output; picode doctor shows the sizes), then retry',
    });
  }
  return undefined;
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: Database, path: string, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new PicodeError(
      `the database ${path} was written by a newer picode (schema version ${current}; this picode knows up to ${latest})`,
      { hint: 'upgrade picode, or point PICODE_HOME at another state directory' },
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    // Two processes may open a fresh store at once (two hosts, a host and a CLI command): the
    // write lock is taken first (IMMEDIATE) and the version checked again under it, so only one
    // of them applies each migration.
    db.transaction(() => {
      if (applied.get(m.version)) return;
      if (m.sql.trim()) db.exec(m.sql);
      m.run?.(db);
      record.run(m.version, m.name, Date.now());
    }).immediate();
  }
}
