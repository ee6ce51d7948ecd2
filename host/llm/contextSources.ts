import { readFile, stat } from 'node:fs/promises';
import { resolve, relative } from 'node:path';
import { PicodeError } from '../core/errors.js';
import { hostKey } from '../core/hostIdentity.js';
import type { Database } from '../store/db.js';
import type { Multiplexer, PaneInfo } from '../mux/types.js';
import type { FailedCommand } from '../../src/context/sources.js';

/**
 * The host-side readers behind the built-in context sources (src/context/sources.ts): files
 * from disk, panes from the multiplexer, the last failed command from the host's event log
 * (`command.finished` events in the `events` table, written by a running host).
 */

/** Files larger than this are refused: a context item is meant to be read by a model, not a dump. */
const maxFileBytes = 1024 * 1024;

export function fileReader(cwd: string): (path: string) => Promise<string> {
  return async (path) => {
    const full = resolve(cwd, path);
    let info;
    try {
      info = await stat(full);
    } catch {
      throw new PicodeError(`--file ${path}: no such file`, { hint: `check the path (relative to ${cwd})` });
    }
    if (!info.isFile()) throw new PicodeError(`--file ${path}: not a regular file`, { hint: 'name a file, not a directory' });
    if (info.size > maxFileBytes) {
      throw new PicodeError(`--file ${path}: ${info.size} bytes is more than the ${maxFileBytes} picode sends`, { hint: 'name a smaller file, or the part that matters' });
    }
    const data = await readFile(full);
    if (data.includes(0)) throw new PicodeError(`--file ${path}: looks binary (it contains NUL bytes)`, { hint: 'name a text file' });
    return data.toString('utf8');
  };
}

/** Shows paths relative to cwd in sources, so the model and the record never see the home directory layout. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel.startsWith('..') ? resolve(cwd, path) : rel;
}

/**
 * Finds a pane: a multiplexer id (`%3`) or target is used as given; a bare name is looked up
 * among the session's panes (layout names).
 */
export async function resolvePane(mux: Multiplexer, pane: string, session: string | undefined): Promise<{ id: string; label: string }> {
  if (/^%\d+$/.test(pane) || pane.includes(':') || !session) return { id: pane, label: pane };
  let panes: PaneInfo[];
  try {
    panes = await mux.listPanes(session);
  } catch (error) {
    throw new PicodeError(`--pane ${pane}: cannot list the panes of session ${session}: ${(error as Error).message}`, {
      hint: 'name the pane by id (%3) or as session:window.pane',
    });
  }
  const found = panes.find((p) => p.name === pane || p.id === pane) ?? panes.find((p) => String(p.index) === pane);
  if (!found) {
    const names = panes.map((p) => p.name ?? p.id).join(', ');
    throw new PicodeError(`--pane ${pane}: no such pane in session ${session}`, { hint: `panes: ${names}` });
  }
  return { id: found.id, label: found.name ? `${found.name} (${found.id})` : found.id };
}

/** The most recent `command.finished` with a non-zero exit in the session, no older than `maxAgeMs`. */
export function lastFailedCommand(db: Database, session: string, tmuxSocket: string | undefined, maxAgeMs: number, now = Date.now()): FailedCommand | undefined {
  let rows: Array<{ data: string; pane: string | null; pane_name: string | null }>;
  try {
    rows = db.prepare(`SELECT data, pane, pane_name FROM events
      WHERE host_key = ? AND type = 'command.finished' AND time >= ?
      ORDER BY seq DESC LIMIT 50`).all(hostKey(session, tmuxSocket), now - maxAgeMs) as typeof rows;
  } catch {
    return undefined; // no host has written events here yet
  }
  for (const row of rows) {
    let data: { command?: unknown; exitCode?: unknown; outputTail?: unknown };
    try { data = JSON.parse(row.data) as typeof data; } catch { continue; }
    if (typeof data.exitCode === 'number' && data.exitCode !== 0) {
      return {
        command: typeof data.command === 'string' ? data.command : '',
        exitCode: data.exitCode,
        output: typeof data.outputTail === 'string' ? data.outputTail : '',
        pane: row.pane ?? undefined,
        paneName: row.pane_name ?? undefined,
      };
    }
  }
  return undefined;
}
