import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createProviderService } from '../../../src/providers/service.js';
import { runAgent, type AgentRunOptions } from '../../../src/agents/loop.js';
import { AgentInbox } from '../../../src/agents/inbox.js';
import { RunApprovals } from '../../../src/agents/policy.js';
import { defaultLimits } from '../../../src/agents/limits.js';
import type { AgentEvent } from '../../../src/agents/types.js';
import { hostTools } from '../../../host/agents/tools.js';
import { localEnvironment } from '../../../host/agents/toolEnvironment.js';

let fake: FakeLlm;
let dir: string;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => {
  fake.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'picode-loop-'));
  // A project whose test fails until add() is fixed.
  writeFileSync(join(dir, 'add.js'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(join(dir, 'test.mjs'), "import { add } from './add.js';\nif (add(2, 3) !== 5) { console.error('FAIL: add(2, 3) = ' + add(2, 3)); process.exit(1); }\nconsole.log('PASS');\n");
  return () => rmSync(dir, { recursive: true, force: true });
});

const llm = () => createProviderService({
  config: { providers: { openai: { baseUrl: fake.openaiBaseUrl } }, failover: { retries: 0 } },
  env: { OPENAI_API_KEY: 'sk-test-0123456789abcdef' },
});

function options(overrides: Partial<AgentRunOptions> = {}): AgentRunOptions & { events: AgentEvent[] } {
  const events: AgentEvent[] = [];
  return {
    llm: llm(),
    model: 'openai:gpt-test',
    system: 'test',
    messages: [{ role: 'user', content: 'make the test pass' }],
    tools: hostTools(localEnvironment(dir, 'agent:test')),
    approvals: new RunApprovals({ default: 'allow', tools: {} }),
    limits: defaultLimits,
    signal: new AbortController().signal,
    askPerson: async () => 'yes',
    inbox: new AgentInbox(),
    interactive: false,
    onEvent: (e) => events.push(e),
    events,
    ...overrides,
  };
}

const u = { input: 100, output: 10 };

describe('the agent loop against the fake provider, with real tools', () => {
  it('stops when the same failing tool call repeats, saying why (not after the whole turn budget)', async () => {
    for (let i = 0; i < 3; i++) fake.enqueue(reply.toolCalls([{ id: `n${i}`, name: 'no_such_tool', args: { x: 1 } }], { usage: u }));
    const o = options({ limits: { ...defaultLimits, maxRepeatedFailures: 3 } });
    const result = await runAgent(o);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^the same tool call failed 3 times in a row \(no_such_tool: There is no tool named "no_such_tool"/);
    expect(result.reason).toContain('agents.maxRepeatedFailures');
    expect(fake.requests).toHaveLength(3);
  });

  it('a failure followed by a different call does not count as a repeat', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'no_such_tool', args: {} }], { usage: u }),
      reply.toolCalls([{ id: 'b', name: 'no_such_tool', args: {} }], { usage: u }),
      reply.toolCalls([{ id: 'c', name: 'read_file', args: { path: 'add.js' } }], { usage: u }),
      reply.toolCalls([{ id: 'd', name: 'no_such_tool', args: {} }], { usage: u }),
      reply.text('done', { usage: u }),
    );
    const result = await runAgent(options({ limits: { ...defaultLimits, maxRepeatedFailures: 3 } }));
    expect(result.status).toBe('done');
  });

  it('runs a failing test, reads the output, edits the file, re-runs it and passes', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'c1', name: 'run_command', args: { command: 'node test.mjs' } }], { usage: u }),
      reply.toolCalls([{ id: 'c2', name: 'read_file', args: { path: 'add.js' } }], { usage: u }),
      reply.toolCalls([{ id: 'c3', name: 'edit_file', args: { path: 'add.js', old_text: 'a - b', new_text: 'a + b' } }], { usage: u }),
      reply.toolCalls([{ id: 'c4', name: 'run_command', args: { command: 'node test.mjs' } }], { usage: u }),
      reply.text('Fixed add(): it subtracted. The test passes now.', { usage: u }),
    );
    const o = options();
    const result = await runAgent(o);
    expect(result.status).toBe('done');
    expect(readFileSync(join(dir, 'add.js'), 'utf8')).toBe('export const add = (a, b) => a + b;\n');
    const toolResults = result.messages.filter((m) => m.role === 'tool');
    expect(toolResults.map((m) => [m.toolName, m.isError ?? false])).toEqual([
      ['run_command', true], ['read_file', false], ['edit_file', false], ['run_command', false],
    ]);
    expect(toolResults[0]!.content).toContain('exit code 1');
    expect(toolResults[0]!.content).toContain('FAIL: add(2, 3) = -1');
    expect(toolResults[3]!.content).toContain('PASS');
    // The model saw each tool's output in its next request.
    const second = fake.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(second.messages.some((m) => m.role === 'tool' && m.content.includes('FAIL: add(2, 3) = -1'))).toBe(true);
    // The edit was shown as a diff.
    const edit = o.events.find((e) => e.type === 'tool-end' && e.call.name === 'edit_file') as Extract<AgentEvent, { type: 'tool-end' }>;
    expect(edit.output.display).toContain('-export const add = (a, b) => a - b;\n+export const add = (a, b) => a + b;');
    expect(result.usage).toEqual({ turns: 5, inputTokens: 500, outputTokens: 50, costUsd: 0 });
    expect(o.events.at(-1)).toEqual({ type: 'finished', status: 'done', reason: undefined });
  });

  it('asks a person for tools under `ask`, remembers "always", and reports the deny of "no"', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'run_command', args: { command: 'echo one' } }]),
      reply.toolCalls([{ id: 'b', name: 'run_command', args: { command: 'echo two' } }]),
      reply.toolCalls([{ id: 'c', name: 'write_file', args: { path: 'x.txt', content: 'x' } }]),
      reply.text('ok'),
    );
    const asked: string[] = [];
    const statuses: string[] = [];
    const o = options({
      approvals: new RunApprovals({ default: 'ask', tools: { read_file: 'allow' } }),
      askPerson: async (call) => { asked.push(call.name); return call.name === 'run_command' ? 'always' : 'no'; },
    });
    const result = await runAgent({ ...o, onEvent: (e) => { o.onEvent(e); if (e.type === 'status') statuses.push(e.status); } });
    expect(result.status).toBe('done');
    expect(asked).toEqual(['run_command', 'write_file']); // the second run_command was remembered
    const tools = result.messages.filter((m) => m.role === 'tool');
    expect(tools[1]!.content).toContain('two');
    expect(tools[2]).toMatchObject({ isError: true, content: expect.stringContaining('declined') });
    expect(statuses).toContain('waiting_approval');
  });

  it('denies by policy and by the gate without running the tool', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'write_file', args: { path: 'x.txt', content: 'x' } }]),
      reply.toolCalls([{ id: 'b', name: 'run_command', args: { command: 'touch y.txt' } }]),
      reply.text('gave up'),
    );
    const gated: string[] = [];
    const result = await runAgent(options({
      approvals: new RunApprovals({ default: 'allow', tools: { write_file: 'deny' } }),
      gate: async (call) => { gated.push(call.name); return { decision: 'deny', reason: 'no shell today' }; },
    }));
    expect(result.status).toBe('done');
    expect(gated).toEqual(['run_command']); // a policy deny never reaches the gate
    const tools = result.messages.filter((m) => m.role === 'tool');
    expect(tools[0]!.content).toContain('approval policy');
    expect(tools[1]!.content).toContain('no shell today');
    expect(() => readFileSync(join(dir, 'y.txt'))).toThrow();
  });

  it('lets the gate rewrite arguments and add context', async () => {
    fake.enqueue(reply.toolCalls([{ id: 'a', name: 'run_command', args: { command: 'echo secret' } }]), reply.text('done'));
    const result = await runAgent(options({
      gate: async (call) => ({ decision: 'allow', args: { ...(call.args as object), command: 'echo redacted' }, additionalContext: 'be careful' }),
    }));
    const tool = result.messages.find((m) => m.role === 'tool')!;
    expect(tool.content).toContain('redacted');
    expect(tool.content).not.toContain('secret');
    expect(tool.content).toContain('[context from a hook] be careful');
  });

  it('stops at the turn limit and at the token limit', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'read_file', args: { path: 'add.js' } }], { usage: u }),
      reply.toolCalls([{ id: 'b', name: 'read_file', args: { path: 'add.js' } }], { usage: u }),
    );
    const byTurns = await runAgent(options({ limits: { ...defaultLimits, maxTurns: 2 } }));
    expect(byTurns).toMatchObject({ status: 'failed', reason: 'turn limit reached (2 model calls)' });
    expect(fake.requests).toHaveLength(2);

    fake.enqueue(reply.toolCalls([{ id: 'a', name: 'read_file', args: { path: 'add.js' } }], { usage: { input: 900, output: 200 } }));
    const byTokens = await runAgent(options({ limits: { ...defaultLimits, maxTokens: 1000 } }));
    expect(byTokens.status).toBe('failed');
    expect(byTokens.reason).toContain('token limit reached (1100 of 1000)');
  });

  it('stops at the cost limit using the injected prices', async () => {
    fake.enqueue(reply.toolCalls([{ id: 'a', name: 'read_file', args: { path: 'add.js' } }], { usage: { input: 1000, output: 1000 } }));
    const result = await runAgent(options({ limits: { ...defaultLimits, maxCostUsd: 0.01 }, costOf: (usage) => (usage.input + usage.output) * 0.00001 }));
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.reason).toContain('cost limit reached ($0.0200 of $0.01)');
  });

  it('stops on the stop signal while waiting for an approval', async () => {
    fake.enqueue(reply.toolCalls([{ id: 'a', name: 'run_command', args: { command: 'touch z.txt' } }]));
    const controller = new AbortController();
    const result = await runAgent(options({
      approvals: new RunApprovals({ default: 'ask', tools: {} }),
      signal: controller.signal,
      askPerson: (_call, _reason, signal) => {
        setTimeout(() => controller.abort(), 10);
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined)));
      },
    }));
    expect(result.status).toBe('stopped');
    expect(() => readFileSync(join(dir, 'z.txt'))).toThrow();
  });

  it('delivers a message sent mid-run at the next turn, and waits for input when interactive', async () => {
    const inbox = new AgentInbox();
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'read_file', args: { path: 'add.js' } }]),
      reply.text('first answer'),
      reply.text('second answer'),
    );
    const controller = new AbortController();
    const statuses: string[] = [];
    const o = options({ inbox, interactive: true, signal: controller.signal });
    const running = runAgent({
      ...o,
      onEvent: (e) => {
        if (e.type === 'tool-start') inbox.push('also check subtraction');
        if (e.type === 'status') {
          statuses.push(e.status);
          if (e.status === 'waiting_input') {
            if (statuses.filter((s) => s === 'waiting_input').length === 1) setTimeout(() => inbox.push('thanks'), 5);
            else controller.abort();
          }
        }
      },
    });
    const result = await running;
    expect(result.status).toBe('stopped');
    const users = result.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual(['make the test pass', 'also check subtraction', 'thanks']);
    const second = fake.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(second.messages.at(-1)).toMatchObject({ role: 'user', content: 'also check subtraction' });
  });

  it('answers tool calls a resumed transcript left without results instead of re-running them', async () => {
    fake.enqueue(reply.text('checked, all good'));
    const result = await runAgent(options({
      messages: [
        { role: 'user', content: 'task' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'run_command', args: { command: 'touch again.txt' } }] },
      ],
    }));
    expect(result.status).toBe('done');
    expect(result.messages[2]).toMatchObject({ role: 'tool', toolCallId: 'x', isError: true });
    expect(() => readFileSync(join(dir, 'again.txt'))).toThrow();
  });

  it('answers an unknown tool and invalid arguments with errors the model can act on', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'nope', args: {} }, { id: 'b', name: 'read_file', args: { path: 42 } }, { id: 'c', name: 'read_file', args: '{bad' }]),
      reply.text('ok'),
    );
    const result = await runAgent(options());
    const tools = result.messages.filter((m) => m.role === 'tool');
    expect(tools.map((t) => t.isError)).toEqual([true, true, true]);
    expect(tools[0]!.content).toContain('no tool named "nope"');
    expect(tools[1]!.content).toContain('Invalid arguments for read_file');
    expect(tools[2]!.content).toContain('not valid JSON');
  });

  it('refuses file paths outside the working directory', async () => {
    fake.enqueue(reply.toolCalls([{ id: 'a', name: 'read_file', args: { path: '../../etc/passwd' } }]), reply.text('ok'));
    const result = await runAgent(options());
    expect(result.messages.find((m) => m.role === 'tool')).toMatchObject({ isError: true, content: expect.stringContaining('outside') });
  });
});
