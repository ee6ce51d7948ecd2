/**
 * The host's IPC protocol: JSON-RPC 2.0, one JSON document per line ("\n"-delimited), over a
 * Unix socket that only the user can open (mode 0600, in a 0700 directory).
 *
 * Requests carry an `id` and get exactly one response; notifications (no `id`) flow from the
 * host to a client for streaming methods (`events.follow`, `pane.follow`, ...). Everything here is
 * pure: framing and message shapes shared by the server and the client.
 */

export interface RpcRequest {
  readonly jsonrpc: '2.0';
  readonly id: number | string;
  readonly method: string;
  readonly params?: unknown;
}

export interface RpcNotification {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params?: unknown;
}

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  /** picode adds `{ hint }` for user errors, so the CLI can print them as a PicodeError. */
  readonly data?: { readonly hint?: string; readonly exitCode?: number } | undefined;
}

export type RpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: number | string | null; readonly result: unknown }
  | { readonly jsonrpc: '2.0'; readonly id: number | string | null; readonly error: RpcErrorObject };

export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

/** Standard JSON-RPC codes, plus picode's own in the server-defined range. */
export const RpcErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** A PicodeError thrown by a handler: the message is for the user, `data.hint` says what to do. */
  userError: -32000,
} as const;

/** Largest line the server or client accepts; a peer sending more is cut off (no unbounded buffering). */
/**
 * The first line a host sends on every connection: who it is. A client checks it before its
 * first request, so a socket path that ever pointed at another session's host (a rename, a
 * stale file, a hashed name) can never make a command act on the wrong session.
 */
export const helloMethod = 'host.hello';

export interface HostIdentity {
  readonly session: string;
  /** The tmux -L name; undefined (null on the wire) = the default server. */
  readonly tmuxSocket: string | undefined;
}

/**
 * Bounds of the IPC surface. A list method answers one page: `limit` items at most (default
 * `defaultSize`, clamped to `maxSize`) and about `maxBytes` of JSON at most (at least one item);
 * the caller asks for the next page from the last id it got (`afterId`). No answer is ever
 * longer than `maxResponseBytes`: a bigger one becomes an error that says how to ask for less.
 */
export const listPage = { defaultSize: 1000, maxSize: 10_000, maxBytes: 4 * 1024 * 1024 } as const;
export const maxResponseBytes = 16 * 1024 * 1024;

/** The page size to use for a requested `limit` (undefined: the default). */
export function pageSize(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return listPage.defaultSize;
  return Math.max(0, Math.min(listPage.maxSize, Math.floor(requested)));
}

/** The longest run of `items` (from the start, or from the end for `last`) within `maxBytes` of JSON; never empty when items is not. */
export function fitBytes<T>(items: readonly T[], maxBytes: number = listPage.maxBytes, from: 'first' | 'last' = 'first'): T[] {
  const ordered = from === 'first' ? items : [...items].reverse();
  const out: T[] = [];
  let bytes = 0;
  for (const item of ordered) {
    bytes += Buffer.byteLength(JSON.stringify(item) ?? 'null') + 1;
    if (out.length > 0 && bytes > maxBytes) break;
    out.push(item);
  }
  return from === 'first' ? out : out.reverse();
}

export const maxLineBytes = 64 * 1024 * 1024;

export function encodeMessage(message: RpcMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Splits a byte stream into lines. Chunks may end anywhere (inside a line or a UTF-8
 * character): bytes are kept until the newline arrives, and each line is decoded whole.
 */
export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly onLine: (line: string) => void, private readonly limit = maxLineBytes) {}

  /** Returns false when a line exceeded the limit (the caller should drop the peer). */
  push(chunk: Buffer): boolean {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      let line: Buffer;
      if (this.pendingBytes > 0) {
        this.pending.push(piece);
        line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        line = piece;
      }
      if (line.length > 0) this.onLine(line.toString('utf8'));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.limit) {
        this.pending = [];
        this.pendingBytes = 0;
        return false;
      }
    }
    return true;
  }
}

/** Parses one line into a message; undefined when it is not a JSON-RPC 2.0 object. */
export function parseMessage(line: string): RpcMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return undefined;
  return m as unknown as RpcMessage;
}

export function isRequest(m: RpcMessage): m is RpcRequest {
  return 'method' in m && 'id' in m && m.id !== undefined && m.id !== null;
}

export function isNotification(m: RpcMessage): m is RpcNotification {
  return 'method' in m && !('id' in m && m.id !== undefined && m.id !== null);
}

export function isResponse(m: RpcMessage): m is RpcResponse {
  return !('method' in m) && ('result' in m || 'error' in m);
}
