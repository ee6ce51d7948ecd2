import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { HostClient } from '../ipc/client.js';
import { createMcpServer, requireSdk, type ServeOptions } from './serve.js';

export interface HttpServeOptions extends ServeOptions {
  /** The process's connection to the host: the server ends when it closes. */
  readonly client: HostClient;
  /** 0 = a free port. Always bound to 127.0.0.1. */
  readonly port: number;
  /** Where the address and the token are printed (once). */
  readonly print: (text: string) => void;
}

/** Largest request body accepted (a tool call's arguments). */
const maxBodyBytes = 4 * 1024 * 1024;

/**
 * Streamable HTTP on 127.0.0.1 with a random bearer token, printed once at start: a request
 * without it (or with another) gets 401 before it reaches MCP. Host headers other than the
 * loopback address are refused (DNS rebinding). Each client session gets its own MCP server
 * over the one host connection.
 */
export async function serveHttp(options: HttpServeOptions): Promise<number> {
  const { StreamableHTTPServerTransport } = requireSdk<typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js')>('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; close: () => void }>();
  let port = 0;

  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/mcp') return reply(res, 404, 'not found: picode serves MCP at /mcp');
    if (!authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="picode"');
      return reply(res, 401, 'missing or wrong bearer token (it was printed when `picode mcp serve --http` started)');
    }
    const sessionId = header(req, 'mcp-session-id');
    const existing = sessionId ? sessions.get(sessionId) : undefined;
    if (existing) return existing.transport.handleRequest(req, res, req.method === 'POST' ? await readJson(req) : undefined);
    if (sessionId) return reply(res, 404, `unknown MCP session ${sessionId}`);
    if (req.method !== 'POST') return reply(res, 400, 'start a session with an initialize request (POST)');
    const body = await readJson(req);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableDnsRebindingProtection: true,
      allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
      onsessioninitialized: (id) => { sessions.set(id, session); },
      onsessionclosed: (id) => { sessions.get(id)?.close(); sessions.delete(id); },
    });
    const { server, close } = await createMcpServer(options, 'http');
    const session = { transport, close: () => { close(); void server.close().catch(() => {}); } };
    transport.onclose = () => { if (transport.sessionId) sessions.delete(transport.sessionId); close(); };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) reply(res, error instanceof BodyError ? error.status : 500, error.message);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, '127.0.0.1', () => { http.off('error', reject); resolve(); });
  });
  port = (http.address() as AddressInfo).port;
  options.print([
    `picode MCP server for session "${options.session}": http://127.0.0.1:${port}/mcp`,
    `bearer token (shown once): ${token}`,
    `  e.g. claude mcp add --transport http picode http://127.0.0.1:${port}/mcp --header "Authorization: Bearer ${token}"`,
    '',
  ].join('\n'));

  const code = await new Promise<number>((resolve) => {
    const stop = (): void => resolve(0);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void options.client.closed.then(() => {
      process.stderr.write(`picode mcp serve: the picode host of session "${options.session}" stopped\n`);
      resolve(69);
    });
  });
  for (const s of sessions.values()) s.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  options.client.close();
  return code;
}

class BodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new BodyError(413, `request body over ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'the request body is not JSON');
  }
}
