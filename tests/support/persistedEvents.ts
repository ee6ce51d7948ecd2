import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventCatalog } from '../../host/bus/catalog/index.js';

/**
 * The event catalog is a contract: every event a host persisted during a test must validate
 * against its catalog schema. Suites call `expectPersistedEventsMatchCatalog(stateDir)` at
 * teardown, after their hosts exited; it reads the events table of PICODE_HOME/picode.db and
 * throws listing every row that does not (and every type the catalog does not know).
 */
export function persistedEventProblems(stateDir: string): string[] {
  const file = join(stateDir, 'picode.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    if (!hasTable) return [];
    const rows = db.prepare('SELECT seq, type, data FROM events ORDER BY id').all() as Array<{ seq: number; type: string; data: string }>;
    const problems: string[] = [];
    for (const row of rows) {
      const entry = eventCatalog.find((d) => (d.type.endsWith('*') ? row.type.startsWith(d.type.slice(0, -1)) : d.type === row.type));
      if (!entry) {
        problems.push(`event ${row.seq} ${row.type}: not in the event catalog`);
        continue;
      }
      const parsed = entry.data.safeParse(JSON.parse(row.data) as unknown);
      if (!parsed.success) {
        problems.push(`event ${row.seq} ${row.type}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ')}`);
      }
    }
    return problems;
  } finally {
    db.close();
  }
}

export function expectPersistedEventsMatchCatalog(stateDir: string): void {
  const problems = persistedEventProblems(stateDir);
  if (problems.length > 0) {
    throw new Error(`${problems.length} persisted event(s) do not match the event catalog (host/bus/catalog):\n${problems.slice(0, 20).join('\n')}`);
  }
}
