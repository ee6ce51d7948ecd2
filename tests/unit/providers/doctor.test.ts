import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { doctorChecks } from '../../../src/providers/doctor.js';

describe('doctor checks', () => {
  it('reports keys by variable name only, never the key', async () => {
    const checks = await doctorChecks({ ANTHROPIC_API_KEY: 'sk-ant-doctor-secret-123456', OLLAMA_HOST: '127.0.0.1:9' });
    expect(checks.find((c) => c.name === 'provider anthropic')).toMatchObject({ status: 'ok', detail: 'key in ANTHROPIC_API_KEY' });
    expect(JSON.stringify(checks)).not.toContain('sk-ant-doctor-secret');
    expect(checks.at(-1)).toMatchObject({ name: 'llm', status: 'ok' });
    expect(checks.at(-1)!.detail).toContain('openai (OPENAI_API_KEY)');
  });

  it('finds a local OpenAI-compatible server and lists its models; warns when nothing is usable', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/v1/models' ? JSON.stringify({ data: [{ id: 'qwen2.5-coder:7b' }, { id: 'llama3' }] }) : '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const checks = await doctorChecks({ OLLAMA_HOST: `127.0.0.1:${port}` });
      expect(checks.find((c) => c.name === 'provider ollama')).toMatchObject({ status: 'ok' });
      expect(checks.find((c) => c.name === 'provider ollama')!.detail).toContain('qwen2.5-coder:7b, llama3');
    } finally {
      server.close();
    }
    const none = await doctorChecks({ OLLAMA_HOST: '127.0.0.1:9', OPENAI_BASE_URL: 'http://proxy/v1' });
    expect(none.at(-1)).toMatchObject({ name: 'llm', status: 'warn' });
    expect(none.find((c) => c.name === 'provider openai')).toMatchObject({ status: 'warn', detail: expect.stringContaining('OPENAI_BASE_URL is set') });
  });
});
