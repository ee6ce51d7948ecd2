// git-context: the repository's state as context for plans, agents and `picode ask`:
// branch and tracking, staged / unstaged / untracked files, a diff summary, recent commits.
// It reads the repository through the narrow `git` capability (fixed read-only queries run by
// the host under the granted roots), not through fs-read of .git.
import * as git from 'picode:plugin/git@0.1.0';
import * as log from 'picode:plugin/log@0.1.0';
import { contextItem, describe, trimToBudget } from '@picode/sdk';
import { diffText, logText, parseLog, parseNumstat, parseStatus, statusText } from './summarise.js';

function repoOf(targets) {
  // A target ending in "/" (or ".") names the repository directory; default: the first root.
  const dir = (targets ?? []).find((t) => t === '.' || t.endsWith('/'));
  return dir ?? '';
}

function snapshot(repo) {
  const status = parseStatus(git.status(repo));
  const staged = parseNumstat(git.diffStat(repo, true));
  const unstaged = parseNumstat(git.diffStat(repo, false));
  const commits = parseLog(git.log(repo, 10));
  return { status, staged, unstaged, commits };
}

export const guest = {
  describe() {
    return describe({
      name: 'git-context',
      version: '0.1.0',
      summary: 'Branch, status, diff summary and recent commits of the repository.',
      contextProviders: ['git'],
      tools: [{
        name: 'git_status',
        description: 'The repository state: branch, upstream, ahead/behind, staged/unstaged/untracked files, diff line counts, last commits.',
        inputSchema: { type: 'object', properties: { repo: { type: 'string', description: 'repository directory inside the session root (default: the root)' } } },
      }],
    });
  },

  onEvent() {
    return [];
  },

  gatherContext(request) {
    let snap;
    try {
      snap = snapshot(repoOf(request.targets));
    } catch (error) {
      // Not a repository (or git missing): nothing to offer, not an error for the caller.
      log.write('debug', `no git context: ${error}`);
      return [];
    }
    const items = [
      contextItem('git-context:status', 'git status', statusText(snap.status), 70),
      contextItem('git-context:diff', 'git diff summary', diffText(snap.staged, snap.unstaged), 60),
      contextItem('git-context:log', 'recent commits', logText(snap.commits), 40),
    ];
    return trimToBudget(items, request.tokenBudget);
  },

  callTool(name, args) {
    if (name !== 'git_status') throw `unknown tool ${name}`;
    let repo = '';
    try { repo = JSON.parse(args || '{}').repo ?? ''; } catch { throw 'arguments must be JSON'; }
    const snap = snapshot(repo);
    return JSON.stringify({
      branch: snap.status.branch, upstream: snap.status.upstream, ahead: snap.status.ahead, behind: snap.status.behind,
      staged: snap.staged, unstaged: snap.unstaged, untracked: snap.status.untracked, conflicts: snap.status.conflicts,
      commits: snap.commits,
    });
  },
};
