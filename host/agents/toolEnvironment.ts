import { spawn } from 'node:child_process';
import type { HostApi, RunResult } from '../api/hostApi.js';
import type { PaneInfo } from '../mux/types.js';
import { shellQuote } from '../core/shellQuote.js';

/**
 * Where an agent's tools act. Inside the host, commands run in a pane the person can watch
 * (through HostApi.panes, which passes the `pane.send.before` gate) and the pane tools are
 * available; a CLI run without a host runs commands as child processes in the working
 * directory and has no pane tools.
 */
export interface ToolEnvironment {
  /** The directory file tools are confined to (the project, or the run's git worktree). */
  readonly root: string;
  /** The pane commands run in by default; undefined = child processes in `root`. */
  readonly workPane: string | undefined;
  /** Who is acting, for the host's records (`agent:12`). */
  readonly origin: string;
  run(command: string, options: { pane?: string | undefined; timeoutMs: number; signal: AbortSignal }): Promise<RunResult>;
  readonly panes?: {
    list(): PaneInfo[];
    capture(pane: string, lines: number): Promise<string>;
    sendText(pane: string, text: string, enter: boolean): Promise<void>;
    sendKeys(pane: string, keys: readonly string[]): Promise<void>;
  } | undefined;
}

export function hostEnvironment(host: HostApi, options: { root: string; workPane: string | undefined; origin: string; cdFirst: boolean }): ToolEnvironment {
  const origin = options.origin;
  const resolvePane = (pane: string) => {
    const info = host.panes.resolve(pane);
    if (!info) throw new Error(`no pane "${pane}" in session ${host.session}; panes: ${host.panes.list().map(describePane).join(', ')}`);
    return info.id;
  };
  return {
    root: options.root,
    workPane: options.workPane,
    origin,
    run: async (command, { pane, timeoutMs, signal }) => {
      const target = pane ?? options.workPane;
      if (!target) return runChild(command, options.root, timeoutMs, signal);
      // A run in its own worktree shares the pane's shell with the person: enter the
      // worktree in the same command line so the command never runs in the wrong tree.
      const line = options.cdFirst ? `cd ${shellQuote(options.root)} && ${command}` : command;
      return host.panes.run(resolvePane(target), line, { origin, timeoutMs });
    },
    panes: {
      list: () => host.panes.list(),
      capture: (pane, lines) => host.panes.capture(resolvePane(pane), { lines }),
      sendText: (pane, text, enter) => host.panes.sendText(resolvePane(pane), text, { enter, origin }),
      sendKeys: (pane, keys) => host.panes.sendKeys(resolvePane(pane), keys, { origin }),
    },
  };
}

export function localEnvironment(root: string, origin: string): ToolEnvironment {
  return { root, workPane: undefined, origin, run: (command, { timeoutMs, signal }) => runChild(command, root, timeoutMs, signal) };
}

export function describePane(pane: PaneInfo): string {
  return pane.name ? `${pane.name} (${pane.id})` : pane.id;
}

/** Runs `sh -c COMMAND` with stdout and stderr interleaved as the person would see them. */
export function runChild(command: string, cwd: string, timeoutMs: number, signal: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: Buffer) => {
      // Keep the last 1 MB: the end of a long output (the failure) matters most.
      chunks.push(chunk);
      size += chunk.length;
      while (size > 1_048_576 && chunks.length > 1) size -= chunks.shift()!.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let interrupted = false;
    const kill = () => {
      interrupted = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    };
    const timer = setTimeout(kill, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output: String(error.message), durationMs: performance.now() - started, interrupted: true });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      resolve({ exitCode: interrupted ? null : code, output: Buffer.concat(chunks).toString('utf8'), durationMs: performance.now() - started, interrupted });
    });
  });
}

export { shellQuote };
