import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every place picode reads or writes on disk is named here, so tests and benchmarks can
 * redirect all of it with PICODE_HOME (state) and XDG_CONFIG_HOME (user config).
 */

/** The installed picode package root (works from `host/` sources and from `dist/host/`). */
export function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // here = <root>/host/core/ or <root>/dist/host/core/
  const up = resolve(here, '..', '..');
  return up.endsWith('/dist') || up.endsWith('\\dist') ? resolve(up, '..') : up;
}

/** State directory: PICODE_HOME, else $XDG_STATE_HOME/picode, else ~/.local/state/picode. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PICODE_HOME) return resolve(env.PICODE_HOME);
  const xdgState = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(xdgState, 'picode');
}

/** User-level config directory: $XDG_CONFIG_HOME/picode, else ~/.config/picode. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdgConfig = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(xdgConfig, 'picode');
}

export function userLayoutsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), 'layouts');
}

export function shippedLayoutsDir(): string {
  return join(packageRoot(), 'layouts');
}

export function shippedConfigDir(): string {
  return join(packageRoot(), 'config');
}

export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'picode.db');
}

/** Cache of derived artefacts (normalised layouts, transpiled plugins); safe to delete. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'cache');
}

/**
 * The host's IPC socket for a session. Unix socket paths are limited to ~104-108 bytes,
 * so the session name is hashed when the full path would be too long.
 */
export function hostSocketPath(session: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(stateDir(env), 'run');
  const safe = session.replace(/[^A-Za-z0-9_.-]/g, '_');
  const full = join(dir, `${safe}.sock`);
  if (Buffer.byteLength(full) < 100) return full;
  let hash = 0;
  for (const ch of session) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return join(dir, `s${(hash >>> 0).toString(36)}.sock`);
}

export function hostLogPath(session: string, env: NodeJS.ProcessEnv = process.env): string {
  const safe = session.replace(/[^A-Za-z0-9_.-]/g, '_');
  return join(stateDir(env), 'logs', `host-${safe}.log`);
}
