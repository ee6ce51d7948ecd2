import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IpcServer } from '../../../host/ipc/server.js';
import { connectHost } from '../../../host/ipc/client.js';

/**
 * The IPC server against clients that misbehave (docs/reliability.md): garbage lines, many
 * connections at once, a client that never reads what it asked to be streamed.
 */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let server: IpcServer;
let path: string;
let floodAborted: boolean;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'picode-ipc-'));
  path = join(dir, 'h.sock');
  server = new IpcServer(quiet);
  server.register('ping', () => 'pong');
  floodAborted = false;
  server.register('flood', async (_params, ctx) => {
    ctx.signal.addEventListener('abort', () => { floodAborted = true; });
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 1024 && !ctx.signal.aborted; i++) {
      ctx.notify('chunk', { chunk });
      if (i % 64 === 0) await new Promise((r) => setImmediate(r));
    }
    return { done: true };
  });
  await server.listen(path, { session: 's', tmuxSocket: undefined });
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes on a fresh connection and collects what comes back until it goes quiet. */
function raw(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(path);
    let out = '';
    s.on('data', (d: Buffer) => { out += d.toString(); });
    s.on('connect', () => { s.write(bytes); s.write('\n'); setTimeout(() => s.end(), 20); });
    s.on('close', () => resolve(out));
    s.on('error', () => undefined);
  });
}

describe('IPC against hostile clients', () => {
  it('garbage lines get JSON-RPC errors, never a crash; the server keeps serving', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      const reply = await raw(Buffer.from(bytes));
      for (const line of reply.split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }), { numRuns: 60 });
    const client = await connectHost('s', undefined, { socketPath: path });
    expect(await client.call('ping')).toBe('pong');
    client.close();
  });

  it('answers 200 concurrent connections', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => connectHost('s', undefined, { socketPath: path })));
    const answers = await Promise.all(clients.map((c) => c.call('ping')));
    expect(answers.every((a) => a === 'pong')).toBe(true);
    for (const c of clients) c.close();
  });

  it('drops a client that does not read its stream instead of buffering without bound', async () => {
    const stalled = connect(path);
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    stalled.pause(); // never reads
    stalled.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'flood' })}\n`);
    const closed = new Promise<void>((r) => stalled.once('close', () => r()));
    stalled.on('error', () => undefined);
    // Meanwhile, others are served.
    const client = await connectHost('s', undefined, { socketPath: path });
    expect(await client.call('ping')).toBe('pong');
    client.close();
    // The host hangs up once its 16 MB allowance is full (the handler sees the abort); what
    // reached us is less than the whole 64 MB stream.
    for (const deadline = Date.now() + 30_000; !floodAborted;) {
      if (Date.now() > deadline) throw new Error('the host kept the stalled client');
      await new Promise((r) => setTimeout(r, 20));
    }
    let received = 0;
    stalled.on('data', (d: Buffer) => { received += d.length; });
    stalled.resume();
    await closed;
    expect(received).toBeLessThan(48 * 1024 * 1024);
  }, 60_000);
});
