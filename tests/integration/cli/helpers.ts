import { join } from 'node:path';
import { createWorld, type World } from '../../support/world.js';

export const repo = join(import.meta.dirname, '..', '..', '..');
export const bin = join(repo, 'bin', 'picode.js');
export const fixtures = join(repo, 'tests', 'fixtures', 'layout');

export interface Sandbox {
  readonly dir: string;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where `picode` runs: outside tmux, or typed into a shell inside a pane of the private server. */
  readonly where: 'outside' | 'inside';
  /** Runs `picode ARGS` against the compiled CLI (inside: checking that the caller's session is untouched). */
  picode(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs tmux on the sandbox's private server. */
  tmux(args: readonly string[]): string;
  serverRunning(): boolean;
  /** The sessions on the private server, the caller's left out. */
  sessions(): string[];
  /** The world underneath (tests/support/world.ts). */
  readonly world: World;
  cleanup(): Promise<void>;
}

/**
 * A private tmux server, state directory and config directory for one test file, on the
 * shared harness (tests/support/world.ts); `inside` runs every command from a shell in a
 * pane of that server, with another session attached.
 */
export function sandbox(where: 'outside' | 'inside' = 'outside'): Sandbox {
  const world = createWorld({ env: { PICODE_NO_HOST: '1' } });
  return {
    dir: world.dir,
    socket: world.socket,
    env: world.env,
    where,
    world,
    picode: async (args, options = {}) => {
      const run = where === 'inside' ? (await world.caller()).cli : world.cli;
      const result = await run(args, options);
      return { ...result, code: result.code ?? -1 };
    },
    tmux: (args) => world.tmux(...args),
    serverRunning: world.serverRunning,
    sessions: () => (world.serverRunning() ? world.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter((s) => s && s !== 'caller') : []),
    cleanup: () => world.dispose(),
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
