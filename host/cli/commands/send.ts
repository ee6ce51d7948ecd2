import type { Command } from 'commander';
import { globalOptions } from '../globals.js';

export function define(program: Command): void {
  program
    .command('send')
    .description('type text into a pane (passes the pane.send.before hooks first)')
    .argument('<pane>', 'pane id (%3) or the pane\'s layout name')
    .argument('<text>', 'the text, sent literally (no key names)')
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('--enter', 'press Enter after the text')
    .option('--secret', 'a password or token: typed, but never stored (the event records only its length)')
    .option('--force', "type even into one of picode's view panes (plan, agent, jobs, log)")
    .action(async (pane: string, text: string, opts: { session?: string; enter?: boolean; secret?: boolean; force?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        await client.call('panes.send', { pane, text, enter: opts.enter ?? false, origin: 'cli', force: opts.force ?? false, ...(opts.secret ? { secret: true } : {}) });
      } finally {
        client.close();
      }
    });
}
