import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { streamCompletion, complete } from '../../../src/providers/stream.js';
import type { CallRecord, CompletionRequest, ProviderDeps, StreamPart } from '../../../src/providers/types.js';
import { LlmError } from '../../../src/providers/types.js';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.requests.length = 0; });

interface Harness { deps: ProviderDeps; records: CallRecord[]; sleeps: number[] }

function harness(overrides: Partial<ProviderDeps['config']> = {}): Harness {
  const records: CallRecord[] = [];
  const sleeps: number[] = [];
  const deps: ProviderDeps = {
    config: {
      providers: { openai: { baseUrl: fake.openaiBaseUrl }, anthropic: { baseUrl: fake.anthropicBaseUrl } },
      failover: { retries: 2, stallMs: 1000 },
      ...overrides,
    },
    env: { OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef', ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdef' },
    record: (r) => records.push(r),
    sleep: async (ms) => { sleeps.push(ms); },
    random: () => 0.5,
    prices: { 'openai:gpt-test': { input: 1, output: 2 }, 'anthropic:claude-test': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
  };
  return { deps, records, sleeps };
}

async function parts(request: CompletionRequest, deps: ProviderDeps): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of streamCompletion(request, deps)) out.push(p);
  return out;
}

const ask = (model: string | string[], extra: Partial<CompletionRequest> = {}): CompletionRequest =>
  ({ model, messages: [{ role: 'user', content: 'hi' }], purpose: 'test', ...extra });

for (const provider of ['openai', 'anthropic'] as const) {
  const model = provider === 'openai' ? 'openai:gpt-test' : 'anthropic:claude-test';
  describe(`${provider} adapter through the real SDK`, () => {
    it('streams text deltas, normalised usage and the finish reason', async () => {
      const h = harness();
      fake.enqueue(reply.text('Hello there world', { usage: { input: 100, cachedInput: 40, cacheWrite: provider === 'anthropic' ? 10 : 0, output: 3 } }));
      const out = await parts(ask(model, { system: 'be brief', maxTokens: 50 }), h.deps);
      expect(out.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text).join('')).toBe('Hello there world');
      expect(out.find((p) => p.type === 'usage')).toEqual({
        type: 'usage',
        usage: { input: 100, cachedInput: 40, cacheWrite: provider === 'anthropic' ? 10 : 0, output: 3, reasoning: 0 },
      });
      expect(out.at(-1)).toEqual({ type: 'finish', reason: 'stop', model });
      expect(h.records).toHaveLength(1);
      expect(h.records[0]).toMatchObject({ provider, outcome: 'ok', purpose: 'test' });
      expect(h.records[0]!.ttftMs).toBeGreaterThanOrEqual(0);
      // The request carried the system prompt and the key in the provider's own way.
      const req = fake.requests[0]!;
      if (provider === 'openai') {
        expect(req.body.messages).toEqual([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
        expect(req.body.max_completion_tokens).toBe(50);
        expect(req.headers.authorization).toBe('Bearer sk-test-openai-0123456789abcdef');
      } else {
        expect(req.body.system).toBe('be brief');
        expect(req.body.max_tokens).toBe(50);
        // @anthropic-ai/sdk 1.x sends the key as a bearer token.
        expect(req.headers['x-api-key'] ?? req.headers.authorization).toMatch(/sk-ant-test-0123456789abcdef$/);
      }
    });

    it('returns tool calls with parsed arguments, and translates tool definitions and results', async () => {
      const h = harness();
      fake.enqueue(reply.toolCalls([{ id: 'c1', name: 'read_file', args: { path: 'src/a.ts' } }, { id: 'c2', name: 'list', args: {} }]));
      const tools = [{ name: 'read_file', description: 'read a file', parameters: z.object({ path: z.string() }) },
        { name: 'list', description: 'list', parameters: { type: 'object' as const, properties: {} } }];
      const result = await complete(ask(model, {
        tools,
        messages: [
          { role: 'user', content: 'look' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c0', name: 'list', args: {} }] },
          { role: 'tool', toolCallId: 'c0', toolName: 'list', content: 'a.ts' },
        ],
      }), h.deps);
      expect(result.finishReason).toBe('tool-calls');
      expect(result.toolCalls.map((t) => [t.id, t.name, t.args])).toEqual([['c1', 'read_file', { path: 'src/a.ts' }], ['c2', 'list', {}]]);
      const body = fake.requests[0]!.body;
      if (provider === 'openai') {
        expect((body.tools as Array<{ function: { name: string; parameters: { properties: object } } }>)[0]!.function.parameters.properties).toHaveProperty('path');
        expect((body.messages as Array<{ role: string }>).map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
      } else {
        expect((body.tools as Array<{ input_schema: { properties: object } }>)[0]!.input_schema.properties).toHaveProperty('path');
        const msgs = body.messages as Array<{ role: string; content: Array<{ type: string }> }>;
        expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
        expect(msgs[2]!.content[0]!.type).toBe('tool_result');
      }
    });

    it('reports malformed tool-argument JSON on the tool call instead of failing', async () => {
      const h = harness();
      fake.enqueue(reply.toolCalls([{ name: 'run', args: '{"cmd": "ls' }]));
      const out = await parts(ask(model), h.deps);
      const tc = out.find((p) => p.type === 'tool-call') as Extract<StreamPart, { type: 'tool-call' }>;
      expect(tc.args).toEqual({});
      expect(tc.argsText).toBe('{"cmd": "ls');
      expect(tc.argsError).toMatch(/not valid JSON/);
      expect(out.at(-1)?.type).toBe('finish');
    });

    it('retries a 429 after the Retry-After the server asked for, then succeeds', async () => {
      const h = harness();
      fake.enqueue(reply.error(429, { retryAfter: '2' }), reply.text('ok'));
      const out = await parts(ask(model), h.deps);
      expect(out.at(-1)?.type).toBe('finish');
      expect(h.sleeps).toEqual([2000]);
      expect(h.records.map((r) => r.outcome)).toEqual(['rate-limited', 'ok']);
      const attempts = out.filter((p) => p.type === 'attempt');
      expect(attempts).toHaveLength(2);
      expect((attempts[1] as { reason?: { kind: string; retryAfterMs?: number } }).reason).toMatchObject({ kind: 'rate-limited', retryAfterMs: 2000 });
    });

    it('backs off with jitter on a 429 without Retry-After, and gives up after the retries', async () => {
      const h = harness();
      fake.enqueue(reply.error(429), reply.error(429), reply.error(429));
      const out = await parts(ask(model), h.deps);
      expect(h.sleeps).toEqual([250, 500]); // base 500 * 2^n * random 0.5
      expect(out.at(-1)).toMatchObject({ type: 'error', error: { kind: 'rate-limited', status: 429, model } });
      expect(fake.requests).toHaveLength(3);
    });

    it('does not wait for a Retry-After longer than the cap: fails over at once', async () => {
      const h = harness({ failover: { retries: 2, maxRetryAfterMs: 1000 } });
      fake.enqueue(reply.error(429, { retryAfter: '61' }), reply.text('from the next model'));
      const other = provider === 'openai' ? 'anthropic:claude-test' : 'openai:gpt-test';
      const result = await complete(ask([model, other]), h.deps);
      expect(h.sleeps).toEqual([]);
      expect(result.model).toBe(other);
      expect(result.text).toBe('from the next model');
    });

    it(`classifies ${provider === 'openai' ? '500' : '529'} as overloaded and retries`, async () => {
      const h = harness();
      fake.enqueue(reply.error(provider === 'openai' ? 500 : 529), reply.text('fine'));
      const result = await complete(ask(model), h.deps);
      expect(result.text).toBe('fine');
      expect(h.records[0]!.outcome).toBe('overloaded');
    });

    it('does not retry auth or bad-request errors', async () => {
      const h = harness();
      fake.enqueue(reply.error(401, { message: 'invalid x-api-key' }));
      await expect(complete(ask(model), h.deps)).rejects.toMatchObject({ kind: 'auth', status: 401 });
      fake.enqueue(reply.error(400, { message: 'prompt is too long: 300000 tokens > 200000 maximum' }));
      await expect(complete(ask(model), h.deps)).rejects.toMatchObject({ kind: 'context-too-long' });
      expect(fake.requests).toHaveLength(2);
    });

    it('reports a mid-stream disconnect after output as truncated, without retrying', async () => {
      const h = harness();
      fake.enqueue({ kind: 'stream', deltas: ['partial ', 'answer'], ending: 'disconnect' }, reply.text('never sent'));
      const out = await parts(ask(model), h.deps);
      expect(out.filter((p) => p.type === 'text-delta')).toHaveLength(2);
      expect(out.at(-1)).toMatchObject({ type: 'error', error: { kind: 'truncated', afterOutput: true } });
      expect(fake.pending()).toBe(1);
      fake.enqueue(); // drain
      await parts(ask(model), h.deps);
    });

    it('detects a stream that ends cleanly without its final event', async () => {
      const h = harness();
      fake.enqueue({ kind: 'stream', deltas: ['half'], ending: 'no-final' });
      const out = await parts(ask(model), h.deps);
      expect(out.at(-1)).toMatchObject({ type: 'error', error: { kind: 'truncated', afterOutput: true } });
      expect(h.records[0]!.outcome).toBe('truncated');
    });

    it('aborts a stalled stream with the idle watchdog and retries when nothing was output yet', async () => {
      const h = harness();
      fake.enqueue({ kind: 'stream', deltas: [], ending: 'stall' }, reply.text('recovered'));
      const out = await parts(ask(model), h.deps);
      expect(h.records.map((r) => r.outcome)).toEqual(['stalled', 'ok']);
      expect(out.at(-1)?.type).toBe('finish');
    });

    it('counts keep-alives as activity: a slow first token is not a stall', async () => {
      const h = harness();
      fake.enqueue(reply.text('worth the wait', { holdMs: 2500, keepAliveMs: 200 }));
      const result = await complete(ask(model), h.deps);
      expect(result.text).toBe('worth the wait');
      expect(h.records.map((r) => r.outcome)).toEqual(['ok']);
      expect(h.records[0]!.ttftMs).toBeGreaterThan(1000);
    });

    it('stops on abort, mid-stream and while waiting to retry', async () => {
      const h = harness();
      const controller = new AbortController();
      fake.enqueue({ kind: 'stream', deltas: ['a ', 'b ', 'c ', 'd '], delayMs: 40 });
      const out: StreamPart[] = [];
      for await (const p of streamCompletion(ask(model, { signal: controller.signal }), h.deps)) {
        out.push(p);
        if (p.type === 'text-delta') controller.abort();
      }
      expect(out.at(-1)).toMatchObject({ type: 'error', error: { kind: 'aborted' } });

      const c2 = new AbortController();
      const real = harness();
      const deps = { ...real.deps, sleep: undefined };
      fake.enqueue(reply.error(429, { retryAfter: '10' }));
      // Abort once the 429 was served, i.e. while picode waits the 10 s it asked for.
      const seen = fake.requests.length;
      const poll = setInterval(() => { if (fake.requests.length > seen) { clearInterval(poll); setTimeout(() => c2.abort(), 50); } }, 10);
      const out2 = await parts(ask(model, { signal: c2.signal }), deps);
      clearInterval(poll);
      expect(out2.at(-1)).toMatchObject({ type: 'error', error: { kind: 'aborted', message: 'aborted while waiting to retry' } });
      expect(fake.pending()).toBe(0);
    });

    it('returns validated structured output from a zod schema', async () => {
      const h = harness();
      fake.enqueue(provider === 'openai'
        ? reply.text(['{"steps":', '["a","b"]}'])
        : reply.toolCalls([{ name: 'respond', args: { steps: ['a', 'b'] } }]));
      const result = await complete(ask(model, { output: z.object({ steps: z.array(z.string()) }) }), h.deps);
      expect(result.object).toEqual({ steps: ['a', 'b'] });
      expect(result.finishReason).toBe('stop');
      const body = fake.requests[0]!.body;
      if (provider === 'openai') expect(body.response_format).toMatchObject({ type: 'json_schema' });
      else expect(body.tool_choice).toEqual({ type: 'tool', name: 'respond' });
    });
  });
}

describe('anthropic stream errors', () => {
  it('treats an `event: error` overloaded frame before output as retryable', async () => {
    const h = harness();
    fake.enqueue({ kind: 'stream', deltas: [], ending: 'error-event', errorType: 'overloaded_error' }, reply.text('ok'));
    const result = await complete(ask('anthropic:claude-test'), h.deps);
    expect(result.text).toBe('ok');
    expect(h.records[0]!.outcome).toBe('overloaded');
  });
});

describe('failover chains', () => {
  it('fails over across providers on overload, through an alias', async () => {
    const h = harness({ aliases: { smart: ['anthropic:claude-test', 'openai:gpt-test'] }, failover: { retries: 0 } });
    fake.enqueue(reply.error(529), reply.text('answer from openai'));
    const result = await complete(ask('smart'), h.deps);
    expect(result.model).toBe('openai:gpt-test');
    expect(fake.requests.map((r) => r.format)).toEqual(['anthropic', 'openai']);
    expect(h.records.map((r) => `${r.provider}:${r.outcome}`)).toEqual(['anthropic:overloaded', 'openai:ok']);
  });

  it('skips a provider without a key and says which variable would enable it', async () => {
    const h = harness();
    const deps = { ...h.deps, env: { OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef' } };
    fake.enqueue(reply.text('ok'));
    const result = await complete(ask(['anthropic:claude-test', 'openai:gpt-test']), deps);
    expect(result.model).toBe('openai:gpt-test');
    await expect(complete(ask('anthropic:claude-test'), deps)).rejects.toThrow(/ANTHROPIC_API_KEY/);
  });

  it('fails over on network errors (nothing listening)', async () => {
    const h = harness({ providers: { openai: { baseUrl: 'http://127.0.0.1:9/v1' }, anthropic: { baseUrl: fake.anthropicBaseUrl } }, failover: { retries: 1 } });
    fake.enqueue(reply.text('ok'));
    const result = await complete(ask(['openai:gpt-test', 'anthropic:claude-test']), h.deps);
    expect(result.model).toBe('anthropic:claude-test');
    expect(h.records.map((r) => r.outcome)).toEqual(['network', 'network', 'ok']);
  });

  it('reaches openai-compatible presets through their base URL', async () => {
    const h = harness({ providers: { ollama: { baseUrl: fake.openaiBaseUrl } } });
    fake.enqueue(reply.text('local'));
    const result = await complete(ask('ollama:qwen2.5-coder', { maxTokens: 10 }), h.deps);
    expect(result.text).toBe('local');
    expect(fake.requests[0]!.body.model).toBe('qwen2.5-coder');
    expect(fake.requests[0]!.body.max_tokens).toBe(10);
  });

  it('takes the key from a configured command, and reports a failing command without its output', async () => {
    const h = harness({ providers: { openai: { baseUrl: fake.openaiBaseUrl, apiKeyCommand: 'printf "sk-from-command-0123456789\\n"' } } });
    fake.enqueue(reply.text('ok'));
    await complete(ask('openai:gpt-test'), { ...h.deps, env: {} });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-from-command-0123456789');
    const bad = harness({ providers: { openai: { baseUrl: fake.openaiBaseUrl, apiKeyCommand: 'echo half-a-key-printed; exit 3' } } });
    const error = await complete(ask('openai:gpt-test'), { ...bad.deps, env: {} }).catch((e: unknown) => e as LlmError);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as LlmError).message).toContain('exit 3');
    expect((error as LlmError).message).not.toContain('half-a-key');
    expect(fake.requests).toHaveLength(1);
  });

  it('accepts compatible servers that omit tool-call indexes and finish tool turns with stop', async () => {
    const h = harness({ providers: { ollama: { baseUrl: fake.openaiBaseUrl } } });
    fake.enqueue({ kind: 'stream', deltas: [], toolCalls: [{ name: 'a', args: { x: 1 } }, { name: 'b', args: { y: 2 } }], finish: 'stop', omitToolIndex: true });
    const result = await complete(ask('ollama:m'), h.deps);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls.map((t) => [t.name, t.args])).toEqual([['a', { x: 1 }], ['b', { y: 2 }]]);
  });

  it('complete() throws a typed LlmError', async () => {
    const h = harness();
    fake.enqueue(reply.error(400, { message: 'bad thing' }));
    const error = await complete(ask('openai:gpt-test'), h.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).kind).toBe('bad-request');
  });
});
