import type { Command } from 'commander';
import { globalOptions } from '../globals.js';

export function define(program: Command): void {
  program
    .command('keys')
    .description('press keys in a pane (tmux key names: Enter, C-c, Up, F5, M-x...)')
    .argument('<pane>', 'pane id (%3) or the pane\'s layout name')
    .argument('<keys...>', 'one or more tmux key names')
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('--force', "press keys even in one of picode's view panes (plan, agent, jobs, log)")
    .addHelpText('after', '\nExample: picode keys shell C-c   (interrupt what runs in the pane named "shell")')
    .action(async (pane: string, keys: string[], opts: { session?: string; force?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        await client.call('panes.keys', { pane, keys, origin: 'cli', force: opts.force ?? false });
      } finally {
        client.close();
      }
    });
}
