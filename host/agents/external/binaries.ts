import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { PicodeError } from '../../core/errors.js';

/**
 * Finds an agent's executable on the host's PATH (or a path given with `--with ./cmd`), so a
 * missing CLI is reported with its install command before a pane opens, instead of a pane
 * that flashes "command not found" and closes.
 */
export async function resolveBinary(name: string, install: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<string> {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : resolve(cwd, name)]
    : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  const found = firstExecutable(candidates);
  if (found) return found;
  throw new PicodeError(`${name}: not found${name.includes('/') ? '' : ' on PATH'}`, {
    hint: install ? `install it with: ${install}` : `check the command given to --with (it must be an executable${name.includes('/') ? '' : ' on PATH'})`,
  });
}

/** An executable named `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return firstExecutable((env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name)));
}

function firstExecutable(paths: readonly string[]): string | undefined {
  for (const path of paths) {
    try {
      if (statSync(path).isFile()) { accessSync(path, constants.X_OK); return path; }
    } catch {
      // not here
    }
  }
  return undefined;
}
