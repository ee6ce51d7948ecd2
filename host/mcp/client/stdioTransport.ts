import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineReader } from '../../ipc/protocol.js';

export interface BoundedStdioOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Longest message line accepted; a server sending more is stopped (it floods). */
  readonly maxLineBytes: number;
  /** Most messages per second accepted; a server sending more is stopped. */
  readonly maxMessagesPerSecond: number;
}

/** The variables a server gets from picode's environment (never API keys: those are given explicitly). */
const inheritedVariables = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TMPDIR', 'TZ', 'SYSTEMROOT'];

export function serverEnvironment(extra: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of inheritedVariables) if (env[key] !== undefined) base[key] = env[key];
  return { ...base, ...extra };
}

/**
 * MCP over a child process's stdin/stdout, like the SDK's StdioClientTransport, with the
 * bounds a host needs from a server it does not trust to behave: a line size cap and a
 * message rate cap (past either the process is killed and the connection closes with the
 * reason, so pending calls fail at once), its own process group (killed whole on close),
 * and the end of its stderr kept for `picode mcp list`.
 */
export class BoundedStdioTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: (<T extends JSONRPCMessage>(message: T) => void) | undefined;

  private child: ChildProcess | undefined;
  private stderrTail = '';
  private windowStart = 0;
  private windowCount = 0;
  private closed = false;
  /** Why the connection ended, when picode ended it or the process died. */
  failure: string | undefined;

  constructor(private readonly options: BoundedStdioOptions) {}

  get stderr(): string {
    return this.stderrTail;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, [...this.options.args], {
        cwd: this.options.cwd, env: this.options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
      });
      this.child = child;
      const reader = new LineReader((line) => this.onLine(line), this.options.maxLineBytes);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (!reader.push(chunk)) this.fail(`sent a message over ${this.options.maxLineBytes} bytes`);
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
      });
      child.stdin!.on('error', () => { /* the process died: 'exit' reports it */ });
      child.once('error', (error) => {
        this.failure ??= `cannot start ${this.options.command}: ${error.message}`;
        reject(new Error(this.failure));
        this.finish();
      });
      child.once('spawn', () => resolve());
      child.once('exit', (code, signal) => {
        // What it wrote before exiting is still in the pipe: read it first (a child of the
        // server may hold the pipe open, so not for long).
        const stdout = child.stdout!;
        const done = (): void => {
          clearTimeout(timer);
          this.failure ??= `the server exited (${signal ? `signal ${signal}` : `code ${code}`})${this.stderrTail.trim() ? `: ${lastLine(this.stderrTail)}` : ''}`;
          this.finish();
        };
        const timer = setTimeout(done, 200);
        if (stdout.readableEnded || stdout.destroyed) done();
        else stdout.once('close', done);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (this.closed || !stdin || stdin.destroyed) {
        reject(new Error(this.failure ?? 'the server is not running'));
        return;
      }
      stdin.write(`${JSON.stringify(message)}\n`, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Asks the server to end (stdin closed, SIGTERM to its group), then kills what is left after a second. */
  async close(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      this.signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => { timer = setTimeout(resolve, 1000); })]);
      clearTimeout(timer);
      this.kill();
    }
    this.finish();
  }

  private onLine(line: string): void {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) { this.windowStart = now; this.windowCount = 0; }
    if (++this.windowCount > this.options.maxMessagesPerSecond) {
      this.fail(`sent more than ${this.options.maxMessagesPerSecond} messages in a second`);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(line));
    } catch {
      this.onerror?.(new Error(`the server sent a line that is not a JSON-RPC message: ${line.slice(0, 200)}`));
      return;
    }
    this.onmessage?.(message);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    this.onerror?.(new Error(reason));
    this.kill();
    this.finish();
  }

  private kill(): void {
    this.signal('SIGKILL');
  }

  /** Signals the server's whole process group (it may have started children of its own). */
  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try { process.kill(-pid, signal); } catch { try { this.child!.kill(signal); } catch { /* gone */ } }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.child?.stdout?.removeAllListeners('data');
    this.onclose?.();
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)!.slice(0, 300);
}
