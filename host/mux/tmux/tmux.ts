import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { PicodeError } from '../../core/errors.js';
import { sessionExistsError } from '../errors.js';
import { packageRoot } from '../../core/paths.js';
import type { SessionSpec } from '../../layout/model.js';
import type { CaptureOptions, LaunchOptions, LaunchResult, Multiplexer, MuxObserver, PaneInfo } from '../types.js';
import { chain, invocations, runTmux, runTmuxInteractive, TmuxError, type TmuxTarget } from './exec.js';
import { buildPlan, type BuildPlan } from './plan.js';
import { sessionNameProblem } from '../../layout/sessionName.js';
import { tmuxLayoutProblems } from '../../layout/tmuxLayoutString.js';
import { TmuxControlObserver } from './control/observer.js';

/**
 * The tmux adapter. A launch is one tmux invocation (see plan.ts) plus, only for imported
 * layouts that type commands into shells, one poll loop and one send. Nothing here imports
 * anything heavy: this module is on `picode up`'s critical path.
 */
export interface TmuxMuxOptions {
  readonly socket?: string | undefined;
  readonly binary?: string;
  readonly env?: NodeJS.ProcessEnv;
}

// tmux prints control characters (a tab included) as `_` in formats, so fields are
// separated by a printable sequence that names, titles and paths do not contain in practice.
const SEP = '<|>';
const PANE_FORMAT = ['#{pane_id}', '#{@picode_name}', '#{pane_title}', '#{window_id}', '#{window_name}', '#{pane_index}',
  '#{pane_width}', '#{pane_height}', '#{pane_active}', '#{pane_current_command}', '#{pane_current_path}', '#{pane_pid}',
  '#{pane_dead}'].join(SEP);

export class TmuxMux implements Multiplexer {
  readonly kind = 'tmux' as const;
  readonly target: TmuxTarget;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: TmuxMuxOptions = {}) {
    this.env = options.env ?? process.env;
    this.target = { socket: options.socket, binary: options.binary ?? 'tmux' };
  }

  /** The control-mode observer (host/mux/tmux/control, owned by the host area). */
  observe(session: string): MuxObserver {
    return new TmuxControlObserver({ session, socket: this.target.socket, tmuxBinary: this.target.binary, env: this.env });
  }

  run(args: readonly string[]): Promise<string> {
    return runTmux(this.target, args, { env: this.env });
  }

  async version(): Promise<string | undefined> {
    try {
      return (await runTmux({ socket: undefined, binary: this.target.binary }, ['-V'], { env: this.env })).trim().replace(/^tmux\s+/, '');
    } catch {
      return undefined;
    }
  }

  async hasSession(session: string): Promise<boolean> {
    try {
      await this.run(['has-session', '-t', `=${session}`]);
      return true;
    } catch (error) {
      if (error instanceof TmuxError) return false;
      throw error;
    }
  }

  async listSessions(): Promise<string[]> {
    try {
      return (await this.run(['list-sessions', '-F', '#{session_name}'])).split('\n').filter(Boolean);
    } catch (error) {
      // No server running = no sessions.
      if (error instanceof TmuxError && /no server running|error connecting|No such file/i.test(error.stderr)) return [];
      throw error;
    }
  }

  async launch(layout: SessionSpec, options: LaunchOptions): Promise<LaunchResult> {
    const layoutProblems = tmuxLayoutProblems(layout);
    if (layoutProblems.length) {
      throw new PicodeError(`${layout.source.file}: ${layoutProblems.join('; ')}`, {
        hint: 'use a tmux layout name, or copy a layout string from `tmux display -p "#{window_layout}"` in a window with as many panes',
      });
    }
    const nameProblem = sessionNameProblem(options.session);
    if (nameProblem) throw new PicodeError(`invalid session name: ${nameProblem}`, { hint: 'pass another name with --session' });
    let invocations = 0;
    if (options.replace) {
      invocations++;
      await this.kill(options.session).catch(() => undefined);
    }
    const shell = this.env.SHELL || '/bin/sh';
    const plan = buildPlan(layout, {
      session: options.session,
      width: options.width,
      height: options.height,
      shell,
      shellInitArgv: await shellInitArgv(layout, shell, this.env),
      picodeArgv: [process.execPath, join(packageRoot(), 'bin', 'picode.js')],
      tmuxSocket: this.target.socket,
      baseIndex: layout.windows.some((w) => w.index !== undefined) ? await this.baseIndex() : undefined,
    });
    let built: { sessionId: string; panes: PaneInfo[]; invocations: number };
    try {
      built = await this.build(layout, plan, options.session, true);
    } catch (error) {
      if (!caughtExiting(error)) throw error;
      // The server this build reached was on its way out (its last session had just been
      // killed): what the build made went with it or was removed by build(). Once more, on a
      // fresh server.
      await this.settle();
      invocations += 1;
      built = await this.build(layout, plan, options.session, false);
    }
    invocations += built.invocations;
    if (plan.typed.length) {
      const { sendWhenReady } = await import('./typed.js');
      invocations += await sendWhenReady(this, built.sessionId, built.panes, plan.typed);
    }
    return { session: options.session, sessionId: built.sessionId, panes: built.panes, invocations };
  }

  /** The server's `base-index` (starting the server, and so reading its tmux.conf, when none runs). */
  private async baseIndex(): Promise<number> {
    const out = await this.run(['start-server', ';', 'show-options', '-gv', 'base-index']).catch(() => '0');
    return Number(out.trim()) || 0;
  }

  /**
   * Runs the plan (one invocation unless the layout is too big for tmux's command length),
   * ending with a listing of the new panes, and checks that what tmux built is what the
   * layout asked for. On any failure it removes the session it created (by the id
   * `new-session -P` printed), and only that.
   */
  private async build(layout: SessionSpec, plan: BuildPlan, session: string, mayRetry: boolean): Promise<{ sessionId: string; panes: PaneInfo[]; invocations: number }> {
    const argvs = invocations([...plan.commands, ['list-panes', '-s', '-t', `=${session}`, '-F', PANE_FORMAT]]);
    let printed = '';
    try {
      for (const argv of argvs) printed += await this.run(argv);
    } catch (error) {
      if (error instanceof TmuxError) printed += error.stdout;
      const createdId = /^\$\d+/.exec(printed)?.[0];
      if (createdId) await this.run(['kill-session', '-t', createdId]).catch(() => undefined);
      throw mayRetry && caughtExiting(error) ? error : await this.buildError(error, layout, session);
    }
    const [sessionId = '', ...listing] = printed.split('\n');
    const panes = parsePanes(listing.join('\n'));
    const mismatch = compareBuilt(plan.panesPerWindow, panes);
    if (mismatch) {
      await this.run(['kill-session', '-t', sessionId]).catch(() => undefined);
      throw new PicodeError(`tmux did not build the session "${session}" from ${layout.source.file} as laid out (${mismatch}); the session was removed`, {
        hint: 'a tmux.conf hook that adds or closes windows or panes when a session is created can cause this; `picode layout check FILE --tmux` prints what picode sends',
      });
    }
    return { sessionId, panes, invocations: argvs.length };
  }

  private async buildError(error: unknown, layout: SessionSpec, session: string): Promise<unknown> {
    if (!(error instanceof TmuxError)) return error;
    if (/duplicate session/.test(error.stderr)) return sessionExistsError(session);
    const unknown = await this.unknownOptions(layout);
    if (unknown.length) {
      return new PicodeError(`${layout.source.file}: tmux has no option (or several start with) ${unknown.map((o) => `"${o}"`).join(', ')}; the session was not created`, {
        hint: 'check the spelling against `tmux show-options -g` and `tmux show-options -gw` (user options start with @)',
      });
    }
    return new PicodeError(`tmux could not build the session "${session}" from ${layout.source.file}: ${error.stderr.trim()}`, {
      hint: `the message above is tmux's own; \`picode layout check ${layout.source.file} --tmux\` prints the commands picode sent`,
    });
  }

  /**
   * Waits until the server a build was caught by has gone: a new client then either starts a
   * fresh server or finds a live one. (Bounded: after that the retry reports what it finds.)
   */
  private async settle(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        await this.run(['list-sessions', '-F', '#{session_id}']);
        return;
      } catch (error) {
        if (!caughtExiting(error)) return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Attaches this terminal to the session (its id, or its name). Inside this tmux server it
   * switches the client that shows the caller's pane instead, named explicitly (`-c TTY`).
   */
  async attach(session: string): Promise<number> {
    const target = session.startsWith('$') ? session : `=${session}`;
    if (this.insideSameServer()) {
      const { callerClient } = await import('./client.js');
      const client = await callerClient(this.target.binary, this.env);
      if (!client) {
        process.stderr.write(`picode: no tmux client shows this pane, so none was switched; attach with: tmux${this.target.socket ? ` -L ${this.target.socket}` : ''} attach -t ${session}\n`);
        return 0;
      }
      return runTmuxInteractive(this.target, ['switch-client', '-c', client.tty, '-t', target], this.env);
    }
    // Attaching from inside another tmux server nests it: tmux refuses while $TMUX is set.
    const env = { ...this.env };
    delete env.TMUX;
    delete env.TMUX_PANE;
    return runTmuxInteractive(this.target, ['attach-session', '-t', target], env);
  }

  /** True when picode runs in a pane of this very tmux server ($TMUX names its socket). */
  insideSameServer(): boolean {
    return this.env.TMUX !== undefined && sameFile(this.env.TMUX.split(',')[0]!, this.socketPath());
  }

  /**
   * Kills the session and returns once what it stopped is gone: the control clients that
   * were attached to it (a host's `tmux -C`) have exited and, when it was the server's last
   * session, the server too (tmux's exit-empty), so the next command starts a fresh server
   * instead of reaching one that is shutting down ("server exited unexpectedly"). Waiting is
   * bounded: a server kept up by something else (a run-shell job) is left after 5 s.
   */
  async kill(session: string): Promise<void> {
    const out = await this.run(chain([
      ['display-message', '-p', '-t', `=${session}:`, 'server #{pid} #{exit-empty}'],
      ['list-clients', '-t', `=${session}`, '-F', 'client #{client_control_mode} #{client_pid}'],
      ['list-sessions', '-F', 'session #{session_id}'],
      ['kill-session', '-t', `=${session}`],
    ]));
    const lines = out.split('\n').map((line) => line.split(' '));
    const [, serverPid, exitEmpty] = lines.find((l) => l[0] === 'server') ?? [];
    const waitFor = lines.filter((l) => l[0] === 'client' && l[1] === '1').map((l) => Number(l[2]));
    const lastSession = lines.filter((l) => l[0] === 'session').length === 1;
    if (lastSession && exitEmpty !== '0' && serverPid) waitFor.push(Number(serverPid));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && waitFor.some(processAlive)) await new Promise((r) => setTimeout(r, 5));
  }

  async listPanes(session: string): Promise<PaneInfo[]> {
    return parsePanes(await this.run(['list-panes', '-s', '-t', `=${session}`, '-F', PANE_FORMAT]));
  }

  async capture(paneId: string, options: CaptureOptions = {}): Promise<string> {
    const args = ['capture-pane', '-p', '-J', '-t', paneId];
    if (options.ansi) args.push('-e');
    if (options.lines) args.push('-S', String(-options.lines));
    return this.run(args);
  }

  async sendText(paneId: string, text: string, enter: boolean): Promise<void> {
    const commands = [['send-keys', '-t', paneId, '-l', '--', text]];
    if (enter) commands.push(['send-keys', '-t', paneId, 'Enter']);
    await this.run(chain(commands));
  }

  async sendKeys(paneId: string, keys: readonly string[]): Promise<void> {
    await this.run(['send-keys', '-t', paneId, '--', ...keys]);
  }

  /**
   * After a failed build: the session and window option names of the layout that tmux does
   * not know. (When the failing command list is the one that started the server, tmux's
   * own message is lost, so the likely culprit is looked up on a throwaway server.)
   */
  private async unknownOptions(layout: SessionSpec): Promise<string[]> {
    const names = [...Object.keys(layout.options), ...layout.windows.flatMap((w) => Object.keys(w.options))].filter((n) => !n.startsWith('@'));
    if (names.length === 0) return [];
    const probe: TmuxTarget = { socket: `picode-probe-${process.pid}`, binary: this.target.binary };
    try {
      const out = await runTmux(probe, ['-f', '/dev/null', 'new-session', '-d', ';', 'show-options', '-g', ';', 'show-options', '-gw', ';', 'show-options', '-gp'], { env: this.env });
      const known = [...new Set(out.split('\n').map((line) => line.split(' ')[0]!.replace(/\[\d+\]$/, '')).filter(Boolean))];
      // tmux accepts an exact name or an unambiguous prefix of one.
      return [...new Set(names.filter((n) => !known.includes(n) && known.filter((k) => k.startsWith(n)).length !== 1))];
    } catch {
      return [];
    } finally {
      await runTmux(probe, ['kill-server'], { env: this.env }).catch(() => undefined);
    }
  }

  /** The server's socket path, as tmux puts it in $TMUX (TMUX_TMPDIR or /tmp, tmux-UID, name). */
  socketPath(): string {
    const dir = this.env.TMUX_TMPDIR || '/tmp';
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    return join(dir, `tmux-${uid}`, this.target.socket ?? 'default');
  }
}

/** Same path once symbolic links are resolved (macOS's /tmp is /private/tmp in $TMUX). */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** tmux's words when the server went away under a command (it was exiting, or crashed). */
function caughtExiting(error: unknown): boolean {
  return error instanceof TmuxError && /server exited unexpectedly|lost server/.test(error.stderr);
}

/** What differs between the windows and panes tmux built and the layout's, or undefined. */
export function compareBuilt(panesPerWindow: readonly number[], panes: readonly PaneInfo[]): string | undefined {
  const built: number[] = [];
  let lastWindow: string | undefined;
  for (const pane of panes) {
    if (pane.windowId !== lastWindow) built.push(0);
    lastWindow = pane.windowId;
    built[built.length - 1]!++;
  }
  if (built.length !== panesPerWindow.length) return `${built.length} window(s) instead of ${panesPerWindow.length}`;
  const window = built.findIndex((n, i) => n !== panesPerWindow[i]);
  return window < 0 ? undefined : `window ${window + 1} has ${built[window]} pane(s) instead of ${panesPerWindow[window]}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parsePanes(out: string): PaneInfo[] {
  return out.split('\n').filter(Boolean).map(parsePane);
}

function parsePane(line: string): PaneInfo {
  const [id, name, title, windowId, windowName, index, width, height, active, command, cwd, pid, dead] = line.split(SEP);
  return {
    id: id!,
    name: name || title || undefined,
    windowId: windowId!,
    windowName: windowName ?? '',
    index: Number(index),
    width: Number(width),
    height: Number(height),
    active: active === '1',
    command: command ?? '',
    cwd: cwd ?? '',
    pid: pid ? Number(pid) : undefined,
    dead: dead === '1',
  };
}

/** Only loads the shell-integration module when a pane asks for it. */
export async function shellInitArgv(layout: SessionSpec, shell: string, env: NodeJS.ProcessEnv): Promise<string[] | undefined> {
  const wanted = layout.windows.some((w) => JSON.stringify(w.root).includes('"shellInit":true'));
  if (!wanted) return undefined;
  const { shellInitCommand } = await import('../shellInit.js');
  return shellInitCommand(shell, env);
}
