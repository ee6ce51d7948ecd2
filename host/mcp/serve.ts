import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { HostClient } from '../ipc/client.js';

/**
 * picode's MCP server: one MCP session over the session's host. `tools/list` and `tools/call`
 * go to the host's `mcp.tools.*` methods (where the policy, the gate, approvals and the record
 * happen), panes and the plan are resources whose updates come from the host's events. It runs
 * inside the host for `picode mcp serve` over stdio (host/mcp/stdioSessions.ts, so the process
 * an agent starts never loads the SDK), and in the `picode mcp serve --http` process over IPC.
 */
export interface ServeHost {
  /** One IPC method of the host (in the host: the extensions' own, and `panes.list`). */
  call<TResult = unknown>(method: string, params?: unknown): Promise<TResult>;
  /** Follows the host's events of these types until the returned function is called. */
  follow(types: readonly string[], onEvent: (event: { type: string; pane?: string | undefined }) => void): Promise<() => void>;
}

export interface ServeOptions {
  readonly host: ServeHost;
  readonly session: string;
  /** The picode agent run the serving agent belongs to, when picode started it. */
  readonly run: number | undefined;
  readonly version: string;
}

interface HostCallResult { text: string; isError: boolean; structured: Record<string, unknown> | null }
interface PaneRow { id: string; name?: string; windowName: string; command: string; dead: boolean }

const paneScheme = 'picode://pane/';
const planUri = 'picode://plan/current';
/** The events that change what the resources show, or their lists. */
const followed = ['pane.output', 'pane.opened', 'pane.closed', 'command.finished', 'plan.*', 'plugin.loaded', 'plugin.failed'];
/** Resource updates of one pane are sent at most this often while it prints. */
const updateIntervalMs = 250;

type ServerSdk = {
  Server: typeof import('@modelcontextprotocol/sdk/server/index.js').Server;
  types: typeof import('@modelcontextprotocol/sdk/types.js');
};
let serverSdk: ServerSdk | undefined;

/**
 * The SDK modules the server needs, loaded once (on the host's first MCP session, or in the
 * `--http` process) from the SDK's CommonJS build: the same code as its ES modules, but Node
 * loads the few hundred files (zod, ajv) with far less loader work (docs/benchmarks.md). Every
 * SDK module used here comes from that one build, so its classes are the same ones.
 */
function loadServerSdk(): ServerSdk {
  serverSdk ??= {
    Server: requireSdk<typeof import('@modelcontextprotocol/sdk/server/index.js')>('@modelcontextprotocol/sdk/server/index.js').Server,
    types: requireSdk<typeof import('@modelcontextprotocol/sdk/types.js')>('@modelcontextprotocol/sdk/types.js'),
  };
  return serverSdk;
}

const requireCjs = createRequire(import.meta.url);

/** A module of the MCP SDK's CommonJS build. */
export function requireSdk<T>(specifier: string): T {
  return requireCjs(specifier) as T;
}

/**
 * Builds one MCP server session (stdio has one; HTTP has one per client session). `transport`
 * is recorded with every call.
 */
export async function createMcpServer(options: ServeOptions, transport: 'stdio' | 'http'): Promise<{ server: Server; close: () => void }> {
  const { Server, types } = loadServerSdk();
  const server = new Server(
    { name: 'picode', version: options.version },
    {
      capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } },
      instructions: `picode workspace "${options.session}": read other panes (test runs, servers, logs), run commands in them, see recent failures and the plan. Pane names come from list_panes.`,
    },
  );
  const caller = () => {
    const info = server.getClientVersion();
    return { client: info?.name ?? 'unknown client', clientVersion: info?.version, run: options.run, transport };
  };
  const call = (tool: string, args: unknown, signal: AbortSignal) => callHost(options.host, { tool, args, caller: caller() }, signal);

  server.setRequestHandler(types.ListToolsRequestSchema, async () => ({
    tools: await options.host.call<Array<{ name: string; description: string; inputSchema: { type: 'object' } }>>('mcp.tools.list'),
  }));

  server.setRequestHandler(types.CallToolRequestSchema, async (request, extra) => {
    const result = await call(request.params.name, request.params.arguments ?? {}, extra.signal);
    return {
      content: [{ type: 'text' as const, text: result.text }],
      ...(result.structured ? { structuredContent: result.structured } : {}),
      ...(result.isError ? { isError: true } : {}),
    };
  });

  server.setRequestHandler(types.ListResourcesRequestSchema, async () => {
    const panes = await options.host.call<PaneRow[]>('panes.list');
    return {
      resources: [
        ...panes.filter((p) => !p.dead).map((p) => ({
          uri: `${paneScheme}${encodeURIComponent(p.id)}`,
          name: p.name ? `pane ${p.name}` : `pane ${p.id}`,
          description: `What pane ${p.name ? `${p.name} (${p.id})` : p.id} shows (window ${p.windowName}, running ${p.command}): its last 200 lines.`,
          mimeType: 'text/plain',
        })),
        { uri: planUri, name: 'plan', description: 'The session\'s current plan with its steps and their status.', mimeType: 'text/plain' },
      ],
    };
  });

  server.setRequestHandler(types.ReadResourceRequestSchema, async (request, extra) => {
    const uri = request.params.uri;
    const result = uri === planUri ? await call('plan_get', {}, extra.signal)
      : uri.startsWith(paneScheme) ? await call('read_pane', { pane: decodeURIComponent(uri.slice(paneScheme.length)), lines: 200 }, extra.signal)
        : undefined;
    if (!result) throw new types.McpError(types.ErrorCode.InvalidParams, `unknown resource ${uri}: picode serves ${paneScheme}<pane id> and ${planUri}`);
    if (result.isError) throw new types.McpError(types.ErrorCode.InvalidParams, result.text);
    return { contents: [{ uri, mimeType: 'text/plain', text: result.text }] };
  });

  const updates = new ResourceUpdates(server, options);
  server.setRequestHandler(types.SubscribeRequestSchema, async (request) => {
    updates.subscribe(request.params.uri);
    return {};
  });
  server.setRequestHandler(types.UnsubscribeRequestSchema, async (request) => {
    updates.unsubscribe(request.params.uri);
    return {};
  });
  // List changes (panes opened and closed, plugins loaded) are announced from the start.
  server.oninitialized = () => { void updates.start(); };
  return { server, close: () => updates.close() };
}

/**
 * One `mcp.tools.call` to the host, cancelled there when the MCP client cancels it
 * (notifications/cancelled aborts the SDK handler's signal): the host ends an approval wait
 * or a run_in_pane wait. The key is random, so no other client can cancel this call.
 */
async function callHost(client: ServeHost, params: { tool: string; args: unknown; caller: unknown }, signal: AbortSignal): Promise<HostCallResult> {
  signal.throwIfAborted();
  const callKey = randomUUID();
  const cancel = (): void => { void client.call('mcp.tools.cancel', { callKey }).catch(() => { /* the host went away: nothing to cancel */ }); };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return await client.call<HostCallResult>('mcp.tools.call', { ...params, callKey });
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

/**
 * Follows the host's events and tells the client what changed: a subscribed pane printed or
 * ran a command (at most every 250 ms per pane), the plan changed, panes or tools came and went.
 */
class ResourceUpdates {
  private readonly subscribed = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unfollow: (() => void) | undefined;
  private closed = false;

  constructor(private readonly server: Server, private readonly options: ServeOptions) {}

  subscribe(uri: string): void {
    this.subscribed.add(uri);
  }

  unsubscribe(uri: string): void {
    this.subscribed.delete(uri);
  }

  async start(): Promise<void> {
    if (this.unfollow || this.closed) return;
    try {
      this.unfollow = await this.options.host.follow(followed, (event) => this.onEvent(event));
    } catch {
      return; // the host went away: the session ends with it
    }
    if (this.closed) this.unfollow();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.unfollow?.();
  }

  private onEvent(event: { type: string; pane?: string | undefined }): void {
    if (event.type === 'pane.opened' || event.type === 'pane.closed') {
      void this.server.sendResourceListChanged().catch(() => {});
      if (event.pane) this.updated(`${paneScheme}${encodeURIComponent(event.pane)}`, true);
    } else if (event.type.startsWith('plan.')) {
      this.updated(planUri, true);
    } else if (event.type.startsWith('plugin.')) {
      void this.server.sendToolListChanged().catch(() => {});
    } else if (event.pane) {
      this.updated(`${paneScheme}${encodeURIComponent(event.pane)}`, event.type === 'command.finished');
    }
  }

  /** Sends `notifications/resources/updated` for a subscribed URI, coalescing bursts of output. */
  private updated(uri: string, now: boolean): void {
    if (!this.subscribed.has(uri) || this.closed) return;
    const send = () => { this.timers.delete(uri); void this.server.sendResourceUpdated({ uri }).catch(() => {}); };
    if (now) {
      clearTimeout(this.timers.get(uri));
      send();
    } else if (!this.timers.has(uri)) {
      this.timers.set(uri, setTimeout(send, updateIntervalMs));
    }
  }
}

/**
 * The host seen over IPC (`picode mcp serve --http`): calls on the process's connection, and
 * the events on a second connection of their own (a following connection streams until closed).
 */
export function ipcServeHost(client: HostClient, connect: () => Promise<HostClient>): ServeHost {
  return {
    call: (method, params) => client.call(method, params),
    async follow(types, onEvent) {
      const stream = await connect();
      stream.onNotification('event', (params) => onEvent(params as { type: string; pane?: string }));
      stream.call('events.follow', { types }).catch(() => { /* the stream ends with the host */ });
      return () => stream.close();
    },
  };
}
