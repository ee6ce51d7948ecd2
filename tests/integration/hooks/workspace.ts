import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectHost, type HostClient } from '../../../host/ipc/client.js';
import { killTmuxServer } from '../../support/tmuxServer.js';
import { expectPersistedEventsMatchCatalog } from '../../support/persistedEvents.js';
import { picodeBin } from '../../support/cli.js';
import { createWorld, until as worldUntil } from '../../support/world.js';

/**
 * A workspace for end-to-end hook tests, on the shared harness (tests/support/world.ts: a
 * temporary home, a private tmux server, a hermetic environment): `picode up LAYOUT --detach`
 * (compiled dist/) from a project directory in that home, a client on the host's IPC socket
 * once the hook engine answers, and a teardown that checks the events the host persisted
 * before the world removes everything it started.
 */
export const root = join(import.meta.dirname, '../../..');

/** Polls until `probe` gives a value; hosts start slowly on a loaded machine, hence the deadline. */
export function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  return worldUntil(what, probe, timeoutMs);
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
  // bash, not the world's /bin/sh: `shellInit` panes need a shell with OSC 133 marks (and the
  // temporary HOME keeps the user's ~/.bashrc out).
  const world = createWorld({ env: { SHELL: '/bin/bash', EDITOR: 'true', ...extraEnv } });
  const { dir: home, socket, env } = world;
  const project = join(home, 'project');
  mkdirSync(project, { recursive: true });
  let client: HostClient | undefined;
  const self: Workspace = {
    home, project, socket, session: name, env,
    picode(args) {
      const r = spawnSync(process.execPath, [picodeBin, '--tmux-socket', socket, ...args], { cwd: project, env, encoding: 'utf8', timeout: 30_000 });
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
      killTmuxServer(socket, env);
      // The host exits when its tmux server dies; wait until its socket stops answering.
      await until('the host to exit', async () => {
        try { (await connectHost(name, socket, { env })).close(); return undefined; } catch { return true; }
      }, 15_000).catch(() => {});
      try {
        expectPersistedEventsMatchCatalog(join(home, 'state'));
      } finally {
        await world.dispose();
      }
    },
  };
  return self;
}
