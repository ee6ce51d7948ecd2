import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHost, type HostClient } from '../../../host/ipc/client.js';
import { killTmuxServer } from '../../support/tmuxServer.js';
import { expectPersistedEventsMatchCatalog } from '../../support/persistedEvents.js';

/**
 * A workspace for end-to-end hook tests: `picode up LAYOUT --detach` (compiled dist/) on a
 * private tmux server with PICODE_HOME and XDG_CONFIG_HOME in a fresh temp dir, a client on the
 * host's IPC socket once the hook engine answers, and a teardown that kills only that tmux
 * server and waits for the host to exit.
 */
export const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/picode.js');

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Workspace {
  readonly home: string;
  readonly project: string;
  readonly socket: string;
  readonly session: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs the CLI in the project directory against this workspace's tmux server. */
  picode(args: string[]): { status: number | null; stdout: string; stderr: string };
  /** Starts the session from a layout and connects once `hooks.list` answers (and, if asked, the watcher runs). */
  up(layout: string, options?: { waitForWatcher?: boolean }): Promise<HostClient>;
  dispose(): Promise<void>;
}

export function workspace(name: string, extraEnv: NodeJS.ProcessEnv = {}): Workspace {
  const home = mkdtempSync(join(tmpdir(), `picode-hooks-${name}-`));
  const socket = `picode-test-hooks-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), PICODE_TMUX_SOCKET: '', EDITOR: 'true', ...extraEnv,
  };
  const project = join(home, 'project');
  let client: HostClient | undefined;
  const self: Workspace = {
    home, project, socket, session: name, env,
    picode(args) {
      const r = spawnSync(process.execPath, [bin, '--tmux-socket', socket, ...args], { cwd: project, env, encoding: 'utf8', timeout: 30_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async up(layout, options = {}) {
      const up = self.picode(['up', layout, '--detach', '--session', name]);
      if (up.status !== 0) throw new Error(`picode up failed: ${up.stderr}`);
      client = await until('the host and its hook engine', async () => {
        try {
          const c = await connectHost(name, socket, { env });
          // The socket answers before the extensions have started: wait for hooks.list.
          const list = await c.call<{ watching: unknown }>('hooks.list').catch(() => undefined);
          if (list && (!options.waitForWatcher || list.watching)) return c;
          c.close();
        } catch { /* not up yet */ }
        return undefined;
      });
      return client;
    },
    async dispose() {
      client?.close();
      killTmuxServer(socket);
      // The host exits when its tmux server dies; wait until its socket stops answering.
      await until('the host to exit', async () => {
        try { (await connectHost(name, socket, { env })).close(); return undefined; } catch { return true; }
      }, 15_000).catch(() => {});
      try {
        expectPersistedEventsMatchCatalog(join(home, 'state'));
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
  return self;
}
