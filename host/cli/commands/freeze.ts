import { Option, type Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { globalOptions } from '../globals.js';

/**
 * `picode freeze [SESSION] [--format picode|tmuxp|kdl] [-o FILE]`: writes a running tmux
 * session as a layout (host/layout/freeze.ts reads it), which `picode up` (or tmuxp, or
 * Zellij) launches again with the same windows, splits, sizes, directories and programs.
 */
interface FreezeOptions {
  readonly format: 'picode' | 'tmuxp' | 'kdl';
  readonly output?: string;
  readonly force?: boolean;
}

export function define(program: Command): void {
  program
    .command('freeze')
    .description('write a running tmux session as a layout (picode YAML, tmuxp or Zellij KDL)')
    .argument('[session]', 'the session (default: the current one inside tmux, else the only one on the server)')
    .addOption(new Option('--format <format>', 'the layout format to write').choices(['picode', 'tmuxp', 'kdl']).default('picode'))
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('-f, --force', 'overwrite the output file if it exists')
    .addHelpText('after', [
      '',
      'Examples:',
      '  picode freeze work -o ~/.config/picode/layouts/work.yaml     then: picode up work',
      '  picode freeze --format tmuxp -o .tmuxp.yaml',
      '',
      'Sizes come from tmux\'s own layout of each window, directories from each pane, and a',
      'pane\'s command from the argv of the program it runs (a pane at a shell prompt has none).',
    ].join('\n'))
    .action(async (session: string | undefined, options: FreezeOptions, command: Command) => {
      await freeze(session, options, globalOptions(command).tmuxSocket);
    });
}

async function freeze(session: string | undefined, options: FreezeOptions, socket: string | undefined): Promise<void> {
  const env = process.env;
  const [{ checkOutput, writeLayoutText }, { loadConfigCached }, { TmuxMux }, { TmuxError }] = await Promise.all([
    import('./layout-convert.js'), import('../../config/cache.js'), import('../../mux/tmux/tmux.js'), import('../../mux/tmux/exec.js'),
  ]);
  const output = checkOutput(options.output, options.force);
  const { config } = await loadConfigCached({ cwd: process.cwd(), env });
  const mux = new TmuxMux({ socket: socket ?? config.tmux.socket, binary: config.tmux.binary, env });
  const name = session ?? await defaultSession(mux, socket ?? config.tmux.socket);
  if (!(await mux.hasSession(name))) {
    const live = await mux.listSessions();
    throw new PicodeError(`no tmux session named "${name}"`, { hint: live.length ? `running: ${live.join(', ')}` : 'no session runs on this tmux server (choose another with --tmux-socket)' });
  }
  const [{ freezeSession }, { convertLayout, toTmuxp }] = await Promise.all([import('../../layout/freeze.js'), import('../../layout/convert.js')]);
  let frozen;
  try {
    frozen = await freezeSession((args) => mux.run(args), name, `tmux session ${name}`);
  } catch (error) {
    if (error instanceof TmuxError) throw new PicodeError(`cannot read the session "${name}" from tmux: ${error.stderr.trim()}`, { hint: 'check that it still runs (tmux ls)' });
    throw error;
  }
  const { text, dropped } = options.format === 'tmuxp' ? await toTmuxp(frozen.spec, frozen.layouts) : await convertLayout(frozen.spec, options.format);
  for (const note of dropped) process.stderr.write(`picode: warning: ${note}\n`);
  writeLayoutText(text, output, options.format);
}

/** The current session inside tmux (on this server), else the only session on the server. */
async function defaultSession(mux: InstanceType<typeof import('../../mux/tmux/tmux.js').TmuxMux>, socket: string | undefined): Promise<string> {
  const { sessionOfThisTerminal } = await import('../../ipc/target.js');
  const current = await sessionOfThisTerminal(socket);
  if (current) return current;
  const live = await mux.listSessions();
  if (live.length === 1) return live[0]!;
  throw new PicodeError(live.length === 0 ? 'no tmux session is running on this server' : `${live.length} sessions are running (${live.join(', ')}): name the one to freeze`, {
    hint: live.length === 0 ? 'start one, or choose another server with --tmux-socket' : 'picode freeze SESSION',
  });
}
