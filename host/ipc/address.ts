import { hostLogPath, hostSocketPath } from '../core/paths.js';

/**
 * A host is identified by its session name and the tmux server it attaches to: two servers
 * (`tmux -L a`, `tmux -L b`) may each have a session called `main`, and each gets its own host,
 * socket, log and lock.
 */
export function hostKey(session: string, tmuxSocket: string | undefined): string {
  return tmuxSocket ? `${tmuxSocket}--${session}` : session;
}

export function hostSocketFor(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return hostSocketPath(hostKey(session, tmuxSocket), env);
}

export function hostLogFor(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return hostLogPath(hostKey(session, tmuxSocket), env);
}

/** How a session is named in messages: `main` or `main (tmux -L work)`. */
export function describeSession(session: string, tmuxSocket: string | undefined): string {
  return tmuxSocket ? `"${session}" (tmux -L ${tmuxSocket})` : `"${session}"`;
}
