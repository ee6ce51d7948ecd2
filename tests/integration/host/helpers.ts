import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { killTmuxServer } from '../../support/tmuxServer.js';
import { runPicode, type CliResult } from '../../support/cli.js';
import { expectPersistedEventsMatchCatalog } from '../../support/persistedEvents.js';
import { until as worldUntil } from '../../support/world.js';

/**
 * A private world for one test file: its own tmux server (`tmux -L picode-test-…`), its own
 * PICODE_HOME and XDG_CONFIG_HOME, and the host processes it started. `dispose` kills only
 * those.
 */
export const root = resolve(__dirname, '..', '..', '..');
export const bin = join(root, 'bin', 'picode.js');

export interface World {
  readonly socket: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  tmux(...args: string[]): string;
  startHost(session: string, extraEnv?: NodeJS.ProcessEnv): HostProcess;
  cli(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<CliResult>;
  dispose(): Promise<void>;
}

export interface HostProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

export type { CliResult };

/** `config` is written as the project config (.picoderc.json) of the directory hosts run in. */
export function createWorld(config?: Record<string, unknown>): World {
  const socket = `picode-test-${randomBytes(4).toString('hex')}`;
  const home = mkdtempSync(join(tmpdir(), 'picode-host-'));
  if (config) writeFileSync(join(home, '.picoderc.json'), JSON.stringify(config));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PICODE_HOME: join(home, 'state'),
    XDG_CONFIG_HOME: join(home, 'config'),
    PICODE_TMUX_SOCKET: socket,
    // The host's own behaviour is under test here; the extensions have their own suites.
    PICODE_HOST_NO_EXTENSIONS: '1',
  };
  delete env.TMUX;
  delete env.PICODE_SESSION;
  const hosts: HostProcess[] = [];

  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { env, encoding: 'utf8' });

  const startHost = (session: string, extraEnv: NodeJS.ProcessEnv = {}): HostProcess => {
    const child = spawn(process.execPath, [bin, 'host', '--session', session, '--tmux-socket', socket], {
      cwd: home, env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const host = { child, exited, stderr: () => stderr };
    hosts.push(host);
    return host;
  };

  const cli = (args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> =>
    runPicode(args, { cwd: home, env, input: options.input, timeoutMs: options.timeoutMs ?? 30_000 });

  const dispose = async (): Promise<void> => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGTERM');
    await Promise.all(hosts.map((h) => Promise.race([h.exited, new Promise((r) => setTimeout(r, 5000))])));
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    killTmuxServer(socket);
    try {
      expectPersistedEventsMatchCatalog(join(home, 'state'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };

  return { socket, home, env, tmux, startHost, cli, dispose };
}

/** The shared harness's `until` (tests/support/world.ts), with this suite's 15 s default. */
export function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  return worldUntil(what, check, timeoutMs);
}

/** Waits until the session's host answers `host.status`. */
export async function hostReady(world: World, session: string): Promise<{ pid: number }> {
  const { connectHost } = await import('../../../host/ipc/client.js');
  return until(`the host of ${session}`, async () => {
    const client = await connectHost(session, world.socket, { env: world.env });
    try {
      return await client.call<{ pid: number }>('host.status');
    } finally {
      client.close();
    }
  });
}

export interface EventRecord {
  id: number; type: string; pane?: string; paneName?: string; data: Record<string, unknown>;
}

/** The session's events as `picode events --since 0 --json` prints them. */
export async function events(world: World, session: string, extra: string[] = []): Promise<EventRecord[]> {
  const r = await world.cli(['events', '--session', session, '--since', '0', '--json', ...extra]);
  if (r.code !== 0) throw new Error(`picode events failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EventRecord);
}

/** A new tmux session running a plain interactive bash (no rc files, a fixed prompt). */
export function newSession(world: World, session: string, command = 'env PS1="$ " bash --norc --noprofile -i'): string {
  world.tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', command);
  return world.tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_id}').trim();
}

/** The bytes the session's host has seen from a pane (`panes.list`), -1 for a pane it does not list. */
export async function paneBytes(world: World, session: string, pane: string): Promise<number> {
  const { connectHost } = await import('../../../host/ipc/client.js');
  const client = await connectHost(session, world.socket, { env: world.env });
  try {
    const panes = await client.call<Array<{ id: string; bytes: number }>>('panes.list');
    return panes.find((p) => p.id === pane)?.bytes ?? -1;
  } finally {
    client.close();
  }
}

/** A process's resident memory (bytes). */
export function rss(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}
