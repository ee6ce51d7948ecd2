import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { PicodeError } from '../core/errors.js';
import type { Database } from '../store/db.js';
import { hostLogFor } from '../ipc/address.js';
import { describeSession, hostKey } from '../core/hostIdentity.js';

/**
 * The single-host lock: one row in `host_locks` per session (and tmux server). Taking it is
 * one IMMEDIATE transaction, so two hosts starting at once cannot both win. A row whose PID
 * is dead (or now belongs to a process that is not picode) is stale and reclaimed.
 */
export interface HostLock {
  readonly session: string;
  readonly tmuxSocket: string | undefined;
  readonly pid: number;
  readonly hostname: string;
  readonly socketPath: string;
  readonly startedAt: number;
}

interface LockRow {
  session: string;
  mux_socket: string | null;
  pid: number;
  hostname: string;
  socket_path: string;
  started_at: number;
}

export function readHostLock(db: Database, session: string, tmuxSocket: string | undefined): HostLock | undefined {
  const row = db.prepare('SELECT * FROM host_locks WHERE host_key = ?').get(hostKey(session, tmuxSocket)) as LockRow | undefined;
  return row && toLock(row);
}

export function acquireHostLock(
  db: Database,
  options: { session: string; tmuxSocket: string | undefined; socketPath: string; pid?: number },
): HostLock {
  const key = hostKey(options.session, options.tmuxSocket);
  const pid = options.pid ?? process.pid;
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM host_locks WHERE host_key = ?').get(key) as LockRow | undefined;
    if (row && row.pid !== pid && isLiveHost(row)) {
      throw new PicodeError(
        `a picode host is already running for session ${describeSession(options.session, options.tmuxSocket)}: pid ${row.pid}, started ${new Date(row.started_at).toISOString()}, socket ${row.socket_path}`,
        { hint: `stop it with \`picode down\` (or \`kill ${row.pid}\`); its log is ${hostLogFor(options.session, options.tmuxSocket)}` },
      );
    }
    const lock: HostLock = {
      session: options.session, tmuxSocket: options.tmuxSocket, pid, hostname: hostname(),
      socketPath: options.socketPath, startedAt: Date.now(),
    };
    db.prepare(`INSERT OR REPLACE INTO host_locks (host_key, session, mux_socket, pid, hostname, socket_path, started_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(key, lock.session, lock.tmuxSocket ?? null, lock.pid, lock.hostname, lock.socketPath, lock.startedAt);
    return lock;
  }).immediate();
}

/** Releases the lock if this process still holds it. */
export function releaseHostLock(db: Database, session: string, tmuxSocket: string | undefined, pid = process.pid): void {
  db.prepare('DELETE FROM host_locks WHERE host_key = ? AND pid = ?').run(hostKey(session, tmuxSocket), pid);
}

function toLock(row: LockRow): HostLock {
  return {
    session: row.session, tmuxSocket: row.mux_socket ?? undefined, pid: row.pid, hostname: row.hostname,
    socketPath: row.socket_path, startedAt: row.started_at,
  };
}

/**
 * A lock is live when its PID exists on this machine and (where /proc tells) runs picode: a
 * PID reused by an unrelated process after a crash must not block the session forever.
 */
function isLiveHost(row: LockRow): boolean {
  if (row.hostname !== hostname()) return true; // another machine sharing the state dir: cannot check, trust it
  try {
    process.kill(row.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${row.pid}/cmdline`, 'utf8');
    return cmdline.includes('picode');
  } catch {
    return true; // no /proc (macOS): the PID exists, assume it is the host
  }
}
