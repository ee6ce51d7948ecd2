import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { HostApi, IpcCallContext } from '../api/hostApi.js';
import { PicodeError } from '../core/errors.js';
import { objectParams } from './params.js';
import { createMcpServer, type ServeHost } from './serve.js';

/**
 * `picode mcp serve` over stdio is a relay (host/mcp/stdioRelay.ts): its MCP sessions are
 * served here, in the host, which loads the MCP SDK once, instead of in every process an agent
 * starts (the SDK is most of a server's start-up). The relay's JSON-RPC messages cross the
 * host's socket as they are:
 *
 *   mcp.session.open {id, run?}        -> {} when the session ends; meanwhile notifications
 *                                          `mcp.message` carry the server's messages to the relay
 *   mcp.session.message {id, message}  -> {}: one message from the MCP client
 *
 * A session ends when its relay disconnects (the IPC call is aborted) or the server closes.
 */
export function registerStdioSessions(host: HostApi, version: string): void {
  const sessions = new Map<string, RelayTransport>();
  const serveHost = inHostServeHost(host);

  host.ipc.register('mcp.session.open', async (params, context) => {
    const p = objectParams(params, 'mcp.session.open');
    const id = typeof p.id === 'string' && p.id ? p.id : undefined;
    if (!id) throw new PicodeError('mcp.session.open needs `id` (a random session id)');
    if (sessions.has(id)) throw new PicodeError(`mcp.session.open: the session id ${id} is already in use`);
    const run = typeof p.run === 'number' && Number.isInteger(p.run) && p.run > 0 ? p.run : undefined;
    // Registered before the first await: the relay's first message may already be on its way.
    const transport = new RelayTransport(context);
    sessions.set(id, transport);
    try {
      const { server, close } = await createMcpServer({ host: serveHost, session: host.session, run, version }, 'stdio');
      const ended = new Promise<void>((resolve) => {
        transport.onEnd = resolve;
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await server.connect(transport);
      await ended;
      close();
      await server.close().catch(() => {});
      return {};
    } finally {
      sessions.delete(id);
    }
  });

  host.ipc.register('mcp.session.message', (params) => {
    const p = objectParams(params, 'mcp.session.message');
    const transport = typeof p.id === 'string' ? sessions.get(p.id) : undefined;
    if (!transport) throw new PicodeError(`mcp.session.message: no MCP session ${String(p.id)} in this host`, { hint: 'open one with mcp.session.open first' });
    if (typeof p.message !== 'object' || p.message === null) throw new PicodeError('mcp.session.message needs `message` (a JSON-RPC message object)');
    transport.receive(p.message as JSONRPCMessage);
    return {};
  });
}

/**
 * The SDK's Transport over one relay's IPC call: what the server sends goes back as
 * notifications on that call; what the relay sends arrives through `receive`, held until the
 * server has started the transport.
 */
class RelayTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  onEnd: (() => void) | undefined;
  private held: JSONRPCMessage[] | undefined = [];

  constructor(private readonly context: IpcCallContext) {}

  async start(): Promise<void> {
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) this.onmessage?.(message);
  }

  receive(message: JSONRPCMessage): void {
    if (this.held) this.held.push(message);
    else this.onmessage?.(message);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.context.notify('mcp.message', message);
  }

  async close(): Promise<void> {
    this.onEnd?.();
    this.onclose?.();
  }
}

/** The host as a served session sees it: the extensions' IPC methods in-process, panes and events from the host API. */
function inHostServeHost(host: HostApi): ServeHost {
  return {
    async call<TResult>(method: string, params?: unknown): Promise<TResult> {
      if (method === 'panes.list') {
        return host.panes.list().map((pane) => ({ id: pane.id, name: pane.name, windowName: pane.windowName, command: pane.command, dead: pane.dead })) as TResult;
      }
      return await host.ipc.call(method, params ?? {}) as TResult;
    },
    async follow(types, onEvent) {
      return host.bus.subscribe({ types: [...types] }, (event) => onEvent(event));
    },
  };
}
