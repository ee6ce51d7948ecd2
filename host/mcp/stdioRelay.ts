import { randomUUID } from 'node:crypto';
import type { HostClient } from '../ipc/client.js';

/**
 * `picode mcp serve` over stdio: relays the MCP client's JSON-RPC messages (one per line, the
 * MCP stdio framing) to a session served inside the host (host/mcp/stdioSessions.ts) and the
 * host's messages back, in order. It loads no MCP SDK: an agent starting picode's server waits
 * for Node and one connection. Resolves with the exit code: 0 when the client closes stdin (or
 * the pipe), 69 when the host stops.
 */
export async function relayStdio(client: HostClient, options: { session: string; run: number | undefined }): Promise<number> {
  const id = randomUUID();
  let writable = true;
  const ended = new Promise<number>((resolve) => {
    process.stdin.once('end', () => resolve(0));
    process.stdin.once('close', () => resolve(0));
    // A client that went away while a message was on its way closes the pipe under the write.
    process.stdout.on('error', () => { writable = false; resolve(0); });
    void client.closed.then(() => {
      process.stderr.write(`picode mcp serve: the picode host of session "${options.session}" stopped\n`);
      resolve(69);
    });
  });
  client.onNotification('mcp.message', (message) => {
    if (writable) process.stdout.write(`${JSON.stringify(message)}\n`);
  });
  // The session lives as long as this call; its answer comes when the host ends it.
  const session = client.call('mcp.session.open', { id, ...(options.run !== undefined ? { run: options.run } : {}) });
  const sessionEnded = session.then(() => 0, async (error: Error) => {
    // The call also fails when the host goes away: that is `ended`'s case (69, said once).
    const hostGone = await Promise.race([client.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
    if (hostGone) return ended;
    process.stderr.write(`picode mcp serve: ${error.message}\n`);
    return 1;
  });

  // Messages go one after another, so the host sees them in the client's order.
  let forwarding: Promise<unknown> = Promise.resolve();
  const forward = (line: string): void => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`picode mcp serve: a line from the client is not JSON, skipped: ${line.slice(0, 200)}\n`);
      return;
    }
    forwarding = forwarding.then(() => client.call('mcp.session.message', { id, message })).catch((error: Error) => {
      process.stderr.write(`picode mcp serve: ${error.message}\n`);
    });
  };
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      if (line.trim()) forward(line);
    }
  });

  const code = await Promise.race([ended, sessionEnded]);
  await forwarding;
  client.close();
  return code;
}
