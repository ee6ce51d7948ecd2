/**
 * `picode mcp serve` itself: what `picode mcp serve` does once its options are known, and the
 * fast path bin/picode.js takes for the stdio server. An agent starts this server and waits for
 * its `initialize` answer, so the path stays off commander and the command table, and over
 * stdio it loads no MCP SDK at all: the host serves the session (host/mcp/stdioSessions.ts).
 */
export interface ServeCommandOptions {
  readonly session?: string | undefined;
  readonly http?: boolean | undefined;
  readonly port?: number | undefined;
  readonly run?: number | undefined;
}

/** Runs the server until its client or the host goes away; resolves with the exit code. */
export async function runMcpServe(opts: ServeCommandOptions, tmuxSocket: string | undefined): Promise<number> {
  const [{ resolveSessionTarget }, { connectHost }] = await Promise.all([import('../../ipc/target.js'), import('../../ipc/client.js')]);
  const target = await resolveSessionTarget({ session: opts.session, tmuxSocket });
  const connect = () => connectHost(target.session, target.tmuxSocket);
  const client = await connect();
  if (!opts.http) {
    // Over stdio the session is served inside the host; this process only relays.
    const { relayStdio } = await import('../../mcp/stdioRelay.js');
    return relayStdio(client, { session: target.session, run: opts.run });
  }
  const [{ serveHttp }, { ipcServeHost }, { picodeVersion }] = await Promise.all([
    import('../../mcp/serveHttp.js'), import('../../mcp/serve.js'), import('../../core/version.js'),
  ]);
  return serveHttp({
    client, host: ipcServeHost(client, connect), session: target.session, run: opts.run, version: picodeVersion(),
    port: opts.port ?? 0, print: (text) => process.stdout.write(text),
  });
}

/**
 * `picode [--tmux-socket S] mcp serve [--session S] [--run N]` without commander. Anything
 * else (--http, --help, a usage error) returns undefined: the full CLI handles it.
 */
export async function mcpServeFastPath(argv: readonly string[]): Promise<number | undefined> {
  const { parseArgs } = await import('node:util');
  let values: { session?: string; run?: string; 'tmux-socket'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv], allowPositionals: true, strict: true,
      options: { session: { type: 'string' }, run: { type: 'string' }, 'tmux-socket': { type: 'string' } },
    }));
  } catch {
    return undefined;
  }
  const run = values.run === undefined ? undefined : Number(values.run);
  if (positionals.join(' ') !== 'mcp serve' || (run !== undefined && !(Number.isInteger(run) && run >= 1))) return undefined;
  let code: number;
  try {
    code = await runMcpServe({ session: values.session, run }, values['tmux-socket'] ?? (process.env.PICODE_TMUX_SOCKET || undefined));
  } catch (error) {
    const { formatError } = await import('../../core/errors.js');
    process.stderr.write(formatError(error));
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    code = typeof exitCode === 'number' ? exitCode : 1;
  }
  // What was written must reach the pipe before bin/picode.js exits.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  })));
  return code;
}
