import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { PicodeError } from '../../core/errors.js';
import { sessionExistsError } from '../errors.js';
import { packageRoot } from '../../core/paths.js';
import type { SessionSpec } from '../../layout/model.js';
import type { CaptureOptions, LaunchOptions, LaunchResult, Multiplexer, MuxObserver, PaneInfo } from '../types.js';
import { chain, runTmux, runTmuxInteractive, TmuxError, type TmuxTarget } from './exec.js';
import { buildPlan } from './plan.js';
import { tmuxLayoutProblems } from './layoutString.js';
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
    invocations++;
    let listed: string;
    try {
      // The same invocation ends by listing the new panes: nothing else in it prints.
      listed = await this.run(chain([...plan.commands, ['list-panes', '-s', '-t', `=${options.session}`, '-F', PANE_FORMAT]]));
    } catch (error) {
      if (error instanceof TmuxError && /duplicate session/.test(error.stderr)) throw sessionExistsError(options.session);
      // tmux stops a command list at the first failing command: remove the half-built
      // session rather than leave it behind.
      await this.kill(options.session).catch(() => undefined);
      if (error instanceof TmuxError) {
        const unknown = await this.unknownOptions(layout);
        if (unknown.length) {
          throw new PicodeError(`${layout.source.file}: tmux has no option (or several start with) ${unknown.map((o) => `"${o}"`).join(', ')}; the session was not created`, {
            hint: 'check the spelling against `tmux show-options -g` and `tmux show-options -gw` (user options start with @)',
          });
        }
        throw new PicodeError(`tmux could not build the session "${options.session}" from ${layout.source.file}: ${error.stderr.trim()}`, {
          hint: `the message above is tmux's own; \`picode layout check ${layout.source.file} --tmux\` prints the commands picode sent`,
        });
      }
      throw error;
    }
    const panes = parsePanes(listed);
    if (plan.typed.length) {
      const { sendWhenReady } = await import('./typed.js');
      invocations += await sendWhenReady(this, options.session, panes, plan.typed);
    }
    return { session: options.session, panes, invocations };
  }

  /** The server's `base-index` (starting the server, and so reading its tmux.conf, when none runs). */
  private async baseIndex(): Promise<number> {
    const out = await this.run(['start-server', ';', 'show-options', '-gv', 'base-index']).catch(() => '0');
    return Number(out.trim()) || 0;
  }

  /** Attaches this terminal (or switches the current client when already inside this tmux server). */
  async attach(session: string): Promise<number> {
    const insideSameServer = this.env.TMUX !== undefined && sameFile(this.env.TMUX.split(',')[0]!, this.socketPath());
    if (insideSameServer) return runTmuxInteractive(this.target, ['switch-client', '-t', `=${session}`], this.env);
    // Attaching from inside another tmux server nests it: tmux refuses while $TMUX is set.
    const env = { ...this.env };
    delete env.TMUX;
    return runTmuxInteractive(this.target, ['attach-session', '-t', `=${session}`], env);
  }

  async kill(session: string): Promise<void> {
    await this.run(['kill-session', '-t', `=${session}`]);
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
  const { shellInitCommand } = await import('../../daemon/shellInit.js');
  return shellInitCommand(shell, env);
}
