import { hostLogPath, hostSocketPath } from '../core/paths.js';
import { hostFileStem } from '../core/hostIdentity.js';

/** Where a host's socket and log live (host/core/hostIdentity.ts names the host). */

export function hostSocketFor(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return hostSocketPath(hostFileStem(session, tmuxSocket), env);
}

export function hostLogFor(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return hostLogPath(hostFileStem(session, tmuxSocket), env);
}
