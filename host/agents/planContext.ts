import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PlanContextItem } from '../../src/plans/generate.js';

const run = promisify(execFile);

/**
 * The context a plan is written from: what a developer looks at first in a project (its
 * files, README, build manifest, git state) and, inside the host, the recent output of the
 * session's panes (a failing test run is often the reason for the task). Each source is
 * capped so that no single one crowds out the others.
 */
export async function gatherPlanContext(options: {
  cwd: string;
  /** Context only the host has (panes' output, plugins' context), for this task. */
  host?: ((task: string) => Promise<PlanContextItem[]>) | undefined;
  task: string;
  signal?: AbortSignal | undefined;
}): Promise<PlanContextItem[]> {
  const items: PlanContextItem[] = [];
  const { cwd } = options;
  const git = await gitContext(cwd, options.signal);
  items.push(...git);
  const files = listFiles(cwd, 300);
  if (files.length) items.push({ source: 'files', text: files.join('\n') });
  for (const name of ['package.json', 'Makefile', 'pyproject.toml', 'Cargo.toml', 'go.mod']) {
    const text = readCapped(join(cwd, name), 4000);
    if (text) items.push({ source: `file:${name}`, text });
  }
  const readme = ['README.md', 'README', 'readme.md'].map((n) => readCapped(join(cwd, n), 3000)).find(Boolean);
  if (readme) items.push({ source: 'file:README', text: readme });
  if (options.host) items.push(...(await options.host(options.task)));
  return items;
}

async function gitContext(cwd: string, signal: AbortSignal | undefined): Promise<PlanContextItem[]> {
  try {
    const status = await run('git', ['status', '--short', '--branch'], { cwd, signal, maxBuffer: 1 << 20 });
    const log = await run('git', ['log', '--oneline', '-10'], { cwd, signal }).catch(() => ({ stdout: '' }));
    return [{ source: 'git:status', text: `${status.stdout.slice(0, 4000)}\nrecent commits:\n${log.stdout}` }];
  } catch {
    return [];
  }
}

function listFiles(root: string, max: number): string[] {
  const out: string[] = [];
  const skip = new Set(['.git', 'node_modules', 'dist', 'build', 'target', '.venv', '__pycache__', '.picode']);
  const queue = [''];
  while (queue.length && out.length < max) {
    const dir = queue.shift()!;
    let entries;
    try { entries = readdirSync(join(root, dir), { withFileTypes: true }); } catch { continue; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (skip.has(e.name)) continue;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) queue.push(rel);
      else if (out.length < max) out.push(rel);
    }
  }
  return out;
}

function readCapped(path: string, max: number): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const text = readFileSync(path, 'utf8');
    return text.length > max ? `${text.slice(0, max)}\n[...cut]` : text;
  } catch {
    return undefined;
  }
}
