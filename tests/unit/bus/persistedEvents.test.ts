import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { expectPersistedEventsMatchCatalog, persistedEventProblems } from '../../support/persistedEvents.js';

/** The integration suites' teardown check must catch a row that breaks the catalog. */
describe('persisted events vs the catalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'picode-persisted-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes good rows and names bad ones', () => {
    expect(persistedEventProblems(join(dir, 'none'))).toEqual([]);
    const db = new Database(join(dir, 'picode.db'));
    db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, seq INTEGER, type TEXT, data TEXT)');
    const insert = db.prepare('INSERT INTO events (seq, type, data) VALUES (?, ?, ?)');
    insert.run(1, 'pane.resized', JSON.stringify({ width: 80, height: 24 }));
    insert.run(2, 'user.deployed', JSON.stringify([1, 2]));
    insert.run(3, 'pane.resized', JSON.stringify({ width: '80', height: 24 }));
    insert.run(4, 'made.up', '{}');
    db.close();
    const problems = persistedEventProblems(dir);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^event 3 pane\.resized: width: /);
    expect(problems[1]).toBe('event 4 made.up: not in the event catalog');
    expect(() => expectPersistedEventsMatchCatalog(dir)).toThrow(/2 persisted event\(s\) do not match/);
  });
});
