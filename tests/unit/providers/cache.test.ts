import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicCacheBiller, OpenAiCacheBiller, commonPrefixLength as commonPrefix, promptBlocks, reply, startFakeLlm, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createProviderService } from '../../../src/providers/service.js';
import { complete } from '../../../src/providers/stream.js';
import { costOf } from '../../../src/providers/cost.js';
import { runAgent } from '../../../src/agents/loop.js';
import { AgentInbox } from '../../../src/agents/inbox.js';
import { RunApprovals } from '../../../src/agents/policy.js';
import { defaultLimits } from '../../../src/agents/limits.js';
import { buildAskRequest } from '../../../src/context/ask.js';
import { fitBudget } from '../../../src/context/assemble.js';
import { contextItem } from '../../../src/context/types.js';
import type { CallRecord, Message, ProviderDeps } from '../../../src/providers/types.js';
import type { ProviderEntry } from '../../../src/providers/configSchema.js';
import { hostTools } from '../../../host/agents/tools.js';
import { localEnvironment } from '../../../host/agents/toolEnvironment.js';

// A system prompt long enough to be cached (the API's minimum is 1,024 tokens).
const longSystem = 'You are a careful coding agent. Read before you edit and run the tests after each change. '.repeat(60);
const prices = {
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 },
  'openai:gpt-test': { input: 2, output: 8, cachedInput: 0.5 },
};
const anthropic = 'anthropic:claude-sonnet-4-5';

let fake: FakeLlm;
const biller = new AnthropicCacheBiller();
const openaiBiller = new OpenAiCacheBiller();
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'picode-cache-'));
  fake = await startFakeLlm({ anthropicBilling: biller, openaiBilling: openaiBiller });
});
afterAll(async () => { await fake.close(); rmSync(dir, { recursive: true, force: true }); });
afterEach(() => { fake.requests.length = 0; biller.reset(); openaiBiller.reset(); });

function deps(entry: Partial<ProviderEntry> = {}, records: CallRecord[] = []): ProviderDeps {
  return {
    config: {
      providers: { anthropic: { baseUrl: fake.anthropicBaseUrl, ...entry }, openai: { baseUrl: fake.openaiBaseUrl, ...entry } },
      failover: { retries: 0 },
    },
    env: { ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdef', OPENAI_API_KEY: 'sk-test-0123456789abcdef' },
    prices,
    record: (r) => records.push(r),
  };
}

/** Every block of a recorded Anthropic request, with whether it carries a breakpoint. */
function marked(body: Record<string, unknown>): Array<{ json: string; breakpoint: boolean }> {
  return promptBlocks(body).map((b) => ({ json: b.json, breakpoint: b.ttlMs !== undefined }));
}

/** Offset in an OpenAI request's raw body of the `]` that closes its messages: what a next turn appends before. */
function endOfMessages(request: { raw: string; body: Record<string, unknown> }): number {
  const messages = JSON.stringify(request.body.messages);
  const at = request.raw.indexOf(`"messages":${messages}`);
  expect(at).toBeGreaterThanOrEqual(0);
  return at + '"messages":'.length + messages.length - 1;
}

async function agentRun(turns: number, d: ProviderDeps, model = anthropic): Promise<Message[]> {
  for (let i = 1; i < turns; i++) {
    fake.enqueue(reply.toolCalls([{ id: `c${i}`, name: 'run_command', args: { command: `echo step ${i}` } }], { usage: { output: 20 } }));
  }
  fake.enqueue(reply.text('All steps done.', { usage: { output: 5 } }));
  const result = await runAgent({
    llm: createProviderService(d), model, system: longSystem,
    messages: [{ role: 'user', content: 'run the steps' }],
    tools: hostTools(localEnvironment(dir, 'agent:test')),
    approvals: new RunApprovals({ default: 'allow', tools: {} }), limits: defaultLimits,
    signal: new AbortController().signal, askPerson: async () => 'yes', inbox: new AgentInbox(), interactive: false,
    costOf: (usage, m) => costOf(usage, prices[m as keyof typeof prices]),
    onEvent: () => {},
  });
  expect(result.status).toBe('done');
  return [...result.messages];
}

describe('Anthropic prompt caching, billed by the fake server as the API bills', () => {
  it('an agent run caches tools + system and the conversation: later turns read, never more than 4 breakpoints', async () => {
    const records: CallRecord[] = [];
    await agentRun(6, deps({}, records));
    expect(fake.requests).toHaveLength(6);
    for (const [i, req] of fake.requests.entries()) {
      const blocks = marked(req.body);
      const count = blocks.filter((b) => b.breakpoint).length;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(4);
      // The end of the system prompt (tools + system) and the last block of the conversation.
      const system = req.body.system as Array<{ cache_control?: unknown }>;
      expect(system.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
      expect(blocks.at(-1)!.breakpoint).toBe(true);
      if (i > 0) expect(req.bill!.cacheRead, `turn ${i + 1} reads the previous prefix`).toBeGreaterThan(0);
    }
    // Each turn reads everything the previous one wrote: only the new turn is written.
    for (let i = 1; i < fake.requests.length; i++) {
      const previous = fake.requests[i - 1]!.bill!;
      expect(fake.requests[i]!.bill!.cacheRead).toBe(previous.cacheRead + previous.cacheWrite);
    }
    // Usage with reads and writes is recorded and priced at the cache rates.
    expect(records).toHaveLength(6);
    const second = records[1]!;
    expect(second.usage.cachedInput).toBe(fake.requests[1]!.bill!.cacheRead);
    expect(second.usage.cacheWrite).toBe(fake.requests[1]!.bill!.cacheWrite);
    const u = second.usage;
    const expected = ((u.input - u.cachedInput - u.cacheWrite) * 3 + u.cachedInput * 0.3 + u.cacheWrite * 3.75 + u.output * 15) / 1e6;
    expect(second.costUsd).toBeCloseTo(expected, 10);
    expect(second.uncachedCostUsd).toBeCloseTo((u.input * 3 + u.output * 15) / 1e6, 10);
    expect(second.uncachedCostUsd!).toBeGreaterThan(second.costUsd!);
  });

  it('a turn with many parallel tool calls still reads the previous prefix (breakpoint at the previous turn end)', async () => {
    const calls = Array.from({ length: 15 }, (_, i) => ({ id: `p${i}`, name: 'run_command', args: { command: `echo ${i}` } }));
    fake.enqueue(reply.toolCalls(calls, { usage: { output: 50 } }), reply.toolCalls(calls.map((c) => ({ ...c, id: `q${c.id}` })), { usage: { output: 50 } }), reply.text('done'));
    const result = await runAgent({
      llm: createProviderService(deps()), model: anthropic, system: longSystem, messages: [{ role: 'user', content: 'go' }],
      tools: hostTools(localEnvironment(dir, 'agent:test')), approvals: new RunApprovals({ default: 'allow', tools: {} }),
      limits: defaultLimits, signal: new AbortController().signal, askPerson: async () => 'yes', inbox: new AgentInbox(),
      interactive: false, onEvent: () => {},
    });
    expect(result.status).toBe('done');
    const last = fake.requests.at(-1)!;
    // 30 blocks were added since the previous breakpoint: beyond the API's 20-block lookback.
    expect(last.bill!.cacheRead).toBe(fake.requests[1]!.bill!.cacheRead + fake.requests[1]!.bill!.cacheWrite);
    expect(marked(last.body).filter((b) => b.breakpoint)).toHaveLength(3);
  });

  it('cache: off sends no cache_control at all, and every turn pays full input', async () => {
    await agentRun(3, deps({ cache: 'off' }));
    for (const req of fake.requests) {
      expect(req.raw).not.toContain('cache_control');
      expect(req.bill).toMatchObject({ cacheRead: 0, cacheWrite: 0, breakpoints: 0 });
    }
  });

  it('cacheTtl: 1h asks for the 1-hour cache and prices its writes at the 1-hour rate', async () => {
    const records: CallRecord[] = [];
    await agentRun(2, deps({ cacheTtl: '1h' }, records));
    expect(fake.requests[0]!.raw).toContain('"cache_control":{"type":"ephemeral","ttl":"1h"}');
    const u = records[0]!.usage;
    expect(u.cacheWrite).toBeGreaterThan(0);
    expect(u.cacheWrite1h).toBe(u.cacheWrite);
    expect(records[0]!.costUsd).toBeCloseTo(((u.input - u.cacheWrite) * 3 + u.cacheWrite * 6 + u.output * 15) / 1e6, 10);
  });

  it('an ask caches its large stable context, never the volatile pane tail or the question', async () => {
    const file = contextItem({ source: 'file:src/big.ts', title: 'src/big.ts', text: 'export const x = 1;\n'.repeat(400), priority: 70, keep: 'head' });
    const pane = contextItem({ source: 'pane:%1', title: 'pane', text: `$ npm test\nFAIL at ${Date.now()}`, priority: 50, keep: 'tail' });
    for (let i = 0; i < 2; i++) {
      fake.enqueue(reply.text('answer'));
      const request = buildAskRequest(`why does it fail? (${i})`, fitBudget([pane, file], 100_000), { model: anthropic });
      await complete(request, deps());
    }
    const [first, second] = fake.requests;
    const blocks = marked(first!.body);
    const breakpoints = blocks.filter((b) => b.breakpoint);
    expect(breakpoints).toHaveLength(1);
    expect(breakpoints[0]!.json).toContain('src/big.ts');
    for (const b of blocks) if (b.json.includes('pane:%1') || b.json.includes('why does it fail')) expect(b.breakpoint).toBe(false);
    // The second ask about the same file reads it from the cache.
    expect(second!.bill!.cacheRead).toBeGreaterThan(1000);
  });

  it('the fake refuses more than 4 breakpoints, as the API does', () => {
    const text = (t: string) => ({ type: 'text', text: t, cache_control: { type: 'ephemeral' } });
    expect(() => biller.bill({ model: 'm', messages: [{ role: 'user', content: [text('a'), text('b'), text('c'), text('d'), text('e')] }] }))
      .toThrow(/maximum of 4 blocks/);
  });
});

describe('OpenAI: stable prefix and prompt_cache_key', () => {
  it('every request of a run starts with the previous one byte for byte, and carries the run\'s key', async () => {
    await agentRun(5, deps(), 'openai:gpt-test');
    const keys = new Set(fake.requests.map((r) => r.body.prompt_cache_key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^picode-agent-/);
    for (let i = 1; i < fake.requests.length; i++) {
      // The bytes as sent: everything up to the end of the previous request's messages is
      // repeated unchanged, so the first difference is where this turn's messages were appended.
      const previous = fake.requests[i - 1]!;
      const current = fake.requests[i]!;
      expect(commonPrefix(previous.raw, current.raw), `request ${i + 1}`).toBe(endOfMessages(previous));
      expect(JSON.stringify(current.body.tools)).toBe(JSON.stringify(fake.requests[0]!.body.tools));
    }
  });

  it('each turn reuses the whole previous prompt: OpenAI bills it as cached, and picode records and prices it', async () => {
    const records: CallRecord[] = [];
    await agentRun(4, deps({}, records), 'openai:gpt-test');
    expect(records).toHaveLength(4);
    for (let i = 1; i < fake.requests.length; i++) {
      const previous = fake.requests[i - 1]!.openaiBill!;
      const bill = fake.requests[i]!.openaiBill!;
      // Tools, system and every earlier message, up to the `]` the new messages are inserted before.
      expect(bill.sharedPrefixChars, `request ${i + 1}`).toBe(previous.promptChars - 1);
      expect(bill.cachedInput).toBeGreaterThanOrEqual(1024);
      expect(records[i]!.usage).toMatchObject({ input: bill.input, cachedInput: bill.cachedInput });
      const u = records[i]!.usage;
      expect(records[i]!.costUsd).toBeCloseTo(((u.input - u.cachedInput) * 2 + u.cachedInput * 0.5 + u.output * 8) / 1e6, 10);
    }
    expect(records[0]!.usage.cachedInput).toBe(0);
  });

  it('asks about the same files share a key and their prefix up to the files; the pane tail and question come after', async () => {
    const file = contextItem({ source: 'file:src/big.ts', title: 'src/big.ts', text: 'export const x = 1;\n'.repeat(400), priority: 70, keep: 'head' });
    for (const [i, tail] of ['FAIL: expected 1', 'FAIL: expected 2, and a longer tail this time'].entries()) {
      const pane = contextItem({ source: 'pane:%1', title: 'pane', text: `$ npm test\n${tail}`, priority: 50, keep: 'tail' });
      fake.enqueue(reply.text('answer'));
      await complete(buildAskRequest(`why does it fail? (${i})`, fitBudget([pane, file], 100_000), { model: 'openai:gpt-test' }), deps());
    }
    const [first, second] = fake.requests;
    expect(first!.body.prompt_cache_key).toMatch(/^picode-ask-/);
    expect(second!.body.prompt_cache_key).toBe(first!.body.prompt_cache_key);
    const messages = first!.body.messages as Array<{ content: string }>;
    expect(messages[1]!.content).toContain('src/big.ts');
    // Everything up to the end of the file's message is the same bytes; the difference is in the volatile message.
    const stableEnd = first!.raw.indexOf(JSON.stringify(messages[1]!.content)) + JSON.stringify(messages[1]!.content).length;
    expect(commonPrefix(first!.raw, second!.raw)).toBeGreaterThan(stableEnd);
    expect(second!.openaiBill!.cachedInput).toBeGreaterThanOrEqual(1024);
    // Another file: another key.
    fake.enqueue(reply.text('answer'));
    const other = contextItem({ source: 'file:src/other.ts', title: 'src/other.ts', text: 'export const y = 2;\n'.repeat(400), priority: 70, keep: 'head' });
    await complete(buildAskRequest('and this?', fitBudget([other], 100_000), { model: 'openai:gpt-test' }), deps());
    expect(fake.requests[2]!.body.prompt_cache_key).not.toBe(first!.body.prompt_cache_key);
  });

  it('a run continued from its transcript (a follow-up to a finished run) keeps its key and its prefix', async () => {
    const transcript = await agentRun(3, deps(), 'openai:gpt-test');
    const before = fake.requests.at(-1)!;
    fake.requests.length = 0;
    // As the host continues a finished run: the conversation rebuilt from the transcript, the person's message appended.
    const rebuilt: Message[] = JSON.parse(JSON.stringify(transcript)) as Message[];
    fake.enqueue(reply.text('Done again.'));
    const result = await runAgent({
      llm: createProviderService(deps()), model: 'openai:gpt-test', system: longSystem,
      messages: [...rebuilt, { role: 'user', content: 'and once more' }],
      tools: hostTools(localEnvironment(dir, 'agent:test')), approvals: new RunApprovals({ default: 'allow', tools: {} }),
      limits: defaultLimits, signal: new AbortController().signal, askPerson: async () => 'yes', inbox: new AgentInbox(),
      interactive: false, onEvent: () => {},
    });
    expect(result.status).toBe('done');
    const after = fake.requests[0]!;
    expect(after.body.prompt_cache_key).toBe(before.body.prompt_cache_key);
    // The earlier run's last request is repeated up to its last message (the answer it got is appended after it).
    expect(commonPrefix(before.raw, after.raw)).toBe(endOfMessages(before));
  });

  it('sends no prompt_cache_key with cache: off, nor to compatible servers that may refuse it', async () => {
    await agentRun(2, deps({ cache: 'off' }), 'openai:gpt-test');
    for (const req of fake.requests) expect(req.body).not.toHaveProperty('prompt_cache_key');
    fake.requests.length = 0;
    fake.enqueue(reply.text('hi'));
    const d = deps();
    await complete({ model: 'local:m', messages: [{ role: 'user', content: 'hi' }], cacheKey: 'k' }, {
      ...d, config: { ...d.config, providers: { local: { type: 'openai-compatible', baseUrl: fake.openaiBaseUrl } } },
    });
    expect(fake.requests[0]!.body).not.toHaveProperty('prompt_cache_key');
  });
});
