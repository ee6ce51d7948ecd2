import type { Command } from 'commander';
import { PicodeError } from '../core/errors.js';
import { globalOptions } from '../cli/globals.js';
import type { AgentsClient } from './client.js';

/** What `picode plan`, `picode agent` and `picode jobs` share: the client, and reading numbers. */
export async function withAgentsClient<T = void>(cmd: Command, session: string | undefined, body: (client: AgentsClient) => Promise<T>, requireHost = false): Promise<T> {
  const { tmuxSocket } = globalOptions(cmd);
  const { openAgentsClient } = await import('./client.js');
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
