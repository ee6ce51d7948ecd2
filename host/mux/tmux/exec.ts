import { execFile, spawn } from 'node:child_process';
import { PicodeError } from '../../core/errors.js';

/**
 * Runs tmux against the right server. Every tmux process picode starts goes through here,
 * so `-L <socket>` (a private server, for tests and for users who keep picode apart) is
 * never forgotten and failures always carry tmux's own message.
 */
export interface TmuxTarget {
  /** `tmux -L NAME`; undefined = the user's default server. */
  readonly socket: string | undefined;
  /** The tmux executable (config `tmux.binary`). */
  readonly binary: string;
}

export class TmuxError extends PicodeError {
  /** What tmux printed before it failed (a chained build's `new-session -P` output). */
  stdout = '';

  constructor(readonly args: readonly string[], readonly stderr: string, readonly code: number | null) {
    super(`tmux ${args[0] ?? ''} failed: ${stderr.trim() || `exit code ${String(code)}`}`, {
      hint: 'run `picode doctor` to check tmux; the message above is tmux\'s own',
    });
  }
}

export function tmuxArgv(target: TmuxTarget, args: readonly string[]): string[] {
  return target.socket ? ['-L', target.socket, ...args] : [...args];
}

/** Runs one tmux invocation (possibly a `;`-chained list) and returns its stdout. */
export function runTmux(target: TmuxTarget, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(target.binary, tmuxArgv(target, args), { env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new PicodeError(`tmux is not installed (no "${target.binary}" on PATH)`, {
          hint: 'install tmux 3.2 or newer (apt-get install tmux, brew install tmux), or set tmux.binary in your picode config',
        }));
        return;
      }
      const failure = new TmuxError(args, String(stderr), typeof error.code === 'number' ? error.code : null);
      failure.stdout = String(stdout);
      reject(failure);
    });
  });
}

/** Runs tmux with the terminal attached (attach-session, switch-client); resolves with its exit code. */
export function runTmuxInteractive(target: TmuxTarget, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(target.binary, tmuxArgv(target, args), { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Joins commands into one invocation: `a ; b ; c` as separate argv words. tmux treats an
 * argument that ends in `;` as a separator, so such an argument (a shell command ending in
 * `;` or `\;`) gets the backslash tmux expects to keep its `;` literal.
 */
export function chain(commands: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  commands.forEach((command, i) => {
    if (i > 0) out.push(';');
    for (const arg of command) out.push(arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg);
  });
  return out;
}

/**
 * tmux sends a command list to its server as one message of at most 16 KiB: the arguments,
 * each with a terminating NUL (tmux says "command too long" beyond that). The budget keeps a
 * margin below the measured limit (docs/benchmarks.md, "Big layouts").
 */
export const TMUX_COMMAND_BYTES = 16_000;

/**
 * Packs commands, in order, into as few chained invocations as fit `maxBytes` each: one for
 * any ordinary layout. A single command longer than the budget still gets an invocation of
 * its own (tmux then says what is wrong).
 */
export function invocations(commands: readonly (readonly string[])[], maxBytes = TMUX_COMMAND_BYTES): string[][] {
  const out: string[][] = [];
  let current: string[][] = [];
  let size = 0;
  for (const command of commands) {
    const bytes = chain([command]).reduce((n, arg) => n + Buffer.byteLength(arg) + 1, 0);
    // `;` between two commands is one more argument: two bytes.
    if (current.length && size + 2 + bytes > maxBytes) {
      out.push(chain(current));
      current = [];
      size = 0;
    }
    size += (current.length ? 2 : 0) + bytes;
    current.push([...command]);
  }
  if (current.length) out.push(chain(current));
  return out;
}

/** tmux expands `#{...}` formats in some arguments (-c, -T): a literal `#` is written `##`. */
export function escapeFormat(text: string): string {
  return text.replace(/#/g, '##');
}
