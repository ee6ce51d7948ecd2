import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { complete, streamCompletion } from '../../../src/providers/stream.js';
import { effortFor } from '../../../src/providers/reasoning.js';
import { runAgent } from '../../../src/agents/loop.js';
import { AgentInbox } from '../../../src/agents/inbox.js';
import { RunApprovals } from '../../../src/agents/policy.js';
import { defaultLimits } from '../../../src/agents/limits.js';
import { costOf } from '../../../src/providers/cost.js';
import { createProviderService } from '../../../src/providers/service.js';
import { openStore } from '../../../host/store/db.js';
import { createCallRecorder } from '../../../host/llm/recorder.js';
import { summariseUsage } from '../../../host/llm/usage.js';
import { AgentView, cacheLabel } from '../../../host/ui/views/agent.js';
import { AgentRunStore } from '../../../host/agents/runStore.js';
import type { CallRecord, ProviderDeps } from '../../../src/providers/types.js';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
afterEach(() => { fake.requests.length = 0; });

const prices = { 'anthropic:claude-test': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } };
function deps(records: CallRecord[] = []): ProviderDeps {
  return {
    config: { providers: { anthropic: { baseUrl: fake.anthropicBaseUrl }, openai: { baseUrl: fake.openaiBaseUrl } }, failover: { retries: 0 } },
    env: { ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdef', OPENAI_API_KEY: 'sk-test-0123456789abcdef' },
    prices,
    record: (r) => records.push(r),
  };
}

describe('reasoning effort', () => {
  it('resolves per model: exact key, longest prefix, default, else off', () => {
    const setting = { 'anthropic:claude-opus-4-1': 'high', 'openai:gpt-5*': 'medium', 'openai:*': 'low', default: 'off' } as const;
    expect(effortFor(setting, 'anthropic:claude-opus-4-1')).toBe('high');
    expect(effortFor(setting, 'openai:gpt-5-mini')).toBe('medium');
    expect(effortFor(setting, 'openai:o3')).toBe('low');
    expect(effortFor(setting, 'anthropic:claude-haiku-4-5')).toBe('off');
    expect(effortFor('medium', 'any:model')).toBe('medium');
    expect(effortFor(undefined, 'any:model')).toBe('off');
  });

  it('Anthropic gets a thinking budget below max_tokens; OpenAI gets reasoning_effort; off sends neither', async () => {
    fake.enqueue(reply.text('a'), reply.text('b'), reply.text('c'));
    await complete({ model: 'anthropic:claude-test', messages: [{ role: 'user', content: 'hi' }], reasoning: { 'anthropic:*': 'medium' }, maxTokens: 1000 }, deps());
    await complete({ model: 'openai:gpt-test', messages: [{ role: 'user', content: 'hi' }], reasoning: 'high' }, deps());
    await complete({ model: 'openai:gpt-test', messages: [{ role: 'user', content: 'hi' }], reasoning: { 'anthropic:*': 'high' } }, deps());
    const [anthropic, openai, none] = fake.requests;
    expect(anthropic!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(anthropic!.body.max_tokens).toBe(8192 + 1000);
    expect(openai!.body.reasoning_effort).toBe('high');
    expect(none!.body).not.toHaveProperty('reasoning_effort');
  });

  it('a resumed tool turn without its thinking blocks goes without thinking rather than be refused', async () => {
    fake.enqueue(reply.text('ok'));
    await complete({
      model: 'anthropic:claude-test', reasoning: 'high',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'noop', args: {} }] },
        { role: 'tool', toolCallId: 't1', toolName: 'noop', content: 'ok' },
      ],
    }, deps());
    expect(fake.requests[0]!.body).not.toHaveProperty('thinking');
  });

  it('thinking blocks come back with their signature in the next turn of an agent run; reasoning tokens are counted', async () => {
    const records: CallRecord[] = [];
    fake.enqueue(
      reply.toolCalls([{ id: 't1', name: 'noop', args: {} }], { thinking: 'I should call noop first.', usage: { output: 30, reasoning: 20 } }),
      reply.text('done'),
    );
    const result = await runAgent({
      llm: createProviderService(deps(records)), model: 'anthropic:claude-test', system: 's', reasoning: 'low',
      messages: [{ role: 'user', content: 'go' }],
      tools: [{ name: 'noop', description: 'does nothing', parameters: { type: 'object', properties: {} }, execute: async () => ({ content: 'ok' }) }],
      approvals: new RunApprovals({ default: 'allow', tools: {} }), limits: defaultLimits, signal: new AbortController().signal,
      askPerson: async () => 'yes', inbox: new AgentInbox(), interactive: false, onEvent: () => {},
    });
    expect(result.status).toBe('done');
    const second = fake.requests[1]!.body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    const assistant = second.messages.find((m) => m.role === 'assistant')!;
    expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: 'I should call noop first.', signature: 'sig-25' });
    expect(records[0]!.usage.reasoning).toBe(20);
    expect(records[0]!.reasoning).toBe('low');
  });
});

describe('cache usage recorded, priced and summarised', () => {
  it('llm_calls keeps reads, writes and the uncached cost; picode usage shows the hit ratio and the savings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-cache-usage-'));
    const store = openStore(join(dir, 'picode.db'));
    try {
      const recorder = createCallRecorder(store.db, { transcripts: false });
      const d = { ...deps(), record: (r: CallRecord) => recorder.record(r) };
      fake.enqueue(
        reply.text('one', { usage: { input: 10_000, cacheWrite: 9_000, output: 100 } }),
        reply.text('two', { usage: { input: 10_500, cachedInput: 9_000, cacheWrite: 1_000, output: 100 } }),
      );
      for (let i = 0; i < 2; i++) {
        for await (const part of streamCompletion({ model: 'anthropic:claude-test', messages: [{ role: 'user', content: 'x' }], purpose: 'agent' }, d)) void part;
      }
      const rows = store.db.prepare('SELECT cached_input_tokens, cache_write_tokens, cost_usd, uncached_cost_usd FROM llm_calls ORDER BY id').all() as Array<Record<string, number>>;
      expect(rows[1]).toMatchObject({ cached_input_tokens: 9_000, cache_write_tokens: 1_000 });
      expect(rows[1]!.cost_usd).toBeCloseTo((500 * 3 + 9_000 * 0.3 + 1_000 * 3.75 + 100 * 15) / 1e6, 10);
      expect(rows[1]!.uncached_cost_usd).toBeCloseTo((10_500 * 3 + 100 * 15) / 1e6, 10);
      const { total } = summariseUsage(store.db, { by: 'model' });
      expect(total.cacheHitRatio).toBeCloseTo(9_000 / 20_500, 6);
      expect(total.cacheWriteTokens).toBe(10_000);
      const cost = rows.reduce((n, r) => n + r.cost_usd!, 0);
      const uncached = rows.reduce((n, r) => n + r.uncached_cost_usd!, 0);
      expect(total.cacheSavedUsd).toBeCloseTo(uncached - cost, 10);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an agent run totals its cache reads and savings; the agent pane shows them', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 't1', name: 'noop', args: {} }], { usage: { input: 5_000, cacheWrite: 4_000, output: 10 } }),
      reply.text('done', { usage: { input: 5_200, cachedInput: 4_000, cacheWrite: 150, output: 10 } }),
    );
    const result = await runAgent({
      llm: createProviderService(deps()), model: 'anthropic:claude-test', system: 's', messages: [{ role: 'user', content: 'go' }],
      tools: [{ name: 'noop', description: 'does nothing', parameters: { type: 'object', properties: {} }, execute: async () => ({ content: 'ok' }) }],
      approvals: new RunApprovals({ default: 'allow', tools: {} }), limits: defaultLimits, signal: new AbortController().signal,
      askPerson: async () => 'yes', inbox: new AgentInbox(), interactive: false, onEvent: () => {},
      costOf: (usage, model) => costOf(usage, prices[model as keyof typeof prices]),
    });
    expect(result.usage.cachedInputTokens).toBe(4_000);
    expect(result.usage.cacheWriteTokens).toBe(4_150);
    // Written 4,000 at 1.25x then read at 0.1x: 4,000 x (1 - 0.1) - 4,150 x 0.25 input-price tokens saved.
    expect(result.usage.cacheSavedUsd).toBeCloseTo((4_000 * 0.9 - 4_150 * 0.25) * 3 / 1e6, 10);
    expect(cacheLabel(result.usage)).toBe(` · cache ${Math.round((4_000 / 10_200) * 100)}% · saved $${result.usage.cacheSavedUsd!.toFixed(4)}`);
    expect(cacheLabel({ inputTokens: 100 })).toBe('');
  });
});

describe('the agent pane', () => {
  it('keeps a run\'s cache figures in the store and shows them in its header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-cache-run-'));
    const store = openStore(join(dir, 'picode.db'));
    try {
      const runs = new AgentRunStore(store.db);
      const created = runs.create({ session: 'main', task: 't', model: 'anthropic:claude-test', cwd: dir, workPane: undefined, limits: defaultLimits });
      runs.update(created.id, { usage: { turns: 3, inputTokens: 20_000, outputTokens: 300, costUsd: 0.02, cachedInputTokens: 15_000, cacheWriteTokens: 4_000, cacheSavedUsd: 0.0375 } });
      const run = runs.get(created.id)!;
      expect(run.usage).toMatchObject({ cachedInputTokens: 15_000, cacheWriteTokens: 4_000, cacheSavedUsd: 0.0375 });
      const view = new AgentView('main', created.id, { update: () => {} });
      view.apply({ kind: 'run', run });
      expect(view.render({ width: 120, bodyHeight: 10 }, { state: 'connected', detail: undefined }).header)
        .toContain('$0.0200 · cache 75% · saved $0.0375');
      // A run that never touched a cache shows no cache figures.
      const plain = runs.create({ session: 'main', task: 't', model: 'openai:gpt-test', cwd: dir, workPane: undefined, limits: defaultLimits });
      runs.update(plain.id, { usage: { turns: 1, inputTokens: 100, outputTokens: 10, costUsd: 0 } });
      expect(runs.get(plain.id)!.usage.cachedInputTokens).toBeUndefined();
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
