import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { costOf, findPrice } from '../../../src/providers/cost.js';
import { resolveChain, resolveTarget, parseModelId } from '../../../src/providers/registry.js';
import { redact, rememberSecret } from '../../../src/providers/keys.js';
import { retryAfter, classifyError } from '../../../src/providers/errors.js';
import { fitBudget, renderContext } from '../../../src/context/assemble.js';
import { contextItem } from '../../../src/context/types.js';
import { createApprovalGuard, terminalPrompt, renderPreview } from '../../../host/llm/approval.js';
import { createGateGuard } from '../../../host/llm/gate.js';
import { openStore } from '../../../host/store/db.js';
import type { CompletionRequest } from '../../../src/providers/types.js';

describe('cost arithmetic', () => {
  const sonnet = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
  it('bills uncached input, cache reads, cache writes and output each at its own rate', () => {
    // 10,000 input of which 6,000 cache reads and 1,000 cache writes; 2,000 output.
    const usage = { input: 10_000, cachedInput: 6_000, cacheWrite: 1_000, output: 2_000, reasoning: 500 };
    const expected = (3_000 * 3 + 6_000 * 0.3 + 1_000 * 3.75 + 2_000 * 15) / 1e6;
    expect(costOf(usage, sonnet)).toBeCloseTo(expected, 12);
    expect(costOf(usage, sonnet)).toBeCloseTo(0.04455, 12);
  });
  it('prices cached tokens at the input rate when the model has no cache price', () => {
    expect(costOf({ input: 1_000_000, cachedInput: 500_000, cacheWrite: 0, output: 0, reasoning: 0 }, { input: 2, output: 8 })).toBeCloseTo(2, 12);
  });
  it('is undefined without a price; wildcard prefixes match, the longest wins', () => {
    expect(costOf({ input: 1, cachedInput: 0, cacheWrite: 0, output: 1, reasoning: 0 }, undefined)).toBeUndefined();
    const table = { 'ollama:*': { input: 0, output: 0 }, 'ollama:big*': { input: 1, output: 1 }, 'openai:gpt-4.1': { input: 2, output: 8 } };
    expect(findPrice(table, 'ollama:qwen')).toEqual({ input: 0, output: 0 });
    expect(findPrice(table, 'ollama:big-model')).toEqual({ input: 1, output: 1 });
    expect(findPrice(table, 'openai:gpt-4.1')).toEqual({ input: 2, output: 8 });
    expect(findPrice(table, 'openai:gpt-4.1-mini')).toBeUndefined();
  });
});

describe('model names, aliases and chains', () => {
  const env = { OPENAI_API_KEY: 'k' };
  it('splits provider:model at the first colon only', () => {
    expect(parseModelId('openrouter:anthropic/claude-sonnet-4.5')).toEqual({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' });
    expect(parseModelId('ollama:qwen2.5-coder:7b')).toEqual({ provider: 'ollama', model: 'qwen2.5-coder:7b' });
    expect(resolveTarget('ollama:', {}, {}).id).toBe('ollama:qwen2.5-coder');
  });
  it('expands aliases recursively into one deduplicated chain, and refuses cycles', () => {
    const config = { aliases: { fast: 'openai:gpt-4.1-mini', smart: ['anthropic:claude-sonnet-4-5', 'fast'], both: ['smart', 'fast'], loop: 'loop2', loop2: 'loop' } };
    expect(resolveChain('both', undefined, config, env)).toEqual(['anthropic:claude-sonnet-4-5', 'openai:gpt-4.1-mini']);
    expect(() => resolveChain('loop', undefined, config, env)).toThrow(/refers to itself/);
    expect(() => resolveChain('nonsense', undefined, config, env)).toThrow(/neither provider:model nor an alias/);
  });
  it('picks the chain for the purpose, then default, then what the environment offers', () => {
    const config = { models: { default: 'openai:gpt-4.1', plan: ['anthropic:claude-opus-4-1', 'openai:gpt-4.1'] } };
    expect(resolveChain(undefined, 'plan', config, env)).toEqual(['anthropic:claude-opus-4-1', 'openai:gpt-4.1']);
    expect(resolveChain(undefined, 'plugin:x', config, env)).toEqual(['openai:gpt-4.1']);
    expect(resolveChain(undefined, 'ask', { models: ['a:b', 'c:d'] }, env)).toEqual(['a:b', 'c:d']);
    expect(resolveChain(undefined, 'ask', {}, { ANTHROPIC_API_KEY: 'x', GEMINI_API_KEY: 'y' })).toEqual(['anthropic:', 'gemini:']);
    expect(() => resolveChain(undefined, 'ask', {}, {})).toThrow(/no LLM provider/);
  });
  it('takes base URLs from config, then the variables the SDKs and servers document', () => {
    expect(resolveTarget('openai:x', {}, { OPENAI_BASE_URL: 'http://proxy/v1' }).provider.baseUrl).toBe('http://proxy/v1');
    expect(resolveTarget('anthropic:x', {}, { ANTHROPIC_BASE_URL: 'http://a' }).provider.baseUrl).toBe('http://a');
    expect(resolveTarget('anthropic:x', { providers: { anthropic: { baseUrl: 'http://cfg' } } }, { ANTHROPIC_BASE_URL: 'http://a' }).provider.baseUrl).toBe('http://cfg');
    expect(resolveTarget('ollama:x', {}, { OLLAMA_HOST: '10.0.0.2:11434' }).provider.baseUrl).toBe('http://10.0.0.2:11434/v1');
    expect(resolveTarget('gemini:x', {}, {}).provider.keyEnv).toEqual(['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
    const custom = resolveTarget('mine:m', { providers: { mine: { type: 'openai-compatible', baseUrl: 'http://h/v1', apiKeyEnv: 'MINE_KEY' } } }, {});
    expect(custom.provider).toMatchObject({ type: 'openai-compatible', keyEnv: ['MINE_KEY'], keyRequired: true });
    expect(() => resolveTarget('mine:m', {}, {})).toThrow(/unknown provider/);
  });
});

describe('errors and keys', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfter({ 'retry-after-ms': '1500' })).toBe(1500);
    expect(retryAfter({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfter({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(retryAfter({})).toBeUndefined();
  });
  it('redacts remembered keys and common key shapes from messages', () => {
    rememberSecret('custom-secret-value-123');
    expect(redact('a custom-secret-value-123 b')).toBe('a [redacted] b');
    expect(redact('key sk-ant-api03-abcdefghijklmnopqrstuvwxyz done')).toBe('key [redacted] done');
    const info = classifyError({ status: 401, message: '401 Incorrect API key provided: custom-secret-value-123' }, { model: 'openai:x', aborted: false, stalled: false, responseStarted: false, stallMs: 1 });
    expect(info.kind).toBe('auth');
    expect(info.message).not.toContain('custom-secret-value-123');
  });
});

describe('context budget fitting', () => {
  const item = (source: string, text: string, priority: number, keep: 'head' | 'tail' | 'none' = 'none') => contextItem({ source, title: source, text, priority, keep });
  it('keeps the highest priorities that fit and drops the rest', () => {
    const r = fitBudget([item('pane:a', 'x'.repeat(400), 50), item('file:b', 'y'.repeat(400), 70), item('command:c', 'z'.repeat(400), 80)], 250);
    expect(r.items.map((i) => i.source)).toEqual(['command:c', 'file:b']);
    expect(r.dropped).toEqual([{ source: 'pane:a', reason: 'budget', tokens: 100 }]);
    expect(r.tokens).toBe(200);
  });
  it('dedupes by source and by identical text, keeping the higher priority', () => {
    const r = fitBudget([item('pane:a', 'same', 50), item('command:a', 'same', 80), item('file:x', 'one', 70), item('file:x', 'two', 60)], 1000);
    expect(r.items.map((i) => i.source)).toEqual(['command:a', 'file:x']);
    expect(r.items[1]!.text).toBe('one');
    expect(r.dropped.map((d) => [d.source, d.reason])).toEqual([['file:x', 'duplicate'], ['pane:a', 'duplicate']]);
  });
  it('shortens an item from the end it allows: tail for output, head for files', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n');
    const tail = fitBudget([item('pane:a', lines, 50, 'tail')], 100).items[0]!;
    expect(tail.truncated).toBe(true);
    expect(tail.text).toContain('line 199');
    expect(tail.text).not.toContain('line 0\n');
    expect(tail.tokens).toBeLessThanOrEqual(100);
    const head = fitBudget([item('file:a', lines, 50, 'head')], 100).items[0]!;
    expect(head.text.startsWith('line 0\n')).toBe(true);
    expect(head.text).not.toContain('line 199');
    expect(renderContext([head])).toContain('truncated="true"');
  });
});

function withStore<T>(fn: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'picode-approval-'));
  const store = openStore(join(dir, 'picode.db'));
  return fn(store).finally(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });
}

const request: CompletionRequest = {
  system: 'sys', messages: [{ role: 'user', content: 'the question with pane output' }], purpose: 'ask', sources: ['pane:%1', 'file:a.ts'],
};

describe('approval policy', () => {
  it('shows exactly what will be sent and waits for a yes on the terminal', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => { shown += d.toString(); });
    const guard = createApprovalGuard({ policy: 'always', prompt: terminalPrompt(input, output) });
    const pending = guard(request, ['openai:gpt-4.1']);
    await new Promise((r) => setTimeout(r, 20));
    expect(shown).toContain('To: openai:gpt-4.1');
    expect(shown).toContain('----- system -----\nsys');
    expect(shown).toContain('the question with pane output');
    expect(shown).toContain('[y/N]');
    input.write('y\n');
    await expect(pending).resolves.toBe(request);

    const no = createApprovalGuard({ policy: 'always', prompt: terminalPrompt(input, output) });
    const refused = no(request, ['openai:gpt-4.1']);
    input.write('\n');
    await expect(refused).rejects.toMatchObject({ kind: 'denied' });
  });

  it('first-time-per-source asks once per source and provider, and remembers the yes', async () => {
    await withStore(async (store) => {
      const asked: string[][] = [];
      const guard = createApprovalGuard({ policy: 'first-time-per-source', db: store.db, prompt: async (r) => { asked.push([...r.sources]); return true; } });
      await guard(request, ['openai:gpt-4.1']);
      await guard(request, ['openai:gpt-4o']);
      await guard({ ...request, sources: ['pane:%1', 'file:b.ts'] }, ['openai:gpt-4.1']);
      await guard(request, ['anthropic:claude-sonnet-4-5']);
      expect(asked).toEqual([['pane:%1', 'file:a.ts'], ['file:b.ts'], ['pane:%1', 'file:a.ts']]);
    });
  });

  it('refuses when approval is needed and nobody can answer; `never` sends without asking', async () => {
    await expect(createApprovalGuard({ policy: 'always' })(request, ['openai:x'])).rejects.toThrow(/needs a yes/);
    await expect(createApprovalGuard({ policy: 'never' })(request, ['openai:x'])).resolves.toBe(request);
    expect(renderPreview(request, ['a:b', 'c:d'])).toContain('(then, if it fails: c:d)');
  });
});

describe('llm.request gate', () => {
  it('denies, rewrites (redaction) and adds context as the gate decides', async () => {
    const seen: unknown[] = [];
    const deny = createGateGuard(async (e) => { seen.push(e); return { decision: 'deny', reason: 'no secrets', data: e.data }; });
    await expect(deny(request, ['openai:x'])).rejects.toMatchObject({ kind: 'denied', message: expect.stringContaining('no secrets') });
    expect(seen[0]).toMatchObject({ type: 'llm.request', data: { models: ['openai:x'], purpose: 'ask', sources: ['pane:%1', 'file:a.ts'] } });

    const rewrite = createGateGuard(async (e) => ({
      decision: 'allow',
      data: { ...e.data, messages: [{ role: 'user', content: '[redacted]' }] },
      additionalContext: 'house rules',
    }));
    const out = await rewrite(request, ['openai:x']);
    expect(out.messages).toEqual([{ role: 'user', content: '[redacted]' }]);
    expect(out.system).toBe('sys\n\nhouse rules');

    const ask = createGateGuard(async (e) => ({ decision: 'ask', reason: 'big prompt', data: e.data }), { prompt: async () => false });
    await expect(ask(request, ['openai:x'])).rejects.toMatchObject({ kind: 'denied' });
  });
});
