import { spawn } from 'node:child_process';
import { trackProcessTree } from './processTree.js';

/**
 * Runs one shell-command hook: `/bin/sh -c COMMAND` in its own process group, the input on
 * stdin, stdout and stderr captured up to a byte cap (the rest is drained and counted so a
 * chatty hook can never block on a full pipe nor fill the host's memory), killed with
 * everything it started at the timeout (SIGTERM, then SIGKILL after a grace period). What it
 * left running when it ended is ended too (processTree.ts: the group, and on Linux every
 * process that carries the run's token, setsid and daemons included).
 */
export interface ShellRunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** Grace between SIGTERM and SIGKILL at the timeout. */
  readonly killGraceMs?: number;
  /** Aborting kills the hook's process group at once (the host is stopping). */
  readonly signal?: AbortSignal;
}

export interface ShellRunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when stdout or stderr went over the byte cap. */
  readonly truncated: boolean;
  readonly timedOut: boolean;
  /** True when `signal` aborted the run. */
  readonly aborted: boolean;
  /** Set when the process could not be started at all. */
  readonly spawnError: string | undefined;
  readonly durationMs: number;
}

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  overflow = false;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) { this.overflow = true; return; }
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size += room;
      this.overflow = true;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function runShellCommand(command: string, input: string, options: ShellRunOptions): Promise<ShellRunResult> {
  const started = performance.now();
  const killGraceMs = options.killGraceMs ?? 1000;
  return new Promise((resolve) => {
    const stdout = new CappedBuffer(options.maxOutputBytes);
    const stderr = new CappedBuffer(options.maxOutputBytes);
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;

    const tree = trackProcessTree();
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: { ...options.env, ...tree.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so the timeout kills what the hook started too.
      detached: true,
    });

    if (child.pid !== undefined) tree.attach(child.pid);

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      clearTimeout(killTimer);
      clearTimeout(closeTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // Grandchildren that kept our pipes open must not keep the hook alive.
      child.stdout?.destroy();
      child.stderr?.destroy();
      // The run is over: nothing it started outlives it (ended in the background; the engine
      // waits for it when the host stops).
      void tree.end(aborted ? 0 : killGraceMs);
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.overflow || stderr.overflow,
        timedOut,
        aborted,
        spawnError,
        durationMs: performance.now() - started,
      });
    };

    const timeout = setTimeout(() => {
      timedOut = true;
      void tree.signal('SIGTERM');
      killTimer = setTimeout(() => void tree.signal('SIGKILL'), killGraceMs);
      killTimer.unref();
    }, options.timeoutMs);

    const onAbort = (): void => {
      aborted = true;
      void tree.signal('SIGKILL');
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => finish(null, null, error.message));
    child.on('close', (code, signal) => finish(code, signal));
    child.on('exit', (code, signal) => {
      // 'close' waits for the pipes; a background grandchild may hold them forever.
      closeTimer = setTimeout(() => finish(code, signal), 200);
      closeTimer.unref();
    });

    // A hook that never reads stdin makes the write fail with EPIPE: not an error of the hook.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
  });
}
