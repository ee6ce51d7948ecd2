import type { Command } from 'commander';
import { PicodeError } from '../core/errors.js';
import { globalOptions } from './globals.js';
import type { AgentsClient } from '../agents/client.js';

/**
 * Helpers the CLI commands share: one call to a session's host, the agents client, reading
 * `--data JSON` and numbers, and a sub-command's options merged with its parent's. The session
 * itself is found by host/ipc/target.ts, as for every command.
 */

/** One IPC call to the session's host on a connection opened and closed around it. */
export async function callHost<T>(session: string, tmuxSocket: string | undefined, method: string, params: unknown): Promise<T> {
  const { connectHost } = await import('../ipc/client.js');
  const client = await connectHost(session, tmuxSocket);
  try {
    return await client.call<T>(method, params);
  } finally {
    client.close();
  }
}

/** What `picode plan`, `picode agent` and `picode jobs` share: the agents client, opened and closed around `body`. */
export async function withAgentsClient<T = void>(cmd: Command, session: string | undefined, body: (client: AgentsClient) => Promise<T>, requireHost = false): Promise<T> {
  const { tmuxSocket } = globalOptions(cmd);
  const { openAgentsClient } = await import('../agents/client.js');
  const client = await openAgentsClient({ session, tmuxSocket, cwd: process.cwd(), requireHost });
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** Options given to a sub-command, with the parent's same-named options (commander gives those to the parent). */
export function withParent<T extends object>(cmd: Command, opts: T): T {
  const parent = cmd.parent?.opts() ?? {};
  const own = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  return { ...parent, ...own } as T;
}

export function parseDataOption(text: string | undefined, flag = '--data'): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PicodeError(`${flag}: not valid JSON: ${(error as Error).message}`, {
      hint: `quote the JSON for your shell, e.g. ${flag} '{"path":"src/a.ts"}'`,
    });
  }
}

export function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new PicodeError(`${what}: expected a positive whole number, got "${text}"`);
  return n;
}

export function positiveNumber(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new PicodeError(`${what}: expected a positive number, got "${text}"`);
  return n;
}
