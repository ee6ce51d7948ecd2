import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { commandTable } from './commandTable.js';
import { formatError, ExitCode } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function buildProgram(): Command {
  const program = new Command('picode')
    .description('A plugin-host runtime for terminal multiplexers.')
    .version(version(), '-V, --version', 'print the version')
    .option('--tmux-socket <name>', 'use a private tmux server (tmux -L NAME); also PICODE_TMUX_SOCKET')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  return program;
}

/** Finds the first argument that is not an option (or an option's value) at program level. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--tmux-socket') { i++; continue; }
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const name = commandName(argv);
  const entry = commandTable.find((e) => e.name === name);
  if (entry) {
    const mod = (await import(entry.module)) as { define(program: Command): void };
    mod.define(program);
  } else {
    // Top-level help, --version or an unknown command: list every command without loading them.
    for (const e of commandTable) program.command(e.name).description(e.summary);
  }
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    process.stderr.write(formatError(error));
    const code = (error as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' ? code : ExitCode.failure;
  }
}

const code = await main(process.argv.slice(2));
// Commands that keep running (host, pane views, `events --follow`) never resolve main's
// promise until they are done, so exiting here is safe and avoids waiting on stray handles.
// But not before what was written reached the pipe: a reader slower than a long listing
// (`picode events --since 0 | ...`) would otherwise lose its end.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => {
  if (stream.destroyed || !stream.writable) resolve();
  else stream.write('', () => resolve());
})));
process.exit(code);
