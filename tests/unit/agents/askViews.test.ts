import { describe, expect, it } from 'vitest';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { AgentView } from '../../../host/ui/views/agent.js';
import { AskLog, askLines, llmApprovalLines } from '../../../host/ui/views/agentAsks.js';
import type { AgentRunRecord } from '../../../host/agents/runStore.js';

const connected = { state: 'connected' as const, detail: undefined };
const size = { width: 100, bodyHeight: 20 };
const text = (lines: ReadonlyArray<{ text: string }>) => lines.map((l) => l.text).join('\n');

let nextId = 1;
const event = (type: string, data: Record<string, unknown>, time = 1_000): PicodeEvent =>
  ({ id: nextId++, type, time, session: 'main', window: undefined, pane: undefined, paneName: undefined, data }) as PicodeEvent;
const delta = (requestId: string, textPart: string, extra: Record<string, unknown> = {}, time?: number) =>
  event('llm.response.delta', { requestId, purpose: 'ask', text: textPart, ...extra }, time);
const response = (requestId: string, extra: Record<string, unknown> = {}) => event('llm.response', {
  requestId, purpose: 'ask', question: 'why does it fail?', model: 'openai:gpt-test', text: 'It subtracts.', toolCalls: 0,
  sources: ['pane:%1'], usage: { input: 1200, cachedInput: 0, cacheWrite: 0, output: 34, reasoning: 0 }, costUsd: 0.0021, outcome: 'ok', ...extra,
});

const run = (over: Partial<AgentRunRecord> = {}): AgentRunRecord => ({
  id: 4, session: 'main', jobId: 2, planStepId: undefined, task: 'fix it', model: 'openai:gpt-test', status: 'working',
  workPane: '%1', cwd: '/p', worktree: undefined, limits: { maxTurns: 10, maxTokens: 1000, maxCostUsd: 1 },
  usage: { turns: 2, inputTokens: 1500, outputTokens: 300, costUsd: 0.0123 }, error: undefined, createdAt: 0, finishedAt: undefined, updatedAt: 0,
  ...over,
});

const held = { approvalId: 'ap1', models: ['openai:gpt-test'], sources: ['purpose:agent'], preview: 'To: openai:gpt-test\n----- user -----\nfix add()\n------------------', since: 5 };

describe('asks in the agent pane', () => {
  it('rebuilds an ask from its events: question, streamed text, then model, tokens and cost', () => {
    const log = new AskLog();
    const started = log.apply(delta('r1', 'It ', { question: 'why does it fail?' }));
    expect(started?.requestId).toBe('r1');
    expect(log.apply(delta('r1', 'subtr'))).toBeUndefined();
    const ask = log.get('r1')!;
    expect(text(askLines(ask, 80))).toBe('› why does it fail?\nIt subtr');
    log.apply(response('r1'));
    expect(text(askLines(ask, 80))).toBe('› why does it fail?\nIt subtracts.\n— done · openai:gpt-test · 1200 in / 34 out tokens · $0.0021\nsources: pane:%1');
    // Replayed events (ids already seen) change nothing; other purposes are not asks.
    expect(log.apply({ ...delta('r1', 'again'), id: 1 })).toBeUndefined();
    expect(log.apply(event('llm.response', { requestId: 'p', purpose: 'plan', text: '{}', outcome: 'ok' }))).toBeUndefined();
    expect(log.list().map((a) => a.requestId)).toEqual(['r1']);
  });

  it('says why an ask failed, and marks answers cut by the host going away', () => {
    const log = new AskLog();
    log.apply(response('r2', { outcome: 'denied', text: '', error: 'not approved: nothing was sent', costUsd: undefined, usage: { input: 0, output: 0 } }));
    expect(text(askLines(log.get('r2')!, 100))).toContain('— failed (denied): not approved: nothing was sent · openai:gpt-test');
    log.apply(delta('r3', 'half an'));
    log.interruptStreaming();
    expect(text(askLines(log.get('r3')!, 100))).toContain('— interrupted: the host went away');
  });

  it('shows a new ask at once, between runs for [ and ], unless the run in view needs the person', () => {
    const view = new AgentView('main', undefined, { update: () => {} });
    view.apply({ kind: 'run', run: run({ createdAt: 0 }) });
    view.assign(4);
    view.applyAskEvent(delta('r1', 'It sub', { question: 'why?' }, 500), true);
    let frame = view.render(size, connected);
    expect(frame.header).toBe(' ask · streaming… · ask 2/2');
    expect(text(frame.body)).toBe('› why?\nIt sub');
    expect(view.title()).toBe('picode agent: ask');
    view.applyAskEvent(response('r1'), true);
    expect(view.render(size, connected).header).toBe(' ask · done · openai:gpt-test · 1.2k tok · $0.0021 · ask 2/2');
    // The run asks for an approval: the view goes back to it.
    view.apply({ kind: 'run', run: run({ status: 'waiting_approval' }), pendingApproval: { call: { id: 'b', name: 'write_file', args: {} }, reason: undefined } });
    expect(view.ask()).toBeUndefined();
    expect(view.render(size, connected).header).toContain('agent #4 · waiting approval');
    // A new ask meanwhile does not take the view from the run that waits.
    view.applyAskEvent(delta('r2', 'x', { question: 'and now?' }, 900), true);
    expect(view.ask()).toBeUndefined();
    // Asks from the history loaded at start are not pushed into view.
    const fresh = new AgentView('main', undefined, { update: () => {} });
    fresh.apply({ kind: 'run', run: run() });
    fresh.assign(4);
    fresh.applyAskEvent(delta('r9', 'old', { question: 'q' }), false);
    expect(fresh.ask()).toBeUndefined();
    expect(fresh.allEntries().map((e) => e.kind)).toEqual(['run', 'ask']);
  });

  it('shows a held LLM request as the terminal prompt does, rings once per new one, and sets the status', () => {
    const statuses: string[][] = [];
    const view = new AgentView('main', undefined, { update: (_runs, extra) => statuses.push([...(extra ?? [])]) });
    expect(view.attention()).toBeUndefined();
    view.setLlmApprovals([held]);
    const frame = view.render(size, connected);
    const body = text(frame.body);
    expect(body).toContain('An LLM request waits for your approval:');
    expect(body).toContain('To: openai:gpt-test\n----- user -----\nfix add()\n------------------\nSend this (purpose:agent) to openai:gpt-test? [y/n]');
    expect(frame.footer).toContain('y send · n refuse');
    expect(view.title()).toBe('picode agent · LLM request waiting approval');
    expect(statuses.at(-1)).toEqual(['LLM request waiting approval']);
    const first = view.attention();
    expect(first).toBeDefined();
    view.setLlmApprovals([held, { ...held, approvalId: 'ap2', since: 6 }]);
    const second = view.attention();
    expect(second).not.toBe(first); // a new request: the bell rings again
    view.setLlmApprovals([{ ...held, approvalId: 'ap2', since: 6 }]);
    expect(view.attention()).toBe(second); // one answered: no new bell
    view.setLlmApprovals([]);
    expect(view.attention()).toBeUndefined();
    expect(statuses.at(-1)).toEqual([]);
  });

  it('lists how many more requests wait after the one y / n answers', () => {
    const lines = text(llmApprovalLines([held, { ...held, approvalId: 'b' }, { ...held, approvalId: 'c' }], 80));
    expect(lines).toContain('2 more LLM requests wait after this one');
    expect(llmApprovalLines([], 80)).toEqual([]);
  });
});
