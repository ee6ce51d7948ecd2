import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, packageRoot } from '../core/paths.js';
import { describeSession, hostLogFor } from '../ipc/address.js';

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

/**
 * Spawns `picode host --session S [--tmux-socket X]` detached from the caller (its own process
 * group, no terminal), with stdout and stderr appended to the host log, and returns at once.
 * A second host for a session that already has one refuses to start (the lock), so calling this
 * twice is harmless.
 */
export function startHostInBackground(options: StartHostOptions): void {
  const env = options.env ?? process.env;
  const logPath = hostLogFor(options.session, options.tmuxSocket, env);
  ensurePrivateDir(dirname(logPath), env);
  ensurePrivateFile(logPath);
  const log = openSync(logPath, 'a', 0o600);
  try {
    const args = [join(packageRoot(), 'bin', 'picode.js'), 'host', '--session', options.session];
    if (options.tmuxSocket) args.push('--tmux-socket', options.tmuxSocket);
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...env, PICODE_HOST_BACKGROUND: '1' },
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
  } finally {
    closeSync(log);
  }
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
