import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { PicodeError } from '../core/errors.js';

const run = promisify(execFile);

/**
 * Gives an agent run its own git worktree (`--worktree`): a branch `picode/agent-<run>`
 * checked out under `<repo>/.picode/worktrees/agent-<run>`, so several agents can edit the
 * same project at once without stepping on each other or on the person. The worktree is
 * kept after the run so its work can be reviewed and merged; `git worktree remove` drops it.
 */
export async function createWorktree(cwd: string, runId: number): Promise<{ path: string; branch: string }> {
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch {
    throw new PicodeError(`--worktree needs a git repository, and ${cwd} is not inside one`, {
      hint: 'run the agent from inside a git repository, or drop --worktree',
    });
  }
  const branch = `picode/agent-${runId}`;
  const path = join(top, '.picode', 'worktrees', `agent-${runId}`);
  if (existsSync(path)) return { path, branch }; // a resumed run reuses its worktree
  try {
    await run('git', ['worktree', 'add', '-b', branch, path, 'HEAD'], { cwd: top });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    throw new PicodeError(`cannot create a git worktree for agent run ${runId}: ${stderr}`, {
      hint: 'a repository needs at least one commit for a worktree; or remove a stale branch with `git branch -D ' + branch + '`',
    });
  }
  await excludeWorktrees(top);
  return { path, branch };
}

/** Keeps `.picode/` out of `git status` of the main checkout (in .git/info/exclude, never .gitignore). */
async function excludeWorktrees(top: string): Promise<void> {
  try {
    const common = (await run('git', ['rev-parse', '--git-common-dir'], { cwd: top })).stdout.trim();
    const info = join(isAbsolute(common) ? common : join(top, common), 'info');
    const exclude = join(info, 'exclude');
    const current = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
    if (current.split('\n').some((l) => l.trim() === '/.picode/')) return;
    mkdirSync(info, { recursive: true });
    appendFileSync(exclude, `${current && !current.endsWith('\n') ? '\n' : ''}/.picode/\n`);
  } catch {
    // Only cosmetic: the worktree works either way.
  }
}
