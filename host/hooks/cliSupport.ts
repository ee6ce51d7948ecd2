import { PicodeError } from '../core/errors.js';

/**
 * Small helpers shared by `picode hooks` and `picode emit`: parsing `--data JSON` and one call
 * to the host (the session is found by host/ipc/target.ts, as for every command).
 */

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
