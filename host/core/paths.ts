import { chmodSync, closeSync, mkdirSync, openSync, statSync, writeFileSync, type WriteFileOptions } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PicodeError } from './errors.js';

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
 * The host's IPC socket, from a file stem that names its (server, session) exactly
 * (host/ipc/address.ts: hostFileStem). Unix socket paths are limited to ~104-108 bytes, so a
 * stem that would make the path too long is replaced by its SHA-256 (no two stems share one).
 */
export function hostSocketPath(stem: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(stateDir(env), 'run');
  const full = join(dir, `${stem}.sock`);
  if (Buffer.byteLength(full) < 100) return full;
  return join(dir, `h-${createHash('sha256').update(stem).digest('hex').slice(0, 40)}.sock`);
}

export function hostLogPath(stem: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = Buffer.byteLength(stem) <= 200 ? stem : `h-${createHash('sha256').update(stem).digest('hex').slice(0, 40)}`;
  return join(stateDir(env), 'logs', `host-${name}.log`);
}

// ---------------------------------------------------------------------------------------------
// Private by construction: the state directory holds every pane's output and every text sent
// to panes, so what picode writes there is the user's alone (0700 directories, 0600 files),
// whatever the umask, and an existing directory with looser modes is tightened.
// ---------------------------------------------------------------------------------------------

/**
 * Creates `dir` (0700) and makes it, and every directory between the state directory and it,
 * private: tightened to 0700 when group or others have any access, refused with a message
 * when it belongs to another user. Returns `dir`.
 */
export function ensurePrivateDir(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const root = stateDir(env);
  const rel = relative(root, target);
  const chain = [target];
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
    for (let d = dirname(target); ; d = dirname(d)) {
      chain.push(d);
      if (d === root || d === dirname(d)) break;
    }
  }
  for (const d of chain.reverse()) makePrivate(d, 0o700);
  return target;
}

/** Writes a file with mode 0600 (also when it existed with looser modes), in a private directory. */
export function writePrivateFile(file: string, data: string | NodeJS.ArrayBufferView, env: NodeJS.ProcessEnv = process.env, options: WriteFileOptions = {}): void {
  ensurePrivateDir(dirname(file), env);
  writeFileSync(file, data, { ...(typeof options === 'object' ? options : { encoding: options }), mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Makes `file` 0600: created empty with that mode when missing (unless `create: false`),
 * tightened when it exists with looser modes. For files another library creates (SQLite).
 */
export function ensurePrivateFile(file: string, options: { create?: boolean } = {}): void {
  if (options.create !== false) {
    try {
      closeSync(openSync(file, 'a', 0o600));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw error;
    }
  }
  makePrivate(file, 0o600);
}

function makePrivate(path: string, mode: number): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // gone meanwhile: nothing to protect
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new PicodeError(`${path} belongs to another user (uid ${st.uid}; you are ${uid}), and picode keeps pane output and sent text there`, {
      hint: 'point PICODE_HOME (or XDG_STATE_HOME) at a directory of your own, or give this one to your user (chown)',
    });
  }
  if ((st.mode & 0o777) !== mode && (st.mode & 0o077) !== 0) {
    try {
      chmodSync(path, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EROFS') throw error;
    }
  }
}
