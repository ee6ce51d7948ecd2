import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { loadConfigCached } from '../../config/cache.js';
import { resolveMux } from '../../mux/index.js';
import type { PaneInfo } from '../../mux/types.js';

/**
 * `picode ls [--json]`: the sessions picode launched (from the store) joined with what the
 * multiplexer says now: running sessions show their live pane count, sessions that are
 * gone (killed outside picode, server restarted) show as stopped.
 */
interface Listed {
  readonly session: string;
  readonly state: 'running' | 'stopped';
  readonly layout: string;
  readonly layoutPath: string;
  readonly panes: number;
  readonly windows: number;
  readonly tmuxSocket: string | null;
  readonly cwd: string;
  readonly createdAt: string;
  readonly stoppedAt: string | null;
}

export function define(program: Command): void {
  program
    .command('ls')
    .description('list the sessions picode launched, with their layout, panes and state')
    .option('--json', 'print a JSON array')
    .option('-a, --all', 'also list stopped sessions, and sessions on every tmux server picode used (not only the selected one)')
    .action(async (options: { json?: boolean; all?: boolean }, command: Command) => {
      const env = process.env;
      const { config } = await loadConfigCached({ cwd: process.cwd(), env });
      const tmuxSocket = globalOptions(command).tmuxSocket ?? config.tmux.socket;
      const [{ openStore }, { listSessionRows }] = await Promise.all([import('../../store/db.js'), import('../../store/sessions.js')]);
      const store = openStore();
      let rows;
      try {
        rows = listSessionRows(store.db).filter((r) => options.all || (r.mux_socket ?? undefined) === tmuxSocket);
      } finally {
        store.close();
      }
      // Each server picode used (a multiplexer and, for tmux, a socket) is asked for its
      // sessions, then each of picode's sessions for its panes.
      const serverKey = (r: { mux: string; mux_socket: string | null }): string => `${r.mux}\0${r.mux_socket ?? ''}`;
      const livePanes = new Map<string, Map<string, PaneInfo[]>>();
      for (const row of rows) {
        const key = serverKey(row);
        if (livePanes.has(key)) continue;
        const bySession = new Map<string, PaneInfo[]>();
        livePanes.set(key, bySession);
        try {
          const kind = row.mux === 'zellij' ? 'zellij' : 'tmux';
          const mux = await resolveMux({ kind, tmuxSocket: row.mux_socket ?? undefined, tmuxBinary: config.tmux.binary, env });
          const live = new Set(await mux.listSessions());
          for (const r of rows) if (serverKey(r) === key && live.has(r.name)) bySession.set(r.name, await mux.listPanes(r.name));
        } catch {
          // A multiplexer that is gone (Zellij uninstalled) leaves its sessions listed as stopped.
        }
      }
      const all: Listed[] = rows.map((r) => {
        const panes = livePanes.get(serverKey(r))?.get(r.name);
        const running = panes !== undefined && r.stopped_at === null;
        return {
          session: r.name,
          state: running ? 'running' : 'stopped',
          layout: r.layout_name,
          layoutPath: r.layout_path,
          panes: panes?.length ?? 0,
          windows: new Set(panes?.map((p) => p.windowId)).size,
          tmuxSocket: r.mux_socket,
          cwd: r.cwd,
          createdAt: new Date(r.created_at).toISOString(),
          stoppedAt: r.stopped_at === null ? (running ? null : 'unknown') : new Date(r.stopped_at).toISOString(),
        };
      });
      // Live sessions by default: a launch history of stopped ones would bury them.
      const listed = options.all ? all : all.filter((l) => l.state === 'running');
      const hidden = all.length - listed.length;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
        return;
      }
      if (listed.length === 0) {
        process.stdout.write(`no ${hidden ? 'running ' : ''}sessions launched by picode${tmuxSocket ? ` on tmux server "${tmuxSocket}"` : ''} (picode up starts one${hidden ? `; ${hidden} stopped: picode ls --all` : ''})\n`);
        return;
      }
      const table = [['SESSION', 'STATE', 'LAYOUT', 'WINDOWS', 'PANES', 'SERVER', 'STARTED'], ...listed.map((l) => [
        l.session, l.state, l.layout, String(l.windows), String(l.panes), l.tmuxSocket ?? 'default', l.createdAt.slice(0, 19).replace('T', ' '),
      ])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
      if (hidden) process.stdout.write(`(${hidden} stopped session${hidden === 1 ? '' : 's'} not shown: picode ls --all)\n`);
    });
}
