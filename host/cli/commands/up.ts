import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { globalOptions } from '../globals.js';
import { loadConfigCached } from '../../config/cache.js';
import { loadLayoutCached } from '../../layout/cache.js';
import { runBeforeCommands } from '../../layout/before.js';
import { resolveMux } from '../../mux/index.js';
import { sessionExistsError } from '../../mux/errors.js';
import type { SessionSpec } from '../../layout/model.js';
import type { LaunchResult, Multiplexer } from '../../mux/types.js';

/**
 * `picode up [LAYOUT] [key=value...]`: config -> layout -> one tmux invocation -> record ->
 * host -> attach. The path to "every pane has started" imports nothing heavy on a warm
 * cache (no yaml, zod, cosmiconfig or sqlite): the store and the host come after tmux has
 * been told to build.
 */
export interface UpOptions {
  readonly detach?: boolean;
  readonly session?: string;
  readonly replace?: boolean;
  readonly attachExisting?: boolean;
  readonly json?: boolean;
}

export function define(program: Command): void {
  program
    .command('up')
    .description('launch a workspace from a layout and attach to it')
    .argument('[layout]', 'a layout name (from ~/.config/picode/layouts or picode\'s layouts/) or a path; default: the config\'s `layout`')
    .argument('[settings...]', 'key=value settings for tmuxinator files (<%= @settings["key"] %>)')
    .option('-d, --detach', 'build the session without attaching to it')
    .option('-s, --session <name>', 'session name (default: the layout\'s name)')
    .option('--replace', 'kill an existing session of that name first')
    .option('--attach-existing', 'if the session already exists, attach to it instead of failing')
    .option('--json', 'print the launch result as JSON (implies nothing about attaching; combine with --detach)')
    .addHelpText('after', '\nExamples:\n  picode up                      the default layout\n  picode up dev --detach\n  picode up ./.tmuxp.yaml\n  picode up ~/.tmuxinator/work.yml branch=main\n')
    .action(async (layout: string | undefined, settings: string[], options: UpOptions, command: Command) => {
      await up(layout, settings, options, globalOptions(command).tmuxSocket);
    });
}

export async function up(layoutArg: string | undefined, rest: readonly string[], options: UpOptions, socketArg: string | undefined): Promise<void> {
  const startedAt = Date.now();
  const t0 = process.hrtime.bigint();
  const env = process.env;
  const cwd = process.cwd();
  // `picode up k=v` (no layout) is the default layout with settings.
  const args = layoutArg !== undefined && isSetting(layoutArg) ? [layoutArg, ...rest] : rest;
  const layoutName = layoutArg !== undefined && !isSetting(layoutArg) ? layoutArg : undefined;
  const settings = parseSettings(args);

  const marks: Array<[string, bigint]> = [['start', t0]];
  const mark = (name: string): void => { if (env.PICODE_DEBUG) marks.push([name, process.hrtime.bigint()]); };
  const { config } = await loadConfigCached({ cwd, env });
  mark('config');
  const tmuxSocket = socketArg ?? config.tmux.socket;
  const loaded = await loadLayoutCached(layoutName ?? config.layout, { cwd, env, settings });
  const spec = loaded.spec;
  mark('layout');
  const session = options.session ?? spec.name;
  if (!session || /[.:]/.test(session)) {
    throw new PicodeError(`invalid session name "${session}": tmux reserves "." and ":"`, { hint: 'pass another name with --session' });
  }
  for (const field of spec.unsupported) process.stderr.write(`picode: warning: ${loaded.file}: not supported, ignored: ${field}\n`);

  const mux = await resolveMux({ kind: config.mux, tmuxSocket, tmuxBinary: config.tmux.binary, env });
  // Existence is checked before `before` commands run (they may be slow, and must not run
  // for a session that is then refused); without `before` the build itself reports it.
  if ((options.attachExisting || spec.before.length > 0) && !options.replace && (await mux.hasSession(session))) {
    if (!options.attachExisting) throw sessionExistsError(session);
    if (options.json) process.stdout.write(`${JSON.stringify({ session, attached: !options.detach, existing: true })}\n`);
    if (!options.detach) process.exitCode = await mux.attach(session);
    return;
  }
  await runBeforeCommands(spec, env);

  mark('mux');
  const { width, height } = terminalSize(options.detach === true);
  let result: LaunchResult;
  try {
    result = await mux.launch(spec, { session, replace: options.replace === true, width, height });
  } catch (error) {
    await record(spec, loaded.file, layoutName ?? config.layout, session, mux, tmuxSocket, cwd, startedAt, t0, 0, error);
    throw error;
  }
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  mark('launched');
  await record(spec, loaded.file, layoutName ?? config.layout, session, mux, tmuxSocket, cwd, startedAt, t0, result.panes.length, undefined);
  mark('recorded');
  await startHost(session, tmuxSocket, cwd);
  mark('host');

  if (options.json) {
    process.stdout.write(`${JSON.stringify({
      session, layout: loaded.file, format: spec.source.format, panes: result.panes, invocations: result.invocations,
      launchMs: Math.round(readyMs * 10) / 10, layoutCached: loaded.cached, unsupported: spec.unsupported,
    })}\n`);
  } else if (options.detach) {
    process.stderr.write(`picode: session "${session}" is up (${result.panes.length} panes); attach with: ${attachHint(session, tmuxSocket)}\n`);
  }
  if (env.PICODE_DEBUG) {
    const steps = marks.slice(1).map(([name, at], i) => `${name} +${(Number(at - marks[i]![1]) / 1e6).toFixed(1)}`).join(', ');
    process.stderr.write(`picode: up: ready in ${readyMs.toFixed(1)} ms after the command started (${steps}; process up ${(performance.now()).toFixed(0)} ms; `
      + `${result.invocations} tmux invocations, layout cache ${loaded.cached ? 'hit' : 'miss'})\n`);
  }
  if (!options.detach) process.exitCode = await mux.attach(session);
}

function isSetting(arg: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*=/.test(arg);
}

export function parseSettings(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    if (!isSetting(arg)) {
      throw new PicodeError(`unexpected argument "${arg}": settings after the layout are written key=value`, {
        hint: 'picode up LAYOUT key=value ... (tmuxinator files read them as @settings["key"])',
      });
    }
    const eq = arg.indexOf('=');
    out[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return out;
}

/**
 * The size to build at: the terminal's (minus tmux's status line) when we are about to
 * attach from it, so sizes in cells are exact on screen; tmux's own default otherwise.
 */
function terminalSize(detach: boolean): { width: number; height: number } {
  const out = process.stdout;
  if (out.isTTY && out.columns > 0 && out.rows > 1) return { width: out.columns, height: out.rows - 1 };
  return detach ? { width: 80, height: 24 } : { width: 80, height: 23 };
}

function attachHint(session: string, socket: string | undefined): string {
  return socket ? `tmux -L ${socket} attach -t ${session}` : `tmux attach -t ${session}`;
}

/**
 * Records the launch (after tmux has been told to build, so loading SQLite is off the path
 * to a ready session). A store that cannot be opened does not undo a working session: it
 * is reported as a warning.
 */
async function record(spec: SessionSpec, file: string, layoutName: string, session: string, mux: Multiplexer, socket: string | undefined,
  cwd: string, startedAt: number, t0: bigint, paneCount: number, error: unknown): Promise<void> {
  try {
    const [{ openStore }, { recordLaunch }] = await Promise.all([import('../../store/db.js'), import('../../store/sessions.js')]);
    const store = openStore();
    try {
      recordLaunch(store.db, {
        session, mux: mux.kind, muxSocket: socket, layoutName, layoutPath: file, layoutJson: JSON.stringify(spec), cwd,
        startedAt, durationMs: Number(process.hrtime.bigint() - t0) / 1e6, paneCount,
        error: error === undefined ? undefined : error instanceof Error ? error.message : String(error),
      });
    } finally {
      store.close();
    }
  } catch (storeError) {
    if (error !== undefined) return; // the launch error is the one the user needs
    process.stderr.write(`picode: warning: the launch was not recorded: ${(storeError as Error).message}\n`);
  }
}

/** Starts the session's host in the background (host/daemon/spawn.ts); returns at once. */
async function startHost(session: string, tmuxSocket: string | undefined, cwd: string): Promise<void> {
  if (process.env.PICODE_NO_HOST === '1') return;
  const { startHostInBackground } = await import('../../daemon/spawn.js');
  startHostInBackground({ session, tmuxSocket, cwd });
}
