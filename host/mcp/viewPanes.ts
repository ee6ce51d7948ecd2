import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { PaneInfo } from '../mux/types.js';

/** picode's own pane views: they show state and take single keys (`y` approves), so no agent may type into them. */
export const viewRoles = ['plan', 'agent', 'jobs', 'log'] as const;
export type ViewRole = (typeof viewRoles)[number];

/** `.../picode.js pane KIND` or `picode pane KIND`, each word possibly shell-quoted. */
const viewCommand = /(?:^|[\s/'])picode(?:\.js)?'?\s+'?pane'?\s+'?(plan|agent|jobs|log)(?=['\s]|$)/;

/**
 * The view a pane runs, when it runs one. A view is `picode pane KIND` (started by a layout
 * role or by hand), so its process's command line says so; reading it from the process (Linux
 * /proc, else ps) catches views however they were opened, which a layout's role would not.
 */
export async function viewRoleOf(pane: PaneInfo): Promise<ViewRole | undefined> {
  if (pane.pid === undefined || pane.dead) return undefined;
  const line = await commandLine(pane.pid);
  const match = line && viewCommand.exec(line);
  return match ? (match[1] as ViewRole) : undefined;
}

async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return new Promise((resolve) => {
      execFile('ps', ['-o', 'args=', '-p', String(pid)], (error, stdout) => resolve(error ? undefined : stdout.trim()));
    });
  }
}
