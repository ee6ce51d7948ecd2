import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { globalOptions } from '../globals.js';
import { shellQuote } from '../../core/shellQuote.js';

interface RunResult { exitCode: number | null; output: string; durationMs: number; interrupted: boolean }

/** Exit status when the command's own is unknown: like timeout(1) for a timeout, 69 when the pane or host went away. */
const timedOutExit = 124;
const unknownExit = 69;

export function define(program: Command): void {
  program
    .command('run')
    .description('run a command in a pane, wait for it, print its output and exit with its exit code')
    .argument('<pane>', 'pane id (%3) or the pane\'s layout name')
    .argument('<command...>', 'the command (after --); several words are shell-quoted, one word is used as a command line')
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 124); the command keeps running', parseSeconds)
    .option('--force', "type the line even into a view pane or a program that is not a shell")
    .option('--json', 'print {exitCode, output, durationMs, interrupted} as JSON')
    .addHelpText('after', `
The command is typed into the pane's shell. With picode's shell marks (layout \`shellInit: true\`
or \`picode shell-init\`) the shell reports the command's end and exit status; otherwise picode wraps
the line in marks of its own (printf of OSC 133 sequences) to find them. If the pane closes first,
the exit is unknown (exit 69).

Examples:
  picode run shell -- npm test
  picode run %3 -- 'make -j4 && make check'`)
    .action(async (pane: string, words: string[], opts: { session?: string; timeout?: number; json?: boolean; force?: boolean }, cmd: Command) => {
      const command = words.length === 1 ? words[0]! : words.map(shellQuote).join(' ');
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      let result: RunResult;
      try {
        result = await client.call<RunResult>('panes.run', {
          pane, command, origin: 'cli', force: opts.force ?? false, ...(opts.timeout !== undefined ? { timeoutMs: Math.round(opts.timeout * 1000) } : {}),
        });
      } finally {
        client.close();
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } else if (result.output) {
        process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
      }
      if (result.exitCode !== null) {
        process.exitCode = result.exitCode;
      } else {
        const timedOut = opts.timeout !== undefined && result.interrupted && result.durationMs >= opts.timeout * 1000;
        process.stderr.write(timedOut
          ? `picode: the command did not finish within ${opts.timeout} s (it keeps running in the pane)\n`
          : 'picode: the command ended without an exit status (the pane closed or the host stopped)\n');
        process.exitCode = timedOut ? timedOutExit : unknownExit;
      }
    });
}


function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds greater than 0');
  return n;
}
