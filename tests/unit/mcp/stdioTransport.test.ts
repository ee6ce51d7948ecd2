import { describe, expect, it } from 'vitest';
import { BoundedStdioTransport, serverEnvironment } from '../../../host/mcp/client/stdioTransport.js';

const line = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'x' } });

function transport(script: string, limits: { maxLineBytes?: number; maxMessagesPerSecond?: number } = {}): BoundedStdioTransport {
  return new BoundedStdioTransport({
    command: process.execPath, args: ['-e', script], env: serverEnvironment({}), cwd: process.cwd(),
    maxLineBytes: limits.maxLineBytes ?? 1 << 20, maxMessagesPerSecond: limits.maxMessagesPerSecond ?? 1000,
  });
}

function closed(t: BoundedStdioTransport): Promise<void> {
  return new Promise((resolve) => { t.onclose = () => resolve(); });
}

describe('the bounded stdio transport', () => {
  it('delivers messages and reports the exit with the end of stderr', async () => {
    const t = transport(`process.stdout.write(${JSON.stringify(`${line}\n`)}); console.error('bye from the server'); process.exit(4)`);
    const messages: unknown[] = [];
    t.onmessage = (m) => { messages.push(m); };
    const ended = closed(t);
    await t.start();
    await ended;
    expect(messages).toHaveLength(1);
    expect(t.failure).toBe('the server exited (code 4): bye from the server');
  });

  it('stops a server that sends more messages a second than allowed', async () => {
    const t = transport(`process.stdout.write(${JSON.stringify(`${line}\n`)}.repeat(500)); setInterval(() => {}, 1000)`, { maxMessagesPerSecond: 100 });
    const errors: string[] = [];
    t.onerror = (e) => errors.push(e.message);
    const ended = closed(t);
    await t.start();
    await ended;
    expect(t.failure).toBe('sent more than 100 messages in a second');
    expect(errors).toContain('sent more than 100 messages in a second');
  });

  it('stops a server whose message never ends', async () => {
    const t = transport(`(function f() { process.stdout.write('x'.repeat(65536), () => setImmediate(f)); })()`, { maxLineBytes: 1 << 20 });
    const ended = closed(t);
    await t.start();
    await ended;
    expect(t.failure).toBe('sent a message over 1048576 bytes');
  });

  it('reports a program that cannot start', async () => {
    const t = new BoundedStdioTransport({ command: '/nonexistent/server', args: [], env: {}, cwd: process.cwd(), maxLineBytes: 1024, maxMessagesPerSecond: 10 });
    await expect(t.start()).rejects.toThrow('cannot start /nonexistent/server');
  });

  it('passes only the basic variables of picode\'s environment, plus those configured', () => {
    expect(serverEnvironment({ TOKEN: 't' }, { PATH: '/bin', HOME: '/h', OPENAI_API_KEY: 'sk-secret', PICODE_HOME: '/p' })).toEqual({ PATH: '/bin', HOME: '/h', TOKEN: 't' });
  });
});
