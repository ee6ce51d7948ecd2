import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ControlStreamParser, type ControlLine } from './parser.js';

/**
 * A tmux control-mode client (`tmux -C attach-session`): one long-lived process whose stdin
 * takes tmux commands (one per line) and whose stdout streams replies and notifications.
 *
 * Commands are answered in order (`%begin`/`%end` blocks with flag 1), so replies are
 * matched to requests by a FIFO. Commands are only written once the attach completed: on
 * tmux 3.3a a command sent earlier fails with "no current client" (see docs/host.md).
 */
export interface ControlClientOptions {
  readonly session: string;
  readonly tmuxBinary?: string;
  /** Private server name (`tmux -L`). */
  readonly socket?: string | undefined;
  /** Client flags for `attach-session -f` (`ignore-size` is always set: the host has no screen). */
  readonly flags?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface ControlHandlers {
  output(pane: string, data: Buffer, age: number | undefined): void;
  notification(name: string, args: string): void;
  /** The client ended: `%exit` (with tmux's reason), the process died, or `close()`. */
  exit(reason: string): void;
}

export class TmuxCommandError extends Error {
  constructor(readonly command: string, readonly reply: readonly string[]) {
    super(`tmux: ${reply.join(' ').trim() || 'command failed'} (in: ${command})`);
    this.name = 'TmuxCommandError';
  }
}

interface Pending {
  readonly command: string;
  resolve(lines: string[]): void;
  reject(error: Error): void;
}

export class ControlClient {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending: Pending[] = [];
  private block: { lines: string[]; mine: boolean } | undefined;
  private attachedResolve!: () => void;
  private attachedReject!: (error: Error) => void;
  private isAttached = false;
  private exited = false;
  private exitReason: string | undefined;
  private stderr = '';
  /** Resolves once tmux finished attaching (commands may be sent from then on). */
  readonly attached: Promise<void>;

  constructor(private readonly options: ControlClientOptions, private readonly handlers: ControlHandlers) {
    this.attached = new Promise<void>((resolve, reject) => {
      this.attachedResolve = resolve;
      this.attachedReject = reject;
    });
    // Callers that only await commands must not see an unhandled rejection.
    this.attached.catch(() => undefined);
  }

  start(): void {
    const args: string[] = [];
    if (this.options.socket) args.push('-L', this.options.socket);
    const flags = ['ignore-size', ...(this.options.flags ?? [])];
    args.push('-C', 'attach-session', '-f', flags.join(','), '-t', `=${this.options.session}`);
    const child = spawn(this.options.tmuxBinary ?? 'tmux', args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.options.env ?? process.env,
    });
    this.child = child;
    const parser = new ControlStreamParser((line) => this.onLine(line));
    child.stdout.on('data', (chunk: Buffer) => parser.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => { /* the process is gone: 'exit' reports it */ });
    child.on('error', (error) => this.finish(`cannot run ${this.options.tmuxBinary ?? 'tmux'}: ${error.message}`));
    child.on('close', (code) => this.finish(this.exitReason ?? (this.stderr.trim() || `tmux exited with code ${code ?? 'signal'}`)));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Runs ONE tmux command and resolves with its output lines; rejects with its error. (A line
   * `a ; b` would get two reply blocks and shift every later reply: send commands separately.)
   */
  command(line: string): Promise<string[]> {
    if (line.includes('\n')) return Promise.reject(new Error('a control-mode command is one line'));
    if (this.exited) return Promise.reject(new Error(`tmux control client has exited (${this.exitReason ?? 'unknown'})`));
    return new Promise<string[]>((resolve, reject) => {
      this.pending.push({ command: line, resolve, reject });
      this.child!.stdin.write(`${line}\n`);
    });
  }

  /** Detaches (an empty line ends a control client) and waits for the process to end. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const done = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGTERM'), 2000);
    await done;
    clearTimeout(timer);
  }

  private onLine(line: ControlLine): void {
    switch (line.kind) {
      case 'output':
        this.handlers.output(line.pane, line.data, line.age);
        return;
      case 'begin':
        this.block = { lines: [], mine: (line.flags & 1) === 1 };
        return;
      case 'reply':
        this.block?.lines.push(line.text);
        return;
      case 'end':
      case 'error': {
        const block = this.block;
        this.block = undefined;
        if (block?.mine) {
          const pending = this.pending.shift();
          if (pending) {
            if (line.kind === 'end') pending.resolve(block.lines);
            else pending.reject(new TmuxCommandError(pending.command, block.lines));
          }
        } else if (!this.isAttached) {
          // The attach itself answers with a flag-0 block; an %error there means it failed.
          if (line.kind === 'error') this.exitReason = block?.lines.join(' ') || 'attach failed';
          else this.markAttached();
        }
        return;
      }
      case 'notification':
        if (line.name === 'session-changed' && !this.isAttached) this.markAttached();
        this.handlers.notification(line.name, line.args);
        return;
      case 'exit':
        // Keep the attach error tmux gave just before (`can't find session: x`).
        this.exitReason ??= line.reason ?? 'detached';
        return;
    }
  }

  private markAttached(): void {
    this.isAttached = true;
    this.attachedResolve();
  }

  private finish(reason: string): void {
    if (this.exited) return;
    this.exited = true;
    this.exitReason = reason;
    const error = new Error(`tmux control client ended: ${reason}`);
    if (!this.isAttached) this.attachedReject(error);
    for (const p of this.pending.splice(0)) p.reject(error);
    this.handlers.exit(reason);
  }
}

/**
 * Quotes an argument for tmux's command parser (a double-quoted string): backslash, double
 * quote, `$` and `~` are escaped, control characters become octal escapes, so any text
 * (newlines included) travels on one control-mode line and arrives unchanged.
 */
export function tmuxQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"' || ch === '$' || ch === '~') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
