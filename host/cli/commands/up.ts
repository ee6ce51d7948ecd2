import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { globalOptions } from '../globals.js';
import { loadConfigCached } from '../../config/cache.js';
import { loadLayoutCached } from '../../layout/cache.js';
import { checkDirectories } from '../../layout/directories.js';
import { resolveMux } from '../../mux/index.js';
import { sessionExistsError } from '../../mux/errors.js';
import type { SessionSpec } from '../../layout/model.js';
import type { LaunchResult, Multiplexer } from '../../mux/types.js';
import { sessionNameProblem } from '../../layout/sessionName.js';
import { shellCommand } from '../../core/shellQuote.js';

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
  /** Multiplexer for this launch (overrides the config's `mux`). */
  readonly mux?: string;
}

/**
 * `up`'s options, defined once for both parsers: commander (help, errors, the normal path)
 * and node:util's parseArgs (the fast path below, which keeps commander's loading off the way
 * to a ready session: docs/benchmarks.md, "layout").
 */
const upOptions = [
  { long: 'detach', short: 'd', value: undefined, description: 'build the session without attaching to it' },
  { long: 'session', short: 's', value: '<name>', description: 'session name (default: the layout\'s name)' },
  { long: 'replace', short: undefined, value: undefined, description: 'kill an existing session of that name first' },
  { long: 'attach-existing', short: undefined, value: undefined, description: 'if the session already exists, attach to it instead of failing' },
  { long: 'json', short: undefined, value: undefined, description: 'print the launch result as JSON (combine with --detach)' },
  { long: 'mux', short: undefined, value: '<kind>', description: 'multiplexer for this launch: tmux, zellij or auto (default: the config\'s `mux`)' },
] as const;

export function define(program: Command): void {
  const command = program
    .command('up')
    .description('launch a workspace from a layout and attach to it')
    .argument('[layout]', 'a layout name (from ~/.config/picode/layouts or picode\'s layouts/) or a path; default: the config\'s `layout`')
    .argument('[settings...]', 'key=value settings for tmuxinator files (<%= @settings["key"] %>)');
  for (const o of upOptions) command.option(`${o.short ? `-${o.short}, ` : ''}--${o.long}${o.value ? ` ${o.value}` : ''}`, o.description);
  command
    .addHelpText('after', '\nExamples:\n  picode up                      the default layout\n  picode up dev --detach\n  picode up ./.tmuxp.yaml\n  picode up ~/.tmuxinator/work.yml branch=main\n')
    .action(async (layout: string | undefined, settings: string[], options: UpOptions, cmd: Command) => {
      await up(layout, settings, options, globalOptions(cmd).tmuxSocket);
    });
}

/**
 * `picode up ...` without commander, called by bin/picode.js. Returns the exit code, or
 * undefined when the arguments need commander (help, a usage error): the caller then runs
 * the normal CLI, which owns help texts and usage messages.
 */
export async function upFastPath(argv: readonly string[]): Promise<number | undefined> {
  const { parseArgs } = await import('node:util');
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(upOptions.map((o) => [o.long, { type: o.value ? 'string' as const : 'boolean' as const, ...(o.short ? { short: o.short } : {}) }])),
        'tmux-socket': { type: 'string' },
      },
    });
  } catch {
    return undefined;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const [layout, ...settings] = parsed.positionals;
  try {
    await up(layout, settings, {
      detach: values.detach === true, session: values.session as string | undefined, replace: values.replace === true,
      attachExisting: values['attach-existing'] === true, json: values.json === true, mux: values.mux as string | undefined,
    }, (values['tmux-socket'] as string | undefined) ?? (process.env.PICODE_TMUX_SOCKET || undefined));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const { formatError } = await import('../../core/errors.js');
    process.stderr.write(formatError(error));
    const code = (error as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
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
  // Attaching needs a terminal: say so before anything is built (inside tmux, switch-client does not).
  if (!options.detach && !env.TMUX && !process.stdin.isTTY) {
    throw new PicodeError('picode up attaches your terminal to the session, but standard input is not a terminal', {
      hint: 'run it from a terminal, or pass --detach to build the session without attaching',
    });
  }
  // A named layout loads alongside the config (on a cold cache both parse YAML and validate);
  // a config error is still the one reported first.
  const early = layoutName === undefined ? undefined : loadLayoutCached(layoutName, { cwd, env, settings });
  early?.catch(() => undefined);
  const { config } = await loadConfigCached({ cwd, env });
  mark('config');
  const tmuxSocket = socketArg ?? config.tmux.socket;
  const loaded = await (early ?? loadLayoutCached(config.layout, { cwd, env, settings }));
  const spec = loaded.spec;
  mark('layout');
  const session = options.session ?? spec.name;
  const nameProblem = sessionNameProblem(session);
  if (nameProblem) throw new PicodeError(`invalid session name: ${nameProblem}`, { hint: 'pass another name with --session' });
  for (const field of spec.unsupported) process.stderr.write(`picode: warning: ${loaded.file}: not supported, ignored: ${field}\n`);

  const mux = await resolveMux({ kind: muxKind(options.mux) ?? config.mux, tmuxSocket, tmuxBinary: config.tmux.binary, env });
  // Existence is checked before `before` commands run (they may be slow, and must not run
  // for a session that is then refused); without `before` the build itself reports it.
  if ((options.attachExisting || spec.before.length > 0) && !options.replace && (await mux.hasSession(session))) {
    if (!options.attachExisting) throw sessionExistsError(session);
    if (options.json) process.stdout.write(`${JSON.stringify({ session, attached: !options.detach, existing: true })}\n`);
    if (!options.detach) process.exitCode = await mux.attach(session);
    return;
  }
  if (spec.before.length) await (await import('../../layout/before.js')).runBeforeCommands(spec, env);
  checkDirectories(spec);
  // The session being replaced loses its host first (as `picode down` does), so the new
  // session's host does not find the old one still holding the lock.
  if (options.replace && process.env.PICODE_NO_HOST !== '1') await (await import('../../daemon/spawn.js')).stopHost(session, tmuxSocket, env).catch(() => undefined);

  mark('mux');
  const { width, height } = (!options.detach && env.TMUX
    ? await (await import('../../mux/tmux/client.js')).callerClient(config.tmux.binary, env)
    : undefined) ?? terminalSize(options.detach === true);
  let result: LaunchResult;
  try {
    result = await mux.launch(spec, { session, replace: options.replace === true, width, height });
  } catch (error) {
    await record(spec, loaded.file, layoutName ?? config.layout, session, mux, tmuxSocket, cwd, startedAt, t0, 0, error);
    throw error;
  }
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const readyCpu = env.PICODE_DEBUG ? process.cpuUsage() : undefined;
  mark('launched');
  // Attach at once; the record and the host start happen while the terminal is attached
  // (tmux attach is another process), so the user sees the session without waiting for SQLite.
  const attached = options.detach ? undefined : mux.attach(result.sessionId ?? session);
  const warning = await record(spec, loaded.file, layoutName ?? config.layout, session, mux, tmuxSocket, cwd, startedAt, t0, result.panes.length, undefined);
  mark('recorded');
  const host = await startHost(session, tmuxSocket, cwd);
  mark('host');
  if (host.failure && !attached) throw host.failure;

  if (options.json) {
    process.stdout.write(`${JSON.stringify({
      session, layout: loaded.file, format: spec.source.format, panes: result.panes, invocations: result.invocations,
      launchMs: Math.round(readyMs * 10) / 10, layoutCached: loaded.cached, unsupported: spec.unsupported,
    })}\n`);
  } else if (options.detach) {
    process.stderr.write(`picode: session "${session}" is up (${result.panes.length} panes); attach with: ${attachHint(mux.kind, session, tmuxSocket)}\n`);
  }
  if (env.PICODE_DEBUG) {
    const steps = marks.slice(1).map(([name, at], i) => `${name} +${(Number(at - marks[i]![1]) / 1e6).toFixed(1)}`).join(', ');
    process.stderr.write(`picode: up: ready in ${readyMs.toFixed(1)} ms after the command started (${steps}; process up ${(performance.now()).toFixed(0)} ms; `
      + `CPU until ready ${((readyCpu!.user + readyCpu!.system) / 1000).toFixed(0)} ms; ${result.invocations} tmux invocations, layout cache ${loaded.cached ? 'hit' : 'miss'})\n`);
  }
  if (attached) process.exitCode = await attached;
  for (const text of [warning, host.warning]) if (text) process.stderr.write(text);
  if (host.failure) throw host.failure;
}

function muxKind(value: string | undefined): 'auto' | 'tmux' | 'zellij' | undefined {
  if (value === undefined || value === 'auto' || value === 'tmux' || value === 'zellij') return value;
  throw new PicodeError(`--mux ${value}: expected tmux, zellij or auto`, { hint: 'picode up --mux tmux (or zellij, or auto: Zellij inside Zellij, else tmux)' });
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

export function attachHint(kind: Multiplexer['kind'], session: string, socket: string | undefined): string {
  // Printed for copy and paste: quoted (a session named `a;touch x` must not run touch).
  if (kind === 'zellij') return shellCommand(['zellij', 'attach', session]);
  return shellCommand(['tmux', ...(socket ? ['-L', socket] : []), 'attach', '-t', session]);
}

/**
 * Records the launch (after tmux has been told to build, so loading SQLite is off the path
 * to a ready session). A store that cannot be opened does not undo a working session: the
 * warning is returned, to be printed once the terminal is back.
 */
async function record(spec: SessionSpec, file: string, layoutName: string, session: string, mux: Multiplexer, socket: string | undefined,
  cwd: string, startedAt: number, t0: bigint, paneCount: number, error: unknown): Promise<string | undefined> {
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
    // A failed launch reports its own error; a working session is not undone by the store.
    if (error === undefined) return `picode: warning: the launch was not recorded: ${(storeError as Error).message}\n`;
  }
  return undefined;
}

/**
 * Starts the session's host in the background (host/daemon/spawn.ts) and waits for its ready
 * handshake (attached, extensions started): a host that fails to start is reported with its
 * own error instead of a "session is up" over a session nobody watches. The session stays:
 * it works without a host, and the hint says how to start one once the cause is fixed.
 */
async function startHost(session: string, tmuxSocket: string | undefined, cwd: string): Promise<{ warning?: string; failure?: PicodeError }> {
  if (process.env.PICODE_NO_HOST === '1') return {};
  const retry = shellCommand(['picode', 'host', '--session', session, ...(tmuxSocket ? ['--tmux-socket', tmuxSocket] : [])]);
  try {
    const { startHostInBackground } = await import('../../daemon/spawn.js');
    const started = await startHostInBackground({ session, tmuxSocket, cwd }).started;
    if (started.state === 'ready') return {};
    if (started.state === 'slow') return { warning: `picode: warning: the session's host has not said it is ready yet; it goes on starting in the background (log: ${started.log})\n` };
    const message = started.message.replace(/^picode: /gm, '').trim();
    return {
      failure: new PicodeError(`the session "${session}" was built, but its host failed to start:\n  ${message.split('\n').join('\n  ')}`, {
        hint: `the host's log is ${started.log}; fix the cause, then start the host with \`${retry}\` (or remove the session with \`picode down ${session}\`)`,
      }),
    };
  } catch (error) {
    return { warning: `picode: warning: the session's host did not start (${(error as Error).message}); start it with: ${retry}\n` };
  }
}
