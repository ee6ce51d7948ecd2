import { connect, type Socket } from 'node:net';
import { ExitCode, PicodeError } from '../core/errors.js';
import { hostSocketFor } from './address.js';
import { describeSession } from '../core/hostIdentity.js';
import { shellCommand } from '../core/shellQuote.js';
import {
  LineReader, RpcErrorCode, encodeMessage, helloMethod, isNotification, isResponse, parseMessage,
  type RpcErrorObject, type RpcResponse,
} from './protocol.js';

/**
 * A connection to a session's host. `call` sends a JSON-RPC request and resolves with its
 * result (a user error from the host rejects with a PicodeError carrying the host's hint);
 * `onNotification` receives what streaming methods send back on the same connection.
 */
export interface HostClient {
  call<TResult = unknown>(method: string, params?: unknown): Promise<TResult>;
  /** Handles notifications of one method (`*` = every method); returns a function that stops. */
  onNotification(method: string, handler: (params: unknown, method: string) => void): () => void;
  /** Resolves when the connection ends (the host stopped, or `close` was called). */
  readonly closed: Promise<void>;
  close(): void;
}

export interface ConnectOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Socket path to use instead of the session's (tests). */
  readonly socketPath?: string;
}

/** How long a client waits for the host's `host.hello` before refusing it (a busy host sends it late). */
const helloTimeoutMs = 30_000;

export async function connectHost(session: string, tmuxSocket?: string, options: ConnectOptions = {}): Promise<HostClient> {
  const path = options.socketPath ?? hostSocketFor(session, tmuxSocket, options.env);
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(new PicodeError(`no picode host is running for session ${describeSession(session, tmuxSocket)}`, {
          hint: `start the workspace with \`picode up\`, or run the host with \`${shellCommand(['picode', 'host', '--session', session, ...(tmuxSocket ? ['--tmux-socket', tmuxSocket] : [])])}\``,
          exitCode: ExitCode.unavailable,
        }));
      } else {
        reject(new PicodeError(`cannot reach the picode host of session ${describeSession(session, tmuxSocket)} at ${path}: ${error.message}`, {
          hint: 'check the permissions of the state directory (PICODE_HOME)',
          exitCode: ExitCode.unavailable,
        }));
      }
    });
  });
  const client = new SocketHostClient(socket, session, tmuxSocket);
  try {
    checkIdentity(await client.hello(helloTimeoutMs), session, tmuxSocket, path);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/** Refuses a host that is not the one asked for (another session or server on this socket path). */
function checkIdentity(hello: Record<string, unknown>, session: string, tmuxSocket: string | undefined, path: string): void {
  if (typeof hello.session !== 'string') return; // a bare IPC server (tests): it names no session
  const server = typeof hello.tmuxSocket === 'string' ? hello.tmuxSocket : undefined;
  if (hello.session === session && server === tmuxSocket) return;
  throw new PicodeError(`the socket ${path} is served by the host of session ${describeSession(hello.session, server)}, not ${describeSession(session, tmuxSocket)}: refusing to send it anything`, {
    hint: 'stop that host (picode down), or remove the socket file if no host should be there, then start this session\'s host again',
    exitCode: ExitCode.unavailable,
  });
}

class SocketHostClient implements HostClient {
  readonly closed: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>();
  private readonly handlers = new Map<string, Set<(params: unknown, method: string) => void>>();
  private ended = false;
  private readonly helloReceived: Promise<Record<string, unknown>>;
  private onHello: ((params: Record<string, unknown>) => void) | undefined;

  constructor(private readonly socket: Socket, private readonly session: string, private readonly tmuxSocket: string | undefined) {
    this.helloReceived = new Promise((resolve) => { this.onHello = resolve; });
    const reader = new LineReader((line) => this.onLine(line));
    socket.on('data', (chunk: Buffer) => {
      if (!reader.push(chunk)) socket.destroy(new Error('the host sent a line over the size limit'));
    });
    this.closed = new Promise<void>((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        const error = new PicodeError(`the picode host of session ${describeSession(this.session, this.tmuxSocket)} closed the connection`, {
          hint: 'the host stopped (see `picode events` and the host log); start it again with `picode up` or `picode host`',
          exitCode: ExitCode.unavailable,
        });
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
        resolve();
      });
    });
    // Errors surface as 'close' (pending calls reject there); never crash the caller.
    socket.on('error', () => {});
  }

  call<TResult = unknown>(method: string, params?: unknown): Promise<TResult> {
    if (this.ended) {
      return Promise.reject(new PicodeError(`the connection to the picode host of session ${describeSession(this.session, this.tmuxSocket)} is closed`, {
        exitCode: ExitCode.unavailable,
      }));
    }
    const id = this.nextId++;
    return new Promise<TResult>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.socket.write(encodeMessage({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  /** The host's `host.hello` (who it is); rejects when it does not come in time or the connection ends. */
  hello(timeoutMs: number): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    const fail = (why: string) => new PicodeError(`the picode host of session ${describeSession(this.session, this.tmuxSocket)} ${why}`, {
      hint: 'it may be a host of an older picode: restart it with `picode down` and `picode up`',
      exitCode: ExitCode.unavailable,
    });
    return Promise.race([
      this.helloReceived,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(fail(`did not identify itself within ${timeoutMs / 1000} s`)), timeoutMs); }),
      this.closed.then(() => { throw fail('closed the connection before identifying itself'); }),
    ]).finally(() => clearTimeout(timer));
  }

  onNotification(method: string, handler: (params: unknown, method: string) => void): () => void {
    let set = this.handlers.get(method);
    if (!set) this.handlers.set(method, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  private onLine(line: string): void {
    const message = parseMessage(line);
    if (!message) return;
    if (isResponse(message)) {
      this.settle(message);
    } else if (isNotification(message) && message.method === helloMethod && this.onHello) {
      const resolve = this.onHello;
      this.onHello = undefined;
      resolve(typeof message.params === 'object' && message.params !== null ? message.params as Record<string, unknown> : {});
    } else if (isNotification(message)) {
      for (const key of [message.method, '*']) {
        for (const handler of this.handlers.get(key) ?? []) handler(message.params, message.method);
      }
    }
  }

  private settle(response: RpcResponse): void {
    if (typeof response.id !== 'number') return;
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if ('error' in response) pending.reject(rpcError(response.error, pending.method));
    else pending.resolve(response.result);
  }
}

/** Turns a JSON-RPC error into what the CLI prints: user errors keep the host's message and hint. */
function rpcError(error: RpcErrorObject, method: string): Error {
  if (error.code === RpcErrorCode.userError) {
    return new PicodeError(error.message, { hint: error.data?.hint, exitCode: error.data?.exitCode ?? ExitCode.failure });
  }
  if (error.code === RpcErrorCode.methodNotFound) {
    return new PicodeError(`the host does not offer \`${method}\``, {
      hint: 'the extension that provides it is not loaded, or the running host is older than this picode; restart it with `picode down` and `picode up`',
    });
  }
  return new Error(`host error in ${method} (${error.code}): ${error.message}`);
}
