import type { Command } from 'commander';
import { globalOptions } from '../globals.js';

export function define(program: Command): void {
  program
    .command('host')
    .description('run the host for a session in the foreground (logs on stderr); `picode up` starts it in the background')
    .requiredOption('--session <name>', 'the session to attach to')
    .addHelpText('after', `
The host attaches to the session through tmux control mode, streams every pane as events
(persisted in the store), serves the IPC socket that \`picode panes|capture|send|keys|run|events\`
use, and runs the plugin, hook, LLM and agent extensions. One host per session: a second one
refuses and names the running one. It exits 0 when the session or the tmux server ends.
Set PICODE_LOG=debug for debug lines.`)
    .action(async (opts: { session: string }, cmd: Command) => {
      const { tmuxSocket } = globalOptions(cmd);
      const { runHost } = await import('../../daemon/main.js');
      process.exitCode = await runHost({ session: opts.session, tmuxSocket, cwd: process.cwd() });
    });
}
