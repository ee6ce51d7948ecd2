import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostKey } from '../../../host/core/hostIdentity.js';
import { openStore } from '../../../host/store/db.js';
import { migrations } from '../../../host/store/migrations/index.js';
import { EventWriter, queryEvents } from '../../../host/bus/eventStore.js';
import { OutputLog, readOutputRange, resumePoint } from '../../../host/store/outputLog.js';
import { readHostLock } from '../../../host/daemon/lock.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';

/** Issue 13 §3: events and output rows are keyed by the exact (tmux server, session) pair. */
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'picode-hostkeys-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const onError = (error: Error): void => { throw error; };

function output(id: number, session: string, pane: string, offset: number, text: string): PicodeEvent {
  return { id, type: 'pane.output', time: Date.now(), session, pane, data: { text, offset, bytes: Buffer.byteLength(text) } };
}

describe('host keys', () => {
  it('never give two (server, session) pairs the same key', () => {
    expect(hostKey('b--c', 'a')).not.toBe(hostKey('c', 'a--b'));
    expect(hostKey('a--b', undefined)).not.toBe(hostKey('b', 'a'));
    const pair = fc.tuple(fc.option(fc.string({ minLength: 1 }), { nil: undefined }), fc.string());
    fc.assert(fc.property(pair, pair, ([s1, n1], [s2, n2]) => (s1 === s2 && n1 === n2) || hostKey(n1, s1) !== hostKey(n2, s2)), { numRuns: 2000 });
  });

  it('keeps the events and output of sessions whose names collided under `server--session` apart', () => {
    const store = openStore(join(dir, 'db'));
    try {
      const hosts = [{ session: 'b--c', server: 'a', text: 'first host\n' }, { session: 'c', server: 'a--b', text: 'second host\n' }];
      for (const h of hosts) {
        const key = hostKey(h.session, h.server);
        const events = new EventWriter(store.db, key, { flushMs: 1000, maxRows: 1000, maxOutputText: 1000, onError });
        const log = new OutputLog(store.db, key, { flushMs: 1000, maxBytesPerPane: 1 << 20, onError });
        // Both hosts start their ids at 1 and their pane %0 at offset 0, as two fresh hosts do.
        events.append(output(1, h.session, '%0', 0, h.text));
        log.append('%0', 0, Buffer.from(h.text));
        events.flush();
        log.flush();
      }
      for (const h of hosts) {
        const key = hostKey(h.session, h.server);
        const listed = queryEvents(store.db, key);
        expect(listed.map((e) => [e.session, (e.data as { text: string }).text])).toEqual([[h.session, h.text]]);
        expect(readOutputRange(store.db, key, '%0', 0, 1000).toString()).toBe(h.text);
        expect(resumePoint(store.db, key, '%0').offset).toBe(Buffer.byteLength(h.text));
      }
    } finally {
      store.close();
    }
  });

  it('migrates a database keyed by `server--session` without losing or mixing rows', () => {
    const path = join(dir, 'old.db');
    const old = openStore(path, migrations.filter((m) => m.version <= 9));
    const event = old.db.prepare("INSERT INTO events (host_key, seq, session, type, time, pane, data) VALUES (?, ?, ?, 'pane.output', ?, ?, ?)");
    const out = old.db.prepare('INSERT INTO pane_output (host_key, pane, offset, time, data) VALUES (?, ?, ?, ?, ?)');
    // Two hosts that shared the old key `a--b--c`, at different times.
    event.run('a--b--c', 1, 'b--c', 1000, '%0', '{"n":"b--c 1"}');
    event.run('a--b--c', 2, 'b--c', 1100, '%0', '{"n":"b--c 2"}');
    event.run('a--b--c', 3, 'c', 90_000, '%0', '{"n":"c 3"}');
    out.run('a--b--c', '%0', 0, 1050, Buffer.from('of b--c'));
    out.run('a--b--c', '%0', 0, 90_010, Buffer.from('of c'));
    // Session `b` on server `a` (old key `a--b`) and `a@b` on the default server: the first's
    // new key is the second's old one.
    event.run('a--b', 1, 'b', 5, '%1', '{"n":"b"}');
    out.run('a--b', '%1', 0, 5, Buffer.from('of b'));
    event.run('a@b', 1, 'a@b', 6, '%2', '{"n":"a@b"}');
    out.run('a@b', '%2', 0, 6, Buffer.from('of a@b'));
    // A plain name keeps its key; a session on the default server with a space is encoded.
    event.run('main', 1, 'main', 7, '%3', '{"n":"main"}');
    event.run('co x', 1, 'co x', 8, '%4', '{"n":"co x"}');
    out.run('co x', '%4', 0, 8, Buffer.from('of co x'));
    old.db.prepare(`INSERT INTO host_locks (host_key, session, mux_socket, pid, hostname, socket_path, started_at)
      VALUES ('a--b--c', 'b--c', 'a', 4242, 'h', '/s', 1)`).run();
    const counts = (db: typeof old.db): unknown => db.prepare('SELECT (SELECT COUNT(*) FROM events) AS e, (SELECT COUNT(*) FROM pane_output) AS o').get();
    const before = counts(old.db);
    old.close();

    const store = openStore(path);
    try {
      expect(counts(store.db)).toEqual(before);
      const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name").all();
      expect(indexes).toEqual([{ name: 'events_pane' }, { name: 'events_type' }]);
      const names = (session: string, server?: string): unknown[] => queryEvents(store.db, hostKey(session, server)).map((e) => (e.data as { n: string }).n);
      expect(names('b--c', 'a')).toEqual(['b--c 1', 'b--c 2']);
      expect(names('c', 'a--b')).toEqual(['c 3']);
      expect(names('b', 'a')).toEqual(['b']);
      expect(names('a@b')).toEqual(['a@b']);
      expect(names('main')).toEqual(['main']);
      expect(names('co x')).toEqual(['co x']);
      const logged = (session: string, server: string | undefined, pane: string): string => readOutputRange(store.db, hostKey(session, server), pane, 0, 100).toString();
      expect(logged('b--c', 'a', '%0')).toBe('of b--c');
      expect(logged('c', 'a--b', '%0')).toBe('of c');
      expect(logged('b', 'a', '%1')).toBe('of b');
      expect(logged('a@b', undefined, '%2')).toBe('of a@b');
      expect(logged('co x', undefined, '%4')).toBe('of co x');
      expect(readHostLock(store.db, 'b--c', 'a')).toMatchObject({ pid: 4242 });
      // The new keys take new ids and rows as before.
      const writer = new EventWriter(store.db, hostKey('c', 'a--b'), { flushMs: 1000, maxRows: 1000, maxOutputText: 1000, onError });
      writer.append(output(4, 'c', '%0', 4, 'more'));
      writer.flush();
      expect(names('c', 'a--b')).toEqual(['c 3', undefined]);
    } finally {
      store.close();
    }
  });
});
