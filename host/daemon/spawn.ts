import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, packageRoot } from '../core/paths.js';
import { hostLogFor } from '../ipc/address.js';
import { describeSession } from '../core/hostIdentity.js';

/**
 * Starting and stopping a session's host from other commands (`picode up`, `picode down`).
 * Kept free of heavy imports: `up` calls this on its fast path.
 */

export interface StartHostOptions {
  readonly session: string;
  readonly tmuxSocket: string | undefined;
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** How a background host's start ended, as `picode up` reports it. */
export type HostStart =
  | { readonly state: 'ready'; readonly pid: number }
  | { readonly state: 'failed'; readonly message: string; readonly log: string }
  | { readonly state: 'slow'; readonly log: string };

export interface StartingHost {
  readonly pid: number | undefined;
  /** Settles once the host said it is ready (attached, extensions started), exited, or took longer than `readyTimeoutMs`. */
  readonly started: Promise<HostStart>;
}

/** The environment variable naming the file descriptor a background host says "ready" on. */
const READY_FD_VARIABLE = 'PICODE_HOST_READY_FD';

/**
 * Spawns `picode host --session S [--tmux-socket X]` detached from the caller (its own process
 * group, no terminal), with stdout and stderr appended to the host log. The ready handshake:
 * the host writes one line on an inherited pipe (fd 3) once it is attached and its
 * extensions started (`signalHostReady`); a host that exits first has failed, and what it
 * wrote to its log since this spawn is its error. A second host for a session that already
 * has one refuses to start (the lock).
 */
export function startHostInBackground(options: StartHostOptions & { readonly readyTimeoutMs?: number }): StartingHost {
  const env = options.env ?? process.env;
  const logPath = hostLogFor(options.session, options.tmuxSocket, env);
  ensurePrivateDir(dirname(logPath), env);
  ensurePrivateFile(logPath);
  const log = openSync(logPath, 'a', 0o600);
  let child: ChildProcess;
  const logStart = fstatSync(log).size;
  try {
    const args = [join(packageRoot(), 'bin', 'picode.js'), 'host', '--session', options.session];
    if (options.tmuxSocket) args.push('--tmux-socket', options.tmuxSocket);
    child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...env, PICODE_HOST_BACKGROUND: '1', [READY_FD_VARIABLE]: '3' },
      detached: true,
      stdio: ['ignore', log, log, 'pipe'],
    });
  } finally {
    closeSync(log);
  }
  // The host's error as the CLI printed it (`picode: ...` and its hint), else its last lines.
  const logSince = (): string => {
    try {
      const lines = readFileSync(logPath).subarray(logStart).toString('utf8').trim().split('\n');
      const error = lines.findIndex((line) => line.startsWith('picode: '));
      return (error >= 0 ? lines.slice(error) : lines.slice(-20)).join('\n');
    } catch {
      return '';
    }
  };
  const started = new Promise<HostStart>((resolve) => {
    const channel = child.stdio[3] as Readable | null;
    let settled = false;
    const settle = (result: HostStart): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      channel?.destroy();
      child.removeAllListeners('exit');
      child.unref();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ state: 'slow', log: logPath }), options.readyTimeoutMs ?? 30_000);
    channel?.on('error', () => undefined);
    channel?.on('data', () => settle({ state: 'ready', pid: child.pid! }));
    child.on('error', (error) => settle({ state: 'failed', message: error.message, log: logPath }));
    child.on('exit', (code, signal) => settle({
      state: 'failed', log: logPath,
      message: logSince() || `the host exited ${signal ? `on ${signal}` : `with code ${String(code)}`} before it was ready`,
    }));
  });
  return { pid: child.pid, started };
}

/**
 * The host's side of the handshake: takes the ready channel out of the environment at once
 * (so nothing the host starts inherits the variable) and returns the function that says
 * "ready" on it. A no-op outside `startHostInBackground`.
 */
export function takeReadySignal(env: NodeJS.ProcessEnv = process.env): () => void {
  const fd = Number(env[READY_FD_VARIABLE]);
  delete env[READY_FD_VARIABLE];
  if (!Number.isInteger(fd) || fd < 3) return () => undefined;
  return () => {
    try {
      writeSync(fd, 'ready\n');
      closeSync(fd);
    } catch {
      // The starter is gone (interrupted): nobody is waiting.
    }
  };
}

/**
 * Waits until the session's host answers on its socket (after `startHostInBackground`).
 * Resolves false when it did not within the time given.
 */
export async function waitForHost(session: string, tmuxSocket: string | undefined, timeoutMs = 5000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const { connectHost } = await import('../ipc/client.js');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const client = await connectHost(session, tmuxSocket, { env });
      try {
        await client.call('host.status');
        return true;
      } finally {
        client.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

/**
 * Stops the session's host: asks it over IPC (it records `session.stopped` and exits), and
 * when it does not answer, signals the PID recorded in its lock (SIGTERM, then SIGKILL after
 * 5 s). Resolves once no host process is left; resolves at once when none was running.
 */
export async function stopHost(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { connectHost } = await import('../ipc/client.js');
  let pid: number | undefined;
  try {
    const client = await connectHost(session, tmuxSocket, { env });
    try {
      const status = await client.call<{ pid: number }>('host.status');
      pid = status.pid;
      await client.call('host.stop', { reason: 'picode down' }).catch(() => undefined);
      await client.closed;
    } finally {
      client.close();
    }
  } catch {
    pid = await lockedPid(session, tmuxSocket, env);
    if (pid !== undefined) signal(pid, 'SIGTERM');
  }
  if (pid === undefined) return;
  if (await waitForExit(pid, 5000)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 2000))) {
    const { PicodeError } = await import('../core/errors.js');
    throw new PicodeError(`the picode host of session ${describeSession(session, tmuxSocket)} (pid ${pid}) did not exit`, {
      hint: `kill it by hand: kill -9 ${pid}`,
    });
  }
}

async function lockedPid(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const [{ openStore }, { databasePath }, { readHostLock }] = await Promise.all([
    import('../store/db.js'), import('../core/paths.js'), import('./lock.js'),
  ]);
  const store = openStore(databasePath(env));
  try {
    const lock = readHostLock(store.db, session, tmuxSocket);
    return lock && isAlive(lock.pid) ? lock.pid : undefined;
  } finally {
    store.close();
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try { process.kill(pid, name); } catch { /* already gone */ }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}
