import type { Command } from 'commander';
import { globalOptions } from '../globals.js';

interface PaneRow {
  id: string; name?: string; windowId: string; windowName: string; index: number; width: number; height: number;
  active: boolean; command: string; cwd: string; dead: boolean; bytes: number; marks: boolean;
}

export function define(program: Command): void {
  program
    .command('panes')
    .description('list the panes of a session (from its host)')
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('--json', 'print JSON (one array of panes)')
    .addHelpText('after', '\nColumns: pane id, layout name, window, size, program, output bytes seen, whether the shell marks commands (OSC 133).')
    .action(async (opts: { session?: string; json?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        const panes = await client.call<PaneRow[]>('panes.list');
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(panes, null, 2)}\n`);
          return;
        }
        const rows = [['PANE', 'NAME', 'WINDOW', 'SIZE', 'COMMAND', 'BYTES', 'MARKS', 'CWD']];
        for (const p of panes) {
          rows.push([
            `${p.id}${p.active ? '*' : ''}`, p.name ?? '-', `${p.windowId}:${p.windowName}`, `${p.width}x${p.height}`,
            p.dead ? `${p.command} (dead)` : p.command, String(p.bytes), p.marks ? 'yes' : 'no', p.cwd,
          ]);
        }
        process.stdout.write(table(rows));
      } finally {
        client.close();
      }
    });
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
