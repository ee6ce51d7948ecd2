import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayout } from '../../../host/layout/load.js';
import { TmuxMux } from '../../../host/mux/tmux/tmux.js';
import { killTmuxServer } from '../../support/tmuxServer.js';

/**
 * Real tmuxp and tmuxinator next to picode, each on its own private tmux server inside one
 * private TMUX_TMPDIR, with a hermetic HOME and environment; nothing ever attaches.
 * (.ci/run installs both tools from Debian when they are missing.)
 */
export interface ToolBox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  tmux(socket: string, args: readonly string[]): string;
  /** `tmuxp load -d` of the file on its own server; returns the socket. */
  tmuxp(file: string): string;
  /** `tmuxinator start --no-attach` of the project on its own server (via socket_name); returns the socket. */
  tmuxinator(file: string): string;
  /** picode's launch of the same file (the real loader and tmux adapter) at a given size; returns the socket. */
  picode(file: string, size: { width: number; height: number }, cwd?: string): Promise<string>;
  cleanup(): void;
}

export function toolBox(): ToolBox {
  const dir = mkdtempSync(join(tmpdir(), 'picode-tools-'));
  mkdirSync(join(dir, 'tmux'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    TMUX_TMPDIR: join(dir, 'tmux'),
    LANG: 'C.UTF-8',
    PICODE_HOME: join(dir, 'state'),
    XDG_CONFIG_HOME: join(dir, 'xdg'),
  };
  const sockets: string[] = [];
  const socket = (tool: string): string => {
    const name = `picode-cmp-${tool}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    sockets.push(name);
    return name;
  };
  const tmux = (sock: string, args: readonly string[]): string => execFileSync('tmux', ['-L', sock, ...args], { encoding: 'utf8', env });
  return {
    dir,
    env,
    tmux,
    tmuxp(file) {
      const sock = socket('tmuxp');
      execFileSync('tmuxp', ['load', '-d', '-y', '-L', sock, file], { cwd: dir, env, stdio: 'pipe', timeout: 60_000 });
      return sock;
    },
    tmuxinator(file) {
      const sock = socket('tmuxinator');
      const copy = `${file}.tmuxinator.yml`;
      // tmuxinator's own way to choose a server: socket_name in the project.
      writeFileSync(copy, `socket_name: ${sock}\n${readFileSync(file, 'utf8')}`);
      execFileSync('tmuxinator', ['start', '--no-attach', '-p', copy], { cwd: dir, env, stdio: 'pipe', timeout: 60_000 });
      return sock;
    },
    async picode(file, size, cwd = dir) {
      const sock = socket('picode');
      const spec = await loadLayout(file, { cwd, env });
      await new TmuxMux({ socket: sock, env }).launch(spec, { session: spec.name, replace: false, width: size.width, height: size.height });
      return sock;
    },
    cleanup() {
      for (const sock of sockets) killTmuxServer(sock, env);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WindowShot {
  readonly index: number;
  readonly name: string;
  readonly active: boolean;
  readonly panes: ReadonlyArray<{ readonly width: number; readonly height: number; readonly active: boolean; readonly path: string }>;
}

/** What the comparisons look at: windows (index, name, active) and their panes in order. */
export function snapshot(box: ToolBox, sock: string, session: string): WindowShot[] {
  const windows = box.tmux(sock, ['list-windows', '-t', `=${session}`, '-F', '#{window_index}<|>#{window_name}<|>#{window_active}'])
    .split('\n').filter(Boolean).map((line) => line.split('<|>'));
  const panes = box.tmux(sock, ['list-panes', '-s', '-t', `=${session}`, '-F', '#{window_index}<|>#{pane_width}<|>#{pane_height}<|>#{pane_active}<|>#{pane_current_path}'])
    .split('\n').filter(Boolean).map((line) => line.split('<|>'));
  return windows.map(([index, name, active]) => ({
    index: Number(index),
    name: name!,
    active: active === '1',
    panes: panes.filter((p) => p[0] === index).map(([, width, height, paneActive, path]) => ({
      width: Number(width), height: Number(height), active: paneActive === '1', path: path!,
    })),
  }));
}

/** Differences between two snapshots: windows, pane counts, active pane, dirs exactly; sizes within one cell. */
export function differences(expected: readonly WindowShot[], actual: readonly WindowShot[]): string[] {
  const out: string[] = [];
  const describe = (w: WindowShot): string => `${w.index}:${w.name}${w.active ? '*' : ''}`;
  if (expected.map(describe).join(' ') !== actual.map(describe).join(' ')) {
    out.push(`windows: expected ${expected.map(describe).join(' ')}, got ${actual.map(describe).join(' ')}`);
  }
  expected.forEach((w, i) => {
    const a = actual[i];
    if (!a) return;
    if (w.panes.length !== a.panes.length) {
      out.push(`window ${w.name}: expected ${w.panes.length} panes, got ${a.panes.length}`);
      return;
    }
    w.panes.forEach((p, j) => {
      const q = a.panes[j]!;
      if (Math.abs(p.width - q.width) > 1 || Math.abs(p.height - q.height) > 1) {
        out.push(`window ${w.name} pane ${j}: expected ${p.width}x${p.height}, got ${q.width}x${q.height}`);
      }
      if (p.active !== q.active) out.push(`window ${w.name} pane ${j}: active ${p.active} expected, got ${q.active}`);
      if (p.path !== q.path) out.push(`window ${w.name} pane ${j}: directory ${p.path} expected, got ${q.path}`);
    });
  });
  return out;
}
