import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliResult } from '../../support/cli.js';
import { createWorld } from '../../support/world.js';
import { startHostProcess, stopHostProcesses, type HostProcess } from '../../support/hostProcess.js';

export type { HostProcess };

export const root = resolve(__dirname, '..', '..', '..');
export const bin = join(root, 'bin', 'picode.js');
export const fixtureServer = join(root, 'tests', 'fixtures', 'mcp', 'server.mjs');

/**
 * A private world for the MCP suites, on the shared harness (tests/support/world.ts): its own
 * tmux server, PICODE_HOME and XDG_CONFIG_HOME, a project directory (whose picode config the
 * test writes), and the hosts it started. `dispose` stops only those, then the world.
 */
export interface McpWorld {
  readonly socket: string;
  readonly home: string;
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  tmux(...args: string[]): string;
  cli(args: string[], options?: { timeoutMs?: number; input?: string }): Promise<CliResult>;
  startHost(session: string): HostProcess;
  /** A tmux session with a plain bash pane named `name` (its pane id is returned). */
  newSession(session: string, name: string): string;
  /** Adds a pane running a command (a new window); returns its id. */
  newWindow(session: string, command: string, name?: string): string;
  dispose(): Promise<void>;
}

export function createMcpWorld(projectConfig: string): McpWorld {
  // The shared harness (tests/support/world.ts): temporary home, private tmux server, hermetic
  // environment, teardown of what it started. Provider keys of the caller are left out too.
  const world = createWorld();
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete world.env[k];
  const { socket, env, tmux } = world;
  const home = world.dir;
  const project = join(home, 'project');
  mkdirSync(project);
  mkdirSync(join(home, 'config', 'picode'), { recursive: true });
  env.XDG_CONFIG_HOME = join(home, 'config');
  // Shipped plugins gate with short deadlines; a loaded CI machine must not turn that into denials.
  writeFileSync(join(home, 'config', 'picode', 'config.yaml'), 'plugins:\n  defaults:\n    eventDeadlineMs: 10000\n    gateDeadlineMs: 10000\n');
  writeFileSync(join(project, 'picode.config.yaml'), projectConfig);
  const hosts: HostProcess[] = [];
  return {
    socket, home, project, env, tmux,
    cli: (args, options = {}) => world.cli(args, { cwd: project, input: options.input, timeoutMs: options.timeoutMs ?? 30_000 }),
    startHost(session) {
      const host = startHostProcess({ session, socket, cwd: project, env });
      hosts.push(host);
      return host;
    },
    newSession(session, name) {
      tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', '-c', project, 'env PS1="$ " bash --norc --noprofile -i');
      const pane = tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_id}').trim();
      tmux('set-option', '-p', '-t', pane, '@picode_name', name);
      return pane;
    },
    newWindow(session, command, name) {
      const pane = tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, '-c', project, command).trim();
      if (name) tmux('set-option', '-p', '-t', pane, '@picode_name', name);
      return pane;
    },
    async dispose() {
      await stopHostProcesses(hosts);
      await world.dispose();
    },
  };
}

import { until as hostUntil } from '../host/helpers.js';

/** The host suite's `until`, with a deadline generous enough for a loaded two-core machine. */
export function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return hostUntil(what, check, timeoutMs);
}

/** Waits until the host has started its MCP extension (its IPC method answers). */
export async function mcpReady(world: McpWorld, session: string): Promise<void> {
  const { connectHost } = await import('../../../host/ipc/client.js');
  await until(`the MCP extension of ${session}`, async () => {
    const client = await connectHost(session, world.socket, { env: world.env });
    try {
      await client.call('mcp.servers.list');
      return true;
    } finally {
      client.close();
    }
  }, 90_000);
}

/** Reads the text of a tool result from the SDK client. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.filter((c) => c.type === 'text').map((c) => c.text ?? '').join('\n');
}
