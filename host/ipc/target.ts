import { execFile } from 'node:child_process';
import { PicodeError } from '../core/errors.js';
import { hostKey } from './address.js';

/**
 * Which session a CLI command means when it is not named: `--session`, else
 * PICODE_SESSION, else the tmux session the command runs in ($TMUX), else the only session
 * with a running host (or, for commands that read the store, with recorded events).
 */
export interface SessionTarget {
  readonly session: string;
  readonly tmuxSocket: string | undefined;
}

export async function resolveSessionTarget(options: {
  session: string | undefined;
  tmuxSocket: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Also consider sessions that only have recorded events (no running host). */
  includeStopped?: boolean;
}): Promise<SessionTarget> {
  const env = options.env ?? process.env;
  const tmuxSocket = options.tmuxSocket;
  if (options.session) return { session: options.session, tmuxSocket };
  if (env.PICODE_SESSION) return { session: env.PICODE_SESSION, tmuxSocket };
  if (env.TMUX && !tmuxSocket) {
    const current = await currentTmuxSession(env);
    if (current) return { session: current, tmuxSocket: socketNameOf(env.TMUX) };
  }
  const candidates = await knownSessions(tmuxSocket, env, options.includeStopped ?? false);
  if (candidates.length === 1) return { session: candidates[0]!, tmuxSocket };
  throw new PicodeError(
    candidates.length === 0
      ? `no picode host is running${tmuxSocket ? ` on tmux server ${tmuxSocket}` : ''}, and no session was named`
      : `several sessions have a picode host (${candidates.join(', ')}); which one?`,
    { hint: 'name it with --session NAME (or set PICODE_SESSION); start one with `picode up`' },
  );
}

/** `$TMUX` is `<socket path>,<pid>,<session index>`; the socket's file name is its -L name. */
export function socketNameOf(tmuxEnv: string): string | undefined {
  const path = tmuxEnv.split(',')[0] ?? '';
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name && name !== 'default' ? name : undefined;
}

function currentTmuxSession(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    // The session of this terminal's pane, named explicitly (not tmux's guess of a current client).
    const target = env.TMUX_PANE ? ['-t', env.TMUX_PANE] : [];
    execFile('tmux', ['display-message', '-p', ...target, '#S'], { env }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

async function knownSessions(tmuxSocket: string | undefined, env: NodeJS.ProcessEnv, includeStopped: boolean): Promise<string[]> {
  const [{ openStore }, { databasePath }] = await Promise.all([import('../store/db.js'), import('../core/paths.js')]);
  const store = openStore(databasePath(env));
  try {
    const rows = store.db.prepare('SELECT session, mux_socket FROM host_locks').all() as Array<{ session: string; mux_socket: string | null }>;
    const live = rows.filter((r) => (r.mux_socket ?? undefined) === tmuxSocket).map((r) => r.session);
    if (live.length || !includeStopped) return live;
    const keys = store.db.prepare('SELECT DISTINCT host_key, session FROM events').all() as Array<{ host_key: string; session: string }>;
    return keys.filter((k) => k.host_key === hostKey(k.session, tmuxSocket)).map((k) => k.session);
  } finally {
    store.close();
  }
}

/** Resolves the session and connects to its host (the common start of every pane command). */
export async function connectTarget(options: { session: string | undefined; tmuxSocket: string | undefined; env?: NodeJS.ProcessEnv }) {
  const target = await resolveSessionTarget(options);
  const { connectHost } = await import('./client.js');
  return { target, client: await connectHost(target.session, target.tmuxSocket, { env: options.env ?? process.env }) };
}
