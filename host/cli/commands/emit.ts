import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { callHost, parseDataOption } from '../support.js';
import { resolveSessionTarget } from '../../ipc/target.js';

/** `picode emit NAME [--data JSON]`: puts the user event `user.NAME` on the session host's bus. */
export function define(program: Command): void {
  program.command('emit')
    .description('emit the user event user.NAME to the running host (hooks with `event: user.NAME` react to it)')
    .argument('<name>', 'event name: letters, digits and _ . : - (emitted as user.NAME)')
    .option('--data <json>', 'event data as JSON', '{}')
    .option('--pane <pane>', 'the pane the event is about (name or id)')
    .option('--session <name>', 'session (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--json', 'print the emitted event id and type as JSON')
    .action(async (name: string, opts: { data: string; pane?: string; session?: string; json?: boolean }, cmd: Command) => {
      const data = parseDataOption(opts.data);
      const { tmuxSocket } = globalOptions(cmd);
      const { session, tmuxSocket: server } = await resolveSessionTarget({ session: opts.session, tmuxSocket, command: 'emit' });
      const result = await callHost<{ id: number; type: string }>(session, server, 'events.emit', { name, data, ...(opts.pane ? { pane: opts.pane } : {}) });
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `emitted ${result.type} (event ${result.id})\n`);
    });
}
