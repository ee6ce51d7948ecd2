import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openStore, type Store } from '../../../host/store/db.js';
import { acquireHostLock, readHostLock, releaseHostLock } from '../../../host/daemon/lock.js';
import { LineReader, parseMessage, isRequest, isNotification, isResponse } from '../../../host/ipc/protocol.js';
import { IpcServer } from '../../../host/ipc/server.js';
import { connectHost } from '../../../host/ipc/client.js';
import { PicodeError } from '../../../host/core/errors.js';
import { shellInitCommand, shellKind } from '../../../host/mux/shellInit.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('single-host lock', () => {
  let dir: string;
  let store: Store;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'picode-lock-'));
    store = openStore(join(dir, 'db'));
  });

  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes, reads and releases the lock per session and tmux server', () => {
    const lock = acquireHostLock(store.db, { session: 'a', tmuxSocket: 'x', socketPath: '/s' });
    expect(lock).toMatchObject({ session: 'a', tmuxSocket: 'x', pid: process.pid, socketPath: '/s' });
    expect(readHostLock(store.db, 'a', 'x')?.pid).toBe(process.pid);
    // Another server's session of the same name is another lock.
    expect(readHostLock(store.db, 'a', undefined)).toBeUndefined();
    releaseHostLock(store.db, 'a', 'x');
    expect(readHostLock(store.db, 'a', 'x')).toBeUndefined();
  });

  it('reclaims a lock whose process is dead', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    acquireHostLock(store.db, { session: 'a', tmuxSocket: undefined, socketPath: '/s', pid: child.pid! });
    const mine = acquireHostLock(store.db, { session: 'a', tmuxSocket: undefined, socketPath: '/t' });
    expect(mine.pid).toBe(process.pid);
  });

  it('reclaims a lock whose PID now runs something that is not picode', () => {
    const sleeper = spawn('sleep', ['30']);
    children.push(sleeper);
    acquireHostLock(store.db, { session: 'a', tmuxSocket: undefined, socketPath: '/s', pid: sleeper.pid! });
    expect(acquireHostLock(store.db, { session: 'a', tmuxSocket: undefined, socketPath: '/t' }).pid).toBe(process.pid);
  });

  it('refuses while a live picode host holds it, naming it', () => {
    // A process whose command line says picode, as a real host's does.
    const host = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'picode', 'host']);
    children.push(host);
    acquireHostLock(store.db, { session: 'a', tmuxSocket: 'x', socketPath: '/s', pid: host.pid! });
    let error: unknown;
    try {
      acquireHostLock(store.db, { session: 'a', tmuxSocket: 'x', socketPath: '/t' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PicodeError);
    expect((error as PicodeError).message).toContain(`a picode host is already running for session "a" (tmux -L x): pid ${host.pid}`);
    expect((error as PicodeError).hint).toContain('picode down');
  });
});

describe('IPC protocol', () => {
  it('splits lines however the stream is cut, multi-byte characters included', () => {
    const messages = ['{"jsonrpc":"2.0","id":1,"method":"a","params":{"t":"é€😀"}}', '{"jsonrpc":"2.0","method":"n"}', '{"jsonrpc":"2.0","id":1,"result":null}'];
    const stream = Buffer.from(messages.join('\n') + '\n');
    fc.assert(fc.property(fc.array(fc.nat(stream.length), { maxLength: 8 }), (cuts) => {
      const lines: string[] = [];
      const reader = new LineReader((l) => lines.push(l));
      let last = 0;
      for (const c of [...new Set(cuts)].sort((a, b) => a - b)) { reader.push(stream.subarray(last, c)); last = c; }
      reader.push(stream.subarray(last));
      expect(lines).toEqual(messages);
    }));
  });

  it('refuses a line over the limit', () => {
    const reader = new LineReader(() => {}, 10);
    expect(reader.push(Buffer.from('0123456789abc'))).toBe(false);
  });

  it('classifies messages', () => {
    const req = parseMessage('{"jsonrpc":"2.0","id":3,"method":"m"}')!;
    const note = parseMessage('{"jsonrpc":"2.0","method":"m"}')!;
    const res = parseMessage('{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"x"}}')!;
    expect([isRequest(req), isNotification(req), isResponse(req)]).toEqual([true, false, false]);
    expect([isRequest(note), isNotification(note), isResponse(note)]).toEqual([false, true, false]);
    expect([isRequest(res), isNotification(res), isResponse(res)]).toEqual([false, false, true]);
    expect(parseMessage('[1]')).toBeUndefined();
    expect(parseMessage('{"id":1}')).toBeUndefined();
  });
});

describe('IPC server and client', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'picode-ipc-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves on a 0600 socket; user errors keep their hint; unknown methods are named', async () => {
    const server = new IpcServer(quiet);
    server.register('math.add', (p) => (p as { a: number; b: number }).a + (p as { a: number; b: number }).b);
    server.register('fail.user', () => { throw new PicodeError('no such pane "x"', { hint: 'try picode panes' }); });
    const path = join(dir, 'run', 's.sock');
    await server.listen(path);
    try {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
      const client = await connectHost('s', undefined, { socketPath: path });
      expect(await client.call('math.add', { a: 2, b: 3 })).toBe(5);
      await expect(client.call('fail.user')).rejects.toMatchObject({ message: 'no such pane "x"', hint: 'try picode panes' });
      await expect(client.call('nope.nope')).rejects.toThrow('the host does not offer `nope.nope`');
      client.close();
    } finally {
      await server.close();
    }
  });

  it('replaces a stale socket file, and refuses a live one', async () => {
    const path = join(dir, 's.sock');
    const first = new IpcServer(quiet);
    await first.listen(path);
    await expect(new IpcServer(quiet).listen(path)).rejects.toThrow('another process is serving the socket');
    await first.close();
    // A file left behind (as after SIGKILL) is not a live server.
    const stale = new IpcServer(quiet);
    await stale.listen(path);
    await stale.close();
  });

  it('says clearly that no host runs for a session', async () => {
    await expect(connectHost('ghost', 'sock', { socketPath: join(dir, 'none.sock') })).rejects.toMatchObject({
      message: 'no picode host is running for session "ghost" (tmux -L sock)',
      exitCode: 69,
    });
  });
});

describe('shell init', () => {
  it('starts supported shells with the marks after the user rc file', () => {
    const env = { PICODE_HOME: mkdtempSync(join(tmpdir(), 'picode-shell-')) };
    const bash = shellInitCommand('/bin/bash', env)!;
    expect(bash.slice(0, 2)).toEqual(['/bin/bash', '--rcfile']);
    const rc = readFileSync(bash[2]!, 'utf8');
    expect(rc.indexOf('~/.bashrc')).toBeLessThan(rc.indexOf('133;C'));
    expect(shellInitCommand('fish', env)).toEqual(['fish', '-i', '--init-command', expect.stringContaining('picode.fish')]);
    expect(shellInitCommand('zsh', env)![0]).toBe('env');
    expect(shellInitCommand('dash', env)).toBeUndefined();
    expect(shellKind('/usr/bin/zsh -l')).toBe('zsh');
    rmSync(env.PICODE_HOME, { recursive: true, force: true });
  });
});

describe('session target', () => {
  it('reads the tmux server name from $TMUX', async () => {
    const { tmuxSocketFromEnv } = await import('../../../host/ipc/target.js');
    expect(tmuxSocketFromEnv({ TMUX: '/tmp/tmux-1000/default,1234,0' })).toBeUndefined();
    expect(tmuxSocketFromEnv({ TMUX: '/tmp/tmux-1000/work,1234,3' })).toBe('work');
    expect(tmuxSocketFromEnv({})).toBeUndefined();
  });
});
