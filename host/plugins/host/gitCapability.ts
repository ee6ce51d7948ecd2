import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolveInRoots } from './fsSandbox.js';

/**
 * The `git` capability: three read-only queries, run by the host inside a granted root.
 * Reading `.git` through fs-read would need zlib, pack files and index parsing inside the
 * plugin; this is narrower (fixed argument lists, no pathspecs from the plugin) and runs
 * nothing the repository could configure: no fsmonitor, no external diff, no textconv, no
 * pager, no optional locks (status must not rewrite the index behind the user).
 */

const baseArgs = ['--no-pager', '-c', 'core.fsmonitor=false', '-c', 'core.pager=cat', '-c', 'diff.external=', '-c', 'color.ui=false'];

function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    LANG: 'C',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
  };
}

function runGit(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...baseArgs, ...args], { cwd, env: gitEnv(), timeout: 10_000, maxBuffer: 4 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim().split('\n')[0] ?? 'git failed'));
      else resolve(stdout);
    });
  });
}

function repoDir(roots: readonly string[], repo: string): string {
  const dir = resolveInRoots(roots, repo === '' ? '.' : repo);
  if (!statSync(dir).isDirectory()) throw new Error(`${repo} is not a directory`);
  return dir;
}

export async function gitStatus(roots: readonly string[], repo: string): Promise<string> {
  return runGit(repoDir(roots, repo), ['status', '--porcelain=v2', '--branch', '--untracked-files=normal']);
}

export async function gitDiffStat(roots: readonly string[], repo: string, staged: boolean): Promise<string> {
  return runGit(repoDir(roots, repo), ['diff', '--numstat', '--no-ext-diff', '--no-textconv', ...(staged ? ['--cached'] : [])]);
}

export async function gitLog(roots: readonly string[], repo: string, count: number): Promise<string> {
  const n = Math.max(1, Math.min(200, Math.floor(count) || 10));
  try {
    return await runGit(repoDir(roots, repo), ['log', `-n${n}`, '--no-show-signature', '--format=%h%x09%an%x09%at%x09%s']);
  } catch (error) {
    // A repository without commits yet has no log: that is not an error for the plugin.
    if (/does not have any commits|bad default revision/.test((error as Error).message)) return '';
    throw error;
  }
}
