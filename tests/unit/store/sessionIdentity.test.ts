import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostSocketFor } from '../../../host/ipc/address.js';
import { hostFileStem } from '../../../host/core/hostIdentity.js';
import { openStore } from '../../../host/store/db.js';
import { migrations } from '../../../host/store/migrations/index.js';
import { findSessionRow, markStopped, recordLaunch, type LaunchRecord } from '../../../host/store/sessions.js';
import { IpcServer } from '../../../host/ipc/server.js';
import { connectHost } from '../../../host/ipc/client.js';

/** Issue 13 §3: sockets, logs and session rows come from the exact (tmux server, session) pair. */
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'picode-identity-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('host file names', () => {
  it('never give two (server, session) pairs the same socket', () => {
    const env = { PICODE_HOME: dir };
    expect(hostSocketFor('co x', undefined, env)).not.toBe(hostSocketFor('co_x', undefined, env));
    expect(hostSocketFor('b', 'a', env)).not.toBe(hostSocketFor('a@b', undefined, env));
    expect(hostSocketFor('b--c', 'a', env)).not.toBe(hostSocketFor('c', 'a--b', env));
    const long = 'x'.repeat(300);
    expect(hostSocketFor(long, undefined, env)).not.toBe(hostSocketFor(`${long}y`, undefined, env));
    expect(Buffer.byteLength(hostSocketFor(long, 'srv', env))).toBeLessThan(104);
    const pair = fc.tuple(fc.option(fc.string(), { nil: undefined }), fc.string());
    fc.assert(fc.property(pair, pair, ([s1, n1], [s2, n2]) => {
      if (s1 === s2 && n1 === n2) return true;
      return hostFileStem(n1, s1) !== hostFileStem(n2, s2);
    }), { numRuns: 2000 });
  });
});

describe('sessions table', () => {
  const launch: LaunchRecord = {
    session: 'main', mux: 'tmux', muxSocket: undefined, layoutName: 'dev', layoutPath: '/l.yaml', layoutJson: '{}',
    cwd: '/a', startedAt: 1, durationMs: 5, paneCount: 2, error: undefined,
  };

  it('keeps one row per (server, session): the same name on two servers is two sessions', () => {
    const store = openStore(join(dir, 'db'));
    try {
      recordLaunch(store.db, launch);
      recordLaunch(store.db, { ...launch, muxSocket: 'work', cwd: '/b', startedAt: 2 });
      expect(findSessionRow(store.db, 'main', '')).toMatchObject({ cwd: '/a', server: '' });
      expect(findSessionRow(store.db, 'main', 'work')).toMatchObject({ cwd: '/b', server: 'work', mux_socket: 'work' });
      expect(markStopped(store.db, 'main', 9, 'work')).toBe(true);
      expect(findSessionRow(store.db, 'main', '')!.stopped_at).toBeNull();
      expect(findSessionRow(store.db, 'main', 'work')!.stopped_at).toBe(9);
    } finally {
      store.close();
    }
  });

  it('migrates rows keyed by name only to (server, session)', () => {
    const path = join(dir, 'old.db');
    const old = openStore(path, migrations.filter((m) => m.version <= 6));
    old.db.prepare(`INSERT INTO sessions (name, mux, mux_socket, layout_name, layout_path, layout_json, cwd, created_at)
      VALUES ('main', 'tmux', 'work', 'dev', '/l', '{}', '/w', 1)`).run();
    old.close();
    const store = openStore(path);
    try {
      expect(findSessionRow(store.db, 'main', 'work')).toMatchObject({ server: 'work', cwd: '/w' });
      recordLaunch(store.db, launch);
      expect(findSessionRow(store.db, 'main', '')).toMatchObject({ cwd: '/a' });
    } finally {
      store.close();
    }
  });
});

describe('host identity', () => {
  it('a client refuses a host that is not the session it asked for', async () => {
    const server = new IpcServer(quiet);
    server.register('ping', () => 'pong');
    const real = join(dir, 'a.sock');
    await server.listen(real, { session: 'co x', tmuxSocket: undefined });
    try {
      const ok = await connectHost('co x', undefined, { socketPath: real });
      expect(await ok.call('ping')).toBe('pong');
      ok.close();
      // A socket path that points at another session's host (a stale file, a rename, a link).
      const wrong = join(dir, 'b.sock');
      symlinkSync(real, wrong);
      await expect(connectHost('co_x', undefined, { socketPath: wrong })).rejects.toThrow(
        `the socket ${wrong} is served by the host of session "co x", not "co_x": refusing to send it anything`,
      );
      await expect(connectHost('co x', 'other', { socketPath: wrong })).rejects.toThrow('not "co x" (tmux -L other)');
    } finally {
      await server.close();
    }
  });
});
