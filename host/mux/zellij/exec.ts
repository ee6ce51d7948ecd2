import { spawn } from 'node:child_process';
import { PicodeError } from '../../core/errors.js';

/**
 * Runs the `zellij` CLI the one way that is safe to script (docs/zellij.md, "Driving Zellij"):
 *
 * - global options (`--session NAME`) BEFORE the subcommand: `zellij --session S action ...`
 *   (`-s` after a subcommand means something else: --start-suspended, --short, --scrollback);
 * - stdin is /dev/null: `zellij pipe` (and anything rewritten to it) reads stdin whenever it
 *   is not a TTY and would wait forever on an inherited pipe;
 * - a timeout on every call: a pipe to a plugin that never answers blocks forever in 0.45,
 *   and a wedged server must not wedge picode;
 * - exit codes are kept: 1 = no such session / ambiguous session, 2 = bad argument
 *   (malformed pane id, unknown key) or a server-side error.
 */

export interface ZellijRunnerOptions {
  /** The zellij executable (default `zellij`, found on PATH). */
  readonly binary?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Per-call timeout in milliseconds (default 10 s). */
  readonly timeoutMs?: number;
}

export interface ZellijResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** A zellij call that exited non-zero (or was killed by the timeout). */
export class ZellijCallError extends PicodeError {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'ZellijCallError';
  }

  /** Zellij's "there is no active session" / "session not found" family (exit 1). */
  get noSession(): boolean {
    return this.code === 1 && /no active session|session .*not found|no session (named|with)/i.test(this.stderr);
  }
}

export class ZellijNotInstalledError extends PicodeError {
  constructor(binary: string) {
    super(`zellij is not installed (could not run "${binary}")`, {
      hint: 'install Zellij 0.45 or newer (https://zellij.dev/documentation/installation), or use tmux: picode up --mux tmux',
    });
    this.name = 'ZellijNotInstalledError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** `zellij [--session S] ARGS...`: the session, a global option, always comes first. */
export function zellijArgv(session: string | undefined, args: readonly string[]): string[] {
  return session === undefined ? [...args] : ['--session', session, ...args];
}

export class ZellijRunner {
  readonly binary: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  /** Processes spawned so far (reported by launch as `invocations`). */
  calls = 0;

  constructor(options: ZellijRunnerOptions = {}) {
    this.binary = options.binary ?? 'zellij';
    this.env = options.env ?? process.env;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Runs `zellij [--session S] ARGS` and resolves with its output; rejects on a non-zero exit or the timeout. */
  run(session: string | undefined, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ZellijResult> {
    const argv = zellijArgv(session, args);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    this.calls++;
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.binary, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? this.env });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        // A client stuck in a blocking read may ignore SIGTERM.
        setTimeout(() => child.kill('SIGKILL'), 500).unref();
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? new ZellijNotInstalledError(this.binary) : error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const out = Buffer.concat(stdout).toString('utf8');
        const err = Buffer.concat(stderr).toString('utf8');
        const shown = `zellij ${argv.map(quoteForMessage).join(' ')}`;
        if (timedOut) {
          reject(new ZellijCallError(argv, null, err, `${shown} did not finish within ${timeoutMs} ms`,
            'is the Zellij server responsive? `zellij list-sessions` shows its sessions'));
        } else if (code !== 0) {
          const detail = err.trim().split('\n').slice(-3).join(' ') || out.trim().split('\n').slice(-1)[0] || 'no output';
          reject(new ZellijCallError(argv, code, err, `${shown} failed (exit ${code}): ${detail}`));
        } else {
          resolvePromise({ stdout: out, stderr: err });
        }
      });
    });
  }
}

function quoteForMessage(arg: string): string {
  const shown = arg.length > 60 ? `${arg.slice(0, 57)}...` : arg;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : JSON.stringify(shown);
}
