import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { globalOptions } from '../globals.js';

export function define(program: Command): void {
  program
    .command('capture')
    .description("print a pane's screen and recent history, as tmux renders it")
    .argument('<pane>', 'pane id (%3) or the pane\'s layout name')
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('--lines <n>', 'print the last N lines (history included); default: the visible screen', parseCount)
    .option('--ansi', 'keep colours and attributes (ANSI escape sequences)')
    .option('--scrollback', "print the host's record of the pane's output (what scrolled by, as printed) instead of tmux's screen")
    .action(async (pane: string, opts: { session?: string; lines?: number; ansi?: boolean; scrollback?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        const method = opts.scrollback ? 'panes.scrollback' : 'panes.capture';
        const { text } = await client.call<{ text: string }>(method, { pane, lines: opts.lines ?? (opts.scrollback ? undefined : 0), ansi: opts.ansi ?? false });
        const lines = text.split('\n');
        // tmux pads the screen with empty rows below the cursor: they are not output.
        while (lines.length && lines[lines.length - 1]!.replace(/\x1b\[[0-9;]*m/g, '').trim() === '') lines.pop();
        const shown = opts.lines !== undefined ? lines.slice(Math.max(0, lines.length - opts.lines)) : lines;
        if (shown.length) process.stdout.write(`${shown.join('\n')}\n`);
      } finally {
        client.close();
      }
    });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of lines (0 or more)');
  return n;
}
