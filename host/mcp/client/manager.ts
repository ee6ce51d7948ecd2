import { isAbsolute, resolve } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { PicodeError } from '../../core/errors.js';
import type { McpConfig, McpServerConfig } from '../../config/sections/mcp.js';
import { BoundedStdioTransport, serverEnvironment } from './stdioTransport.js';
import { boundedFetch } from './boundedFetch.js';

export type ServerState = 'idle' | 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped' | 'disabled';

/** A tool one server offers, as it listed it. */
export interface RemoteTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

export interface ServerStatus {
  readonly name: string;
  readonly transport: 'stdio' | 'http';
  readonly target: string;
  readonly state: ServerState;
  readonly tools: readonly string[];
  readonly lastError: string | undefined;
  readonly restarts: number;
  readonly pid: number | undefined;
}

/** Why a call to a server's tool did not give a result: what the agent is told, by kind. */
export type McpFailureKind = 'unavailable' | 'timeout' | 'crashed' | 'malformed' | 'flood' | 'error';

export class McpToolError extends Error {
  constructor(readonly kind: McpFailureKind, message: string) {
    super(message);
    this.name = 'McpToolError';
  }
}

export interface ManagerOptions {
  readonly config: McpConfig;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: { warn(message: string, fields?: Record<string, unknown>): void; info(message: string, fields?: Record<string, unknown>): void };
  /** Fires when a server's state or tool list changed (for `picode mcp list --watch` and events). */
  readonly onChange?: ((status: ServerStatus) => void) | undefined;
}

/** Backoff between restarts of a server that crashed or failed to start: 0.5 s doubling to 30 s. */
const firstBackoffMs = 500;
const maxBackoffMs = 30_000;
const messagesPerSecond = 5000;

/**
 * The MCP servers picode's agent uses (`mcp.servers`). Each starts when its tools are first
 * wanted, is restarted with backoff when it dies, and is stopped with the host. Every call has
 * a deadline and every failure becomes an McpToolError of a kind, so a server that hangs,
 * crashes, floods or answers nonsense costs the agent one tool error, never a stuck loop.
 */
export class McpClientManager {
  private readonly servers = new Map<string, ServerConnection>();

  constructor(private readonly options: ManagerOptions) {
    for (const [name, config] of Object.entries(options.config.servers)) {
      this.servers.set(name, new ServerConnection(name, config, options));
    }
  }

  get names(): string[] {
    return [...this.servers.keys()];
  }

  status(): ServerStatus[] {
    return [...this.servers.values()].map((s) => s.status());
  }

  server(name: string): ServerConnection {
    const server = this.servers.get(name);
    if (!server) {
      throw new PicodeError(`no MCP server "${name}" in mcp.servers`, { hint: `configured: ${this.names.join(', ') || '(none)'}` });
    }
    return server;
  }

  /** Every enabled server's tools; servers start in parallel, and one that cannot start adds none. */
  async tools(): Promise<Array<{ server: string; tool: RemoteTool }>> {
    const lists = await Promise.all([...this.servers.values()].map(async (server) => {
      if (!server.enabled) return [];
      try {
        return (await server.tools()).map((tool) => ({ server: server.name, tool }));
      } catch (error) {
        this.options.log.warn('MCP server has no tools for the agent', { server: server.name, error: (error as Error).message });
        return [];
      }
    }));
    return lists.flat();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => s.stop()));
  }
}

export class ServerConnection {
  private state: ServerState;
  private client: Client | undefined;
  private transport: Transport | undefined;
  private connecting: Promise<Client> | undefined;
  private toolList: RemoteTool[] | undefined;
  private lastError: string | undefined;
  private restarts = 0;
  private failures = 0;
  private retryAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(readonly name: string, private readonly config: McpServerConfig, private readonly options: ManagerOptions) {
    this.state = config.enabled ? 'idle' : 'disabled';
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  get timeoutMs(): number {
    return this.config.timeoutMs ?? this.options.config.callTimeoutMs;
  }

  get contextUris(): readonly string[] {
    return this.config.context;
  }

  status(): ServerStatus {
    const http = 'url' in this.config;
    return {
      name: this.name,
      transport: http ? 'http' : 'stdio',
      target: 'url' in this.config ? this.config.url : [this.config.command, ...this.config.args].join(' '),
      state: this.state,
      tools: this.toolList?.map((t) => t.name) ?? [],
      lastError: this.lastError,
      restarts: this.restarts,
      pid: this.transport instanceof BoundedStdioTransport ? this.transport.pid : undefined,
    };
  }

  async tools(): Promise<RemoteTool[]> {
    const client = await this.connect();
    if (!this.toolList) {
      const listed = await this.request('tools/list', () => client.listTools(undefined, { timeout: this.timeoutMs }));
      this.toolList = listed.tools.map((t) => ({ name: t.name, description: t.description ?? '', inputSchema: t.inputSchema as Record<string, unknown> }));
      this.changed();
    }
    return this.toolList;
  }

  /** Calls a tool; resolves with its text, or rejects with an McpToolError. */
  async call(tool: string, args: unknown, signal: AbortSignal): Promise<{ text: string; isError: boolean }> {
    const client = await this.connect();
    // A signal of its own per call: the SDK leaves its listener on the signal it is given, and
    // a run's signal lives for every call of the run.
    const call = new AbortController();
    const onAbort = (): void => call.abort(signal.reason);
    if (signal.aborted) call.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    const result = await this.request(`tools/call ${tool}`, () => client.callTool(
      { name: tool, arguments: (args ?? {}) as Record<string, unknown> }, undefined, { timeout: this.timeoutMs, signal: call.signal },
    )).finally(() => signal.removeEventListener('abort', onAbort));
    const content = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
    return { text: this.limit(renderContent(content, result.structuredContent)), isError: result.isError === true };
  }

  async readResource(uri: string, signal?: AbortSignal): Promise<string> {
    const client = await this.connect();
    const result = await this.request(`resources/read ${uri}`, () => client.readResource({ uri }, { timeout: this.timeoutMs, ...(signal ? { signal } : {}) }));
    return this.limit(result.contents.map((c) => ('text' in c && typeof c.text === 'string' ? c.text : `[binary ${c.mimeType ?? 'data'}: ${uri}]`)).join('\n'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    if (this.state !== 'disabled') this.setState('stopped');
    await client?.close().catch(() => {});
  }

  private limit(text: string): string {
    const max = this.options.config.maxResultChars;
    if (text.length <= max) return text;
    const half = Math.floor((max - 80) / 2);
    return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters of the MCP result cut ...]\n${text.slice(-half)}`;
  }

  /** Runs one request, turning every way it can fail into an McpToolError of a kind. */
  private async request<T>(what: string, run: () => Promise<T>): Promise<T> {
    const transport = this.transport;
    try {
      return await run();
    } catch (error) {
      const failure = transport instanceof BoundedStdioTransport ? transport.failure : undefined;
      const message = (error as Error).message ?? String(error);
      const code = (error as { code?: unknown }).code;
      let kind: McpFailureKind;
      if (/messages in a second|over \d+ bytes|\(flood\)/.test(`${failure ?? ''} ${message}`)) kind = 'flood';
      else if (code === -32001) kind = 'timeout';
      else if (failure || code === -32000) kind = 'crashed';
      // The SDK checks results against the MCP schema: a zod error, or its own -32602 "Invalid ... result".
      else if (Array.isArray((error as { issues?: unknown }).issues) || (code === -32602 && /Invalid .*result/.test(message))) kind = 'malformed';
      else kind = 'error';
      const detail = kind === 'timeout' ? `no answer within ${this.timeoutMs} ms`
        : kind === 'crashed' || kind === 'flood' ? failure ?? message
          : kind === 'malformed' ? `the result does not follow the MCP schema (${oneLine(message)})`
            : oneLine(message);
      this.lastError = `${what}: ${detail}`;
      this.changed();
      throw new McpToolError(kind, `MCP server ${this.name}: ${what} failed (${kind}): ${detail}`);
    }
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.stopped) return Promise.reject(new McpToolError('unavailable', `MCP server ${this.name} is stopped (the host is stopping)`));
    if (!this.config.enabled) return Promise.reject(new McpToolError('unavailable', `MCP server ${this.name} is disabled in config`));
    const wait = this.retryAt - Date.now();
    if (wait > 0 && !this.connecting) {
      return Promise.reject(new McpToolError('unavailable', `MCP server ${this.name} is restarting after a failure (next try in ${Math.ceil(wait / 1000)} s): ${this.lastError ?? 'unknown error'}`));
    }
    this.connecting ??= this.start().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private async start(): Promise<Client> {
    this.setState(this.restarts > 0 || this.failures > 0 ? 'restarting' : 'starting');
    const [{ Client }, { ToolListChangedNotificationSchema }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'), import('@modelcontextprotocol/sdk/types.js'),
    ]);
    const client = new Client({ name: 'picode', version: '0.1.0' }, { capabilities: {} });
    const transport = await this.makeTransport();
    this.transport = transport;
    let up = false;
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.toolList = undefined;
      if (this.stopped) return;
      const why = transport instanceof BoundedStdioTransport ? transport.failure : undefined;
      this.lastError = why ?? 'the connection closed';
      this.scheduleRestart();
    };
    client.onerror = (error) => { if (up) this.lastError = oneLine(error.message); };
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => { this.toolList = undefined; this.changed(); });
    try {
      await client.connect(transport, { timeout: this.options.config.startTimeoutMs });
    } catch (error) {
      const why = transport instanceof BoundedStdioTransport ? transport.failure : undefined;
      await transport.close().catch(() => {});
      const detail = /timed out|timeout/i.test((error as Error).message)
        ? `no answer to initialize within ${this.options.config.startTimeoutMs} ms`
        : why ?? oneLine((error as Error).message);
      this.lastError = `start: ${detail}`;
      this.failures++;
      this.retryAt = Date.now() + backoff(this.failures);
      this.setState('failed');
      throw new McpToolError('unavailable', `MCP server ${this.name} did not start: ${detail}`);
    }
    up = true;
    this.failures = 0;
    this.retryAt = 0;
    this.client = client;
    this.setState('ready');
    this.options.log.info('MCP server connected', { server: this.name, pid: this.status().pid });
    return client;
  }

  /** A server that died while in use is started again after a backoff, so its tools come back. */
  private scheduleRestart(): void {
    this.failures++;
    this.restarts++;
    const delay = backoff(this.failures);
    this.retryAt = Date.now() + delay;
    this.setState('restarting');
    this.options.log.warn('MCP server stopped; restarting', { server: this.name, error: this.lastError, inMs: delay });
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopped || this.client) return;
      this.retryAt = 0;
      this.connect().catch(() => { /* recorded in lastError; the next use retries */ });
    }, delay);
    this.restartTimer.unref();
  }

  private async makeTransport(): Promise<Transport> {
    const env = this.options.env;
    if ('url' in this.config) {
      const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
      const headers = resolveValues(this.config.headers, env, `mcp.servers.${this.name}.headers`);
      return new StreamableHTTPClientTransport(new URL(this.config.url), {
        requestInit: { headers },
        fetch: boundedFetch(Math.max(4 * 1024 * 1024, this.options.config.maxResultChars * 8)),
      });
    }
    const cwd = this.config.cwd ? (isAbsolute(this.config.cwd) ? this.config.cwd : resolve(this.options.cwd, this.config.cwd)) : this.options.cwd;
    return new BoundedStdioTransport({
      command: this.config.command,
      args: this.config.args,
      env: serverEnvironment(resolveValues(this.config.env, env, `mcp.servers.${this.name}.env`), env),
      cwd,
      maxLineBytes: Math.max(4 * 1024 * 1024, this.options.config.maxResultChars * 8),
      maxMessagesPerSecond: messagesPerSecond,
    });
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.changed();
  }

  private changed(): void {
    this.options.onChange?.(this.status());
  }
}

function backoff(failures: number): number {
  return Math.min(maxBackoffMs, firstBackoffMs * 2 ** Math.max(0, failures - 1));
}

/** Literal values, or `{ env: NAME }` read from picode's environment (a missing variable is a config error). */
function resolveValues(values: Readonly<Record<string, string | { env: string }>>, env: NodeJS.ProcessEnv, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') { out[name] = value; continue; }
    const found = env[value.env];
    if (found === undefined) {
      throw new McpToolError('unavailable', `${key}.${name} names the environment variable ${value.env}, which is not set for the picode host`);
    }
    out[name] = found;
  }
  return out;
}

/** MCP content blocks as text for the model. */
export function renderContent(content: ReadonlyArray<Record<string, unknown>>, structured: unknown): string {
  const parts = content.map((block) => {
    switch (block.type) {
      case 'text': return String(block.text ?? '');
      case 'resource': {
        const resource = block.resource as { uri?: string; text?: string } | undefined;
        return resource?.text !== undefined ? `[resource ${resource.uri ?? ''}]\n${resource.text}` : `[resource ${resource?.uri ?? ''}]`;
      }
      case 'resource_link': return `[resource link ${String(block.uri ?? '')}${block.name ? ` (${String(block.name)})` : ''}]`;
      case 'image': case 'audio': return `[${String(block.type)} ${String(block.mimeType ?? '')}, not shown]`;
      default: return `[${String(block.type)} content]`;
    }
  });
  if (!parts.length && structured !== undefined) parts.push(JSON.stringify(structured));
  return parts.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
