import type { PaneInfo } from '../types.js';

/**
 * Parsers for what Zellij 0.45 prints, kept apart from the process plumbing so they can be
 * checked against recorded output.
 */

/**
 * One entry of `zellij action list-panes --json`: Zellij's PaneInfo (flattened) plus the tab
 * fields, and `pane_command`/`pane_cwd` with `--command` (zellij-utils data.rs PaneListEntry).
 * Only the fields picode reads are typed.
 */
export interface ZellijPaneEntry {
  readonly id: number;
  readonly is_plugin: boolean;
  readonly is_focused: boolean;
  readonly is_floating: boolean;
  readonly is_suppressed?: boolean;
  readonly title: string;
  readonly exited: boolean;
  readonly exit_status?: number | null;
  readonly is_held: boolean;
  readonly pane_content_rows: number;
  readonly pane_content_columns: number;
  readonly pane_x?: number;
  readonly pane_y?: number;
  readonly terminal_command?: string | null;
  readonly plugin_url?: string | null;
  readonly is_selectable?: boolean;
  readonly tab_id: number;
  readonly tab_position: number;
  readonly tab_name: string;
  readonly pane_command?: string;
  readonly pane_cwd?: string;
}

/** `terminal_N` / `plugin_N`: the form every `--pane-id` accepts. */
export function paneIdOf(entry: Pick<ZellijPaneEntry, 'id' | 'is_plugin'>): string {
  return `${entry.is_plugin ? 'plugin' : 'terminal'}_${entry.id}`;
}

/**
 * Normalises a pane id the user or the host gives: `terminal_3`, `plugin_2`, or a bare `3`
 * (which Zellij also reads as terminal_3). Anything else is refused here, before Zellij
 * would exit 2 with "Malformed pane id".
 */
export function normalisePaneId(id: string): string | undefined {
  const trimmed = id.trim();
  if (/^\d+$/.test(trimmed)) return `terminal_${Number(trimmed)}`;
  const match = /^(terminal|plugin)_(\d+)$/.exec(trimmed);
  return match ? `${match[1]}_${Number(match[2])}` : undefined;
}

export function parsePaneList(stdout: string): ZellijPaneEntry[] {
  const text = stdout.trim();
  if (text === '') return [];
  const data = JSON.parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error(`zellij action list-panes --json printed ${typeof data}, expected an array`);
  return data.filter((entry): entry is ZellijPaneEntry =>
    typeof entry === 'object' && entry !== null && typeof (entry as ZellijPaneEntry).id === 'number');
}

/**
 * The panes picode works with: terminal panes, tiled or floating, in tab order then creation
 * order. Plugin panes (tab-bar, status-bar, ...) are Zellij's own UI and cannot be written to
 * or captured as a terminal.
 */
export function terminalPanes(entries: readonly ZellijPaneEntry[]): PaneInfo[] {
  const terminals = entries.filter((e) => !e.is_plugin)
    .sort((a, b) => a.tab_position - b.tab_position || a.id - b.id);
  const indexInTab = new Map<number, number>();
  return terminals.map((e) => {
    const index = indexInTab.get(e.tab_id) ?? 0;
    indexInTab.set(e.tab_id, index + 1);
    return {
      id: paneIdOf(e),
      name: e.title === '' ? undefined : e.title,
      windowId: `tab_${e.tab_id}`,
      windowName: e.tab_name,
      index,
      width: e.pane_content_columns,
      height: e.pane_content_rows,
      active: e.is_focused,
      command: e.pane_command ?? e.terminal_command ?? '',
      cwd: e.pane_cwd ?? '',
      pid: undefined,
      dead: e.exited || e.is_held,
    };
  });
}

export interface ZellijSession {
  readonly name: string;
  /** A dead session kept for resurrection (`(EXITED - attach to resurrect)`). */
  readonly exited: boolean;
}

/**
 * `zellij list-sessions --no-formatting`: one line per session, `NAME [Created 2m 3s ago]`
 * with ` (current)` or ` (EXITED - attach to resurrect)` after it. `--short` would drop the
 * marker that tells live sessions from dead ones, so the long form is parsed.
 */
export function parseSessionList(stdout: string): ZellijSession[] {
  const sessions: ZellijSession[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    if (line.trim() === '' || /^No active zellij sessions/i.test(line.trim())) continue;
    const created = line.lastIndexOf(' [Created ');
    const name = (created === -1 ? line.split(' (')[0]! : line.slice(0, created)).trim();
    if (name === '') continue;
    sessions.push({ name, exited: /\(EXITED\b/.test(line) });
  }
  return sessions;
}
