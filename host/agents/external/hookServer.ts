import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Where external agents' hooks reach the host: an HTTP server on 127.0.0.1 (a random port,
 * started with the first external run). Claude Code POSTs its hook input here itself (`http`
 * hooks: no process per hook); other agents run picode's relay (`relay.ts`), which POSTs
 * the same way. Each run has its own path and token; a call for a run the host does not know,
 * or with the wrong token, is refused (403) and logged. The answer is the hook's JSON output.
 */
export interface HookCall {
  readonly run: number;
  readonly payload: Record<string, unknown>;
}

export interface HookServerOptions {
  /** True when the token is the run's. */
  readonly authorize: (run: number, token: string) => boolean;
  /** The hook's output (JSON), or undefined for no decision. */
  readonly handle: (call: HookCall) => Promise<Record<string, unknown> | undefined>;
  readonly refused: (why: string, detail: Record<string, unknown>) => void;
  readonly malformed: (run: number, why: string, body: string) => void;
}

export interface HookServer {
  readonly port: number;
  url(run: number): string;
  close(): Promise<void>;
}

/** Hook inputs are small; a bigger body is not a hook. */
const maxBody = 4 * 1024 * 1024;

export const tokenHeader = 'x-picode-token';

export async function startHookServer(options: HookServerOptions): Promise<HookServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => { void serve(req, res); });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  // Agents keep their connection for the next hook, which may come minutes later: a server that
  // drops idle connections after Node's default 5 s races the client's reuse (ECONNRESET, a lost hook).
  server.keepAliveTimeout = 10 * 60_000;
  server.headersTimeout = 10 * 60_000 + 1000;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path, query] = (req.url ?? '').split('?');
    const match = /^\/hooks\/(\d+)$/.exec(path!);
    // `?quiet`: no decision is an empty answer rather than `{}` (what a relay prints as it is).
    const none = query === 'quiet' ? undefined : {};
    if (req.method !== 'POST' || !match) return answer(res, 404, { error: 'not a picode hook address' });
    const run = Number(match[1]);
    const token = String(req.headers[tokenHeader] ?? '');
    if (!options.authorize(run, token)) {
      options.refused('hook call from an unknown run or with a wrong token', { run, remote: req.socket.remoteAddress });
      return answer(res, 403, { error: `picode knows no external agent run ${run} with that token` });
    }
    let body = '';
    try {
      for await (const chunk of req) {
        body += String(chunk);
        if (body.length > maxBody) throw new Error(`body over ${maxBody} bytes`);
      }
    } catch (error) {
      options.malformed(run, (error as Error).message, body.slice(0, 2000));
      return answer(res, 413, { error: (error as Error).message });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (error) {
      payload = undefined;
      options.malformed(run, `not JSON: ${(error as Error).message}`, body.slice(0, 2000));
    }
    const named = (p: Record<string, unknown>): boolean => typeof p.hook_event_name === 'string' || typeof p.type === 'string';
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !named(payload as Record<string, unknown>)) {
      if (payload !== undefined) options.malformed(run, 'not a hook input (an object with hook_event_name, or a notify object with type)', body.slice(0, 2000));
      // Recorded and ignored: the agent carries on as if no hook had answered.
      return answer(res, 200, none);
    }
    try {
      answer(res, 200, (await options.handle({ run, payload: payload as Record<string, unknown> })) ?? none);
    } catch (error) {
      options.malformed(run, `handling failed: ${(error as Error).message}`, body.slice(0, 2000));
      answer(res, 200, none);
    }
  }

  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (run) => `http://127.0.0.1:${port}/hooks/${run}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown> | undefined): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
}
