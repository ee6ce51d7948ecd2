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
    .option('-a, --all', 'include sessions on every tmux server picode used, not only the selected one')
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
      // Each tmux server picode used is asked for its sessions, then each session for its panes.
      const livePanes = new Map<string | null, Map<string, PaneInfo[]>>();
      for (const socket of new Set(rows.map((r) => r.mux_socket))) {
        const mux = await resolveMux({ kind: 'tmux', tmuxSocket: socket ?? undefined, tmuxBinary: config.tmux.binary, env });
        const bySession = new Map<string, PaneInfo[]>();
        for (const name of await mux.listSessions()) bySession.set(name, await mux.listPanes(name));
        livePanes.set(socket, bySession);
      }
      const listed: Listed[] = rows.map((r) => {
        const panes = livePanes.get(r.mux_socket)?.get(r.name);
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
      if (options.json) {
        process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
        return;
      }
      if (listed.length === 0) {
        process.stdout.write(`no sessions launched by picode${tmuxSocket ? ` on tmux server "${tmuxSocket}"` : ''} (picode up starts one)\n`);
        return;
      }
      const table = [['SESSION', 'STATE', 'LAYOUT', 'WINDOWS', 'PANES', 'SERVER', 'STARTED'], ...listed.map((l) => [
        l.session, l.state, l.layout, String(l.windows), String(l.panes), l.tmuxSocket ?? 'default', l.createdAt.slice(0, 19).replace('T', ' '),
      ])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    });
}
