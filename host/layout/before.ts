import { spawn } from 'node:child_process';
import { PicodeError } from '../core/errors.js';
import { isDirectory } from './directories.js';
import type { SessionSpec } from './model.js';

/**
 * Runs a layout's `before` commands, in order, in the session's directory with its
 * environment, before the multiplexer is touched: a failing command aborts the launch and
 * leaves nothing half-built. Their output goes to stderr so `picode up --json` keeps a
 * clean stdout.
 */
export async function runBeforeCommands(spec: SessionSpec, env: NodeJS.ProcessEnv): Promise<void> {
  if (spec.before.length && !isDirectory(spec.cwd)) {
    throw new PicodeError(`${spec.source.file}: cannot run before[0] \`${spec.before[0]}\`: its directory (the session's cwd) does not exist: ${spec.cwd}; the session was not created`, {
      hint: 'fix the session\'s cwd (root / start_directory), or create the directory',
    });
  }
  for (const [i, command] of spec.before.entries()) {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        cwd: spec.cwd,
        env: { ...env, ...spec.env },
        stdio: ['inherit', process.stderr, process.stderr],
      });
      child.on('error', (error) => reject(new PicodeError(`${spec.source.file}: cannot run before[${i}] \`${command}\`: ${error.message}`, {
        hint: 'the before commands run with /bin/sh in the session\'s cwd: check both exist',
      })));
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    if (code !== 0) {
      throw new PicodeError(`${spec.source.file}: before[${i}] \`${command}\` failed with exit code ${code}; the session was not created`, {
        hint: 'fix the command (it runs with /bin/sh in the session\'s cwd), or remove it from the layout\'s `before` list',
      });
    }
  }
}
