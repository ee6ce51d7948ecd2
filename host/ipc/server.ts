import { chmodSync, unlinkSync } from 'node:fs';
import { ensurePrivateDir } from '../core/paths.js';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { PicodeError } from '../core/errors.js';
import type { IpcCallContext, IpcRegistry, HostLogger } from '../api/hostApi.js';
import {
  LineReader, RpcErrorCode, encodeMessage, helloMethod, isNotification, isRequest, maxResponseBytes, parseMessage,
  type HostIdentity, type RpcErrorObject, type RpcRequest,
} from './protocol.js';

export type IpcHandler = (params: unknown, context: IpcCallContext) => unknown | Promise<unknown>;

/**
 * A client that stops reading while the host streams to it must not make the host buffer
 * without bound: past this many queued bytes the connection is closed (the client sees the
 * end of its stream and can reconnect and replay from the events table).
 */
const maxQueuedBytesPerClient = 16 * 1024 * 1024;

/**
 * The host's JSON-RPC server. Methods are registered by name (`area.verb`); a handler's
 * PicodeError reaches the client as a user error with its hint, anything else as an internal
 * error (logged here with its stack).
 */
export class IpcServer implements IpcRegistry {
  private readonly handlers = new Map<string, IpcHandler>();
  private readonly connections = new Set<Socket>();
  private server: Server | undefined;
  private path: string | undefined;
  private identity: HostIdentity | undefined;

  constructor(private readonly log: HostLogger) {}

  register(method: string, handler: IpcHandler): void {
    if (this.handlers.has(method)) throw new Error(`IPC method ${method} is registered twice`);
    this.handlers.set(method, handler);
  }

  methods(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /**
   * Listens on `path` (mode 0600 in a 0700 directory), replacing a stale socket file left by a
   * dead host. Every connection first gets a `host.hello` notification with `identity`, which
   * the client checks before its first request (host/ipc/client.ts).
   */
  async listen(path: string, identity?: HostIdentity): Promise<void> {
    this.identity = identity;
    ensurePrivateDir(dirname(path));
    if (await isLive(path)) {
      throw new PicodeError(`another process is serving the socket ${path}`, {
        hint: 'another picode host is running for this session; stop it with `picode down`',
      });
    }
    try { unlinkSync(path); } catch { /* no stale file */ }
    const server = createServer((socket) => this.accept(socket));
    // umask for the bind so the socket never exists with wider permissions, even briefly.
    const previous = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => { server.off('error', reject); resolve(); });
      });
    } finally {
      process.umask(previous);
    }
    chmodSync(path, 0o600);
    this.server = server;
    this.path = path;
  }

  /** Stops accepting, lets answers already written reach their clients (up to 500 ms), then closes. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.connections) socket.end();
    const timer = setTimeout(() => { for (const socket of this.connections) socket.destroy(); }, 500);
    await closing;
    clearTimeout(timer);
    if (this.path) {
      try { unlinkSync(this.path); } catch { /* already gone */ }
    }
  }

  private accept(socket: Socket): void {
    this.connections.add(socket);
    send(socket, { jsonrpc: '2.0', method: helloMethod, params: this.identity ? { ...this.identity, tmuxSocket: this.identity.tmuxSocket ?? null, pid: process.pid } : { pid: process.pid } });
    const abort = new AbortController();
    const reader = new LineReader((line) => this.onLine(socket, line, abort.signal));
    socket.on('data', (chunk: Buffer) => {
      if (!reader.push(chunk)) socket.destroy();
    });
    socket.on('close', () => {
      this.connections.delete(socket);
      abort.abort();
    });
    socket.on('error', () => { /* a client that vanished: 'close' follows */ });
  }

  private onLine(socket: Socket, line: string, signal: AbortSignal): void {
    const message = parseMessage(line);
    if (!message) {
      send(socket, { jsonrpc: '2.0', id: null, error: { code: RpcErrorCode.parseError, message: 'not a JSON-RPC 2.0 message' } });
      return;
    }
    if (isRequest(message)) void this.dispatch(socket, message, signal);
    // Notifications from clients carry nothing the host acts on; they are ignored.
    else if (!isNotification(message)) {
      send(socket, { jsonrpc: '2.0', id: null, error: { code: RpcErrorCode.invalidRequest, message: 'expected a request' } });
    }
  }

  private async dispatch(socket: Socket, request: RpcRequest, signal: AbortSignal): Promise<void> {
    const handler = this.handlers.get(request.method);
    if (!handler) {
      send(socket, { jsonrpc: '2.0', id: request.id, error: { code: RpcErrorCode.methodNotFound, message: `unknown method ${request.method}` } });
      return;
    }
    const context: IpcCallContext = {
      signal,
      notify: (method, params) => {
        if (socket.destroyed) return;
        if (socket.writableLength > maxQueuedBytesPerClient) {
          this.log.warn('IPC client is not reading its stream; closing it', { method: request.method });
          socket.destroy();
          return;
        }
        send(socket, { jsonrpc: '2.0', method, params });
      },
    };
    try {
      const result = await handler(request.params, context);
      const line = encodeMessage({ jsonrpc: '2.0', id: request.id, result: result === undefined ? null : result });
      if (line.length > maxResponseBytes) {
        throw new PicodeError(`the answer to ${request.method} is ${(line.length / 1048576).toFixed(1)} MB, over the ${maxResponseBytes / 1048576} MB limit of one answer`, {
          hint: 'ask for less at a time: a smaller limit, then the next page from the last id (afterId)',
        });
      }
      if (!socket.destroyed) socket.write(line);
    } catch (error) {
      send(socket, { jsonrpc: '2.0', id: request.id, error: this.toRpcError(error, request.method) });
    }
  }

  private toRpcError(error: unknown, method: string): RpcErrorObject {
    if (error instanceof PicodeError) {
      return { code: RpcErrorCode.userError, message: error.message, data: { hint: error.hint, exitCode: error.exitCode } };
    }
    const err = error instanceof Error ? error : new Error(String(error));
    this.log.error(`IPC method ${method} failed`, { error: err.stack ?? err.message });
    return { code: RpcErrorCode.internalError, message: err.message };
  }
}

function send(socket: Socket, message: Parameters<typeof encodeMessage>[0]): void {
  if (!socket.destroyed) socket.write(encodeMessage(message));
}

/** True when something accepts connections on the socket path. */
function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
