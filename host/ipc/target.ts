import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { PicodeError } from '../core/errors.js';
import { hostKey } from '../core/hostIdentity.js';

/**
 * The one way every command finds the session it means (panes, capture, events, send, run,
 * keys, ask --pane, plan, agent, hooks --host, emit, the pane views):
 *
 *   1. `--session NAME` (or PICODE_SESSION) when given: the person said so;
 *   2. inside tmux, the session of the pane the command runs in ($TMUX_PANE on $TMUX's server,
 *      named explicitly: never whatever tmux would pick as "current");
 *   3. else the only session with a running host (or, for commands that read the store, with
 *      recorded events); `down` takes the only running session picode launched, `freeze` the
 *      only session on the server (both through `sessionOfThisTerminal` for rule 2).
 *
 * The tmux server is `--tmux-socket` / PICODE_TMUX_SOCKET, else the one $TMUX names.
 */
export interface SessionTarget {
  readonly session: string;
  readonly tmuxSocket: string | undefined;
}

export interface TargetOptions {
  readonly session: string | undefined;
  readonly tmuxSocket: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Also consider sessions that only have recorded events (no running host). */
  readonly includeStopped?: boolean;
}

/** Resolves the session, or explains why none could be chosen. */
export async function resolveSessionTarget(options: TargetOptions & { command?: string }): Promise<SessionTarget> {
  const env = options.env ?? process.env;
  const found = await findSessionTarget(options);
  if (found.target) return found.target;
  const { candidates } = found;
  const tmuxSocket = options.tmuxSocket ?? tmuxSocketFromEnv(env);
  const prefix = options.command ? `${options.command}: ` : '';
  throw new PicodeError(
    candidates.length === 0
      ? `${prefix}which session? none was named, this terminal is not inside a tmux session, and no picode host is running${tmuxSocket ? ` on tmux server ${tmuxSocket}` : ''}`
      : `${prefix}several sessions have a picode host (${candidates.join(', ')}); which one?`,
    { hint: 'name it with --session NAME (see `picode ls`; or set PICODE_SESSION), run the command inside the session, or start one with `picode up`' },
  );
}

/** Like resolveSessionTarget, for commands that also work without a session (`ask`, `plan`, `agent`). */
export async function optionalSessionTarget(options: TargetOptions): Promise<SessionTarget | undefined> {
  return (await findSessionTarget(options)).target;
}

async function findSessionTarget(options: TargetOptions): Promise<{ target?: SessionTarget; candidates: string[] }> {
  const env = options.env ?? process.env;
  const fromEnv = tmuxSocketFromEnv(env);
  const tmuxSocket = options.tmuxSocket ?? fromEnv;
  const named = options.session || env.PICODE_SESSION;
  if (named) return { target: { session: named, tmuxSocket }, candidates: [] };
  const current = await sessionOfThisTerminal(tmuxSocket, env);
  if (current) return { target: { session: current, tmuxSocket }, candidates: [] };
  const candidates = await knownSessions(tmuxSocket, env, options.includeStopped ?? false);
  return candidates.length === 1 ? { target: { session: candidates[0]!, tmuxSocket }, candidates } : { candidates };
}

/**
 * The private tmux server (`-L NAME`) this process runs under, from $TMUX
 * (`/tmp/tmux-UID/NAME,PID,INDEX`); the default server (`default`) needs no name.
 */
export function tmuxSocketFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.TMUX?.split(',')[0];
  if (!path) return undefined;
  const name = basename(path);
  return name && name !== 'default' ? name : undefined;
}

/**
 * Rule 2 alone, for the commands whose third rule differs (`down`: the only running session
 * picode launched; `freeze`: the only session on the server): inside tmux, and talking about
 * the server this terminal is on, the session of the pane this process runs in.
 */
export async function sessionOfThisTerminal(tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (!env.TMUX || tmuxSocket !== tmuxSocketFromEnv(env)) return undefined;
  return currentTmuxSession(env);
}

/** The session of the pane this process runs in, asked of $TMUX's server by the pane's id. */
function currentTmuxSession(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const socketPath = env.TMUX?.split(',')[0];
  if (!socketPath) return Promise.resolve(undefined);
  const target = env.TMUX_PANE ? ['-t', env.TMUX_PANE] : [];
  return new Promise((resolve) => {
    execFile('tmux', ['-S', socketPath, 'display-message', '-p', ...target, '#{session_name}'], { env, timeout: 5000 },
      (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
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
export async function connectTarget(options: TargetOptions & { command?: string }) {
  const target = await resolveSessionTarget(options);
  const { connectHost } = await import('./client.js');
  return { target, client: await connectHost(target.session, target.tmuxSocket, { env: options.env ?? process.env }) };
}
