import { execFileSync } from 'node:child_process';
import { PicodeError } from '../core/errors.js';

/**
 * Small helpers shared by `picode hooks` and `picode emit`: which session a command talks to,
 * and parsing `--data JSON`.
 */

/** `--session`, else PICODE_SESSION, else the tmux session this terminal is in ($TMUX). */
export function sessionFor(option: string | undefined, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option) return option;
  if (env.PICODE_SESSION) return env.PICODE_SESSION;
  if (env.TMUX) {
    try {
      // The session of this terminal's pane, named explicitly (not tmux's guess of a current client).
      const args = [...(tmuxSocket ? ['-L', tmuxSocket] : []), 'display-message', '-p', ...(env.TMUX_PANE ? ['-t', env.TMUX_PANE] : []), '#S'];
      const name = execFileSync('tmux', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
      if (name) return name;
    } catch {
      // Not reachable: fall through to "no session".
    }
  }
  return undefined;
}

export function requireSession(option: string | undefined, tmuxSocket: string | undefined, command: string): string {
  const session = sessionFor(option, tmuxSocket);
  if (!session) {
    throw new PicodeError(`${command}: which session? none was named and this terminal is not inside tmux`, {
      hint: `pass --session NAME (see \`picode ls\`), or set PICODE_SESSION`,
    });
  }
  return session;
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
