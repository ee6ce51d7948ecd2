import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTmuxServer } from '../../support/tmuxServer.js';

export const repo = join(import.meta.dirname, '..', '..', '..');
export const bin = join(repo, 'bin', 'picode.js');
export const fixtures = join(repo, 'tests', 'fixtures', 'foundation');

export interface Sandbox {
  readonly dir: string;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `picode ARGS` against the compiled CLI. */
  picode(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs tmux on the sandbox's private server. */
  tmux(args: readonly string[]): string;
  serverRunning(): boolean;
  cleanup(): void;
}

/** A private tmux server, state directory and config directory for one test file. */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'picode-it-'));
  const socket = `picode-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(join(dir, 'xdg'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    PICODE_HOME: join(dir, 'state'),
    XDG_CONFIG_HOME: join(dir, 'xdg'),
    PICODE_TMUX_SOCKET: socket,
    PICODE_NO_HOST: '1',
  };
  const tmux = (args: readonly string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env });
  return {
    dir,
    socket,
    env,
    picode: (args, options = {}) => new Promise((resolve) => {
      execFile(process.execPath, [bin, ...args], { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    }),
    tmux,
    serverRunning: () => {
      try {
        tmux(['list-sessions']);
        return true;
      } catch {
        return false;
      }
    },
    cleanup: () => {
      killTmuxServer(socket);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PaneRow {
  window: string; windowActive: boolean; name: string; active: boolean; width: number; height: number;
  start: string; path: string; dead: boolean; deadStatus: string; remain: string; current: string;
}

export function panes(sb: Sandbox, session: string): PaneRow[] {
  const format = ['#{window_name}', '#{window_active}', '#{@picode_name}', '#{pane_active}', '#{pane_width}', '#{pane_height}',
    '#{pane_start_command}', '#{pane_current_path}', '#{pane_dead}', '#{pane_dead_status}', '#{remain-on-exit}', '#{pane_current_command}'].join('<|>');
  return sb.tmux(['list-panes', '-s', '-t', `=${session}`, '-F', format]).split('\n').filter(Boolean).map((line) => {
    const [window, windowActive, name, active, width, height, start, path, dead, deadStatus, remain, current] = line.split('<|>');
    return {
      window: window!, windowActive: windowActive === '1', name: name!, active: active === '1', width: Number(width), height: Number(height),
      start: start!, path: path!, dead: dead === '1', deadStatus: deadStatus!, remain: remain!, current: current!,
    };
  });
}

/** Polls until `check` passes (tmux and the panes' programs run asynchronously). */
export async function eventually<T>(check: () => T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
