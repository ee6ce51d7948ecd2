import type { Command } from 'commander';
import { globalOptions } from '../globals.js';

interface ReloadResult { files: string[]; changed: string[]; applied: string[]; needsRestart: string[] }

/**
 * `picode reload`: the session's host loads its config files again now and applies what
 * changed (it also does so by itself when a file it loaded changes). An invalid config is
 * refused with the error located, and the host keeps the config it runs with.
 */
export function define(program: Command): void {
  program
    .command('reload')
    .description("make the session's host load its config files again and apply what changed")
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('--json', 'print {files, changed, applied, needsRestart} as JSON')
    .action(async (opts: { session?: string; json?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client, target } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket, command: 'reload' });
      let result: ReloadResult;
      try {
        result = await client.call<ReloadResult>('host.reload', {});
      } finally {
        client.close();
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const lines = [`reloaded the config of ${target.session} from ${result.files.filter((f) => !f.endsWith('/config/defaults.yaml')).join(', ') || 'the defaults only'}`];
      if (result.changed.length === 0) lines.push('nothing changed');
      if (result.applied.length) lines.push(`applied: ${result.applied.join(', ')}`);
      if (result.needsRestart.length) lines.push(`changed, applies after a host restart (picode down, then picode up): ${result.needsRestart.join(', ')}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
