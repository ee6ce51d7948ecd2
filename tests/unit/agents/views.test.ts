import { describe, expect, it } from 'vitest';
import { JobsView, type JobRow } from '../../../host/ui/views/jobs.js';
import { PlanView } from '../../../host/ui/views/plan.js';
import { AgentView, entryLines } from '../../../host/ui/views/agent.js';
import { wrap } from '../../../host/ui/frame.js';
import { ViewerRegistry } from '../../../host/agents/viewers.js';
import type { PlanRecord } from '../../../host/agents/planStore.js';
import type { AgentRunRecord } from '../../../host/agents/runStore.js';

const connected = { state: 'connected' as const, detail: undefined };
const size = { width: 100, bodyHeight: 20 };
const text = (lines: ReadonlyArray<{ text: string }>) => lines.map((l) => l.text).join('\n');

const job = (over: Partial<JobRow>): JobRow => ({
  id: 1, kind: 'plan', title: 'plan: x', status: 'running', stage: 'generate', stagesDone: 1, stages: ['context', 'generate', 'save'],
  progress: 0.4, createdAt: 0, startedAt: 1_000, ...over,
});

describe('the jobs view', () => {
  it('lists jobs newest first with stage, progress and duration, and details the selected one', () => {
    const view = new JobsView('main', () => 66_000);
    view.apply(job({ id: 1, status: 'done', finishedAt: 4_000, progress: 1, stagesDone: 3, stage: 'save' }));
    view.apply(job({ id: 2, kind: 'agent', title: 'agent #1: fix', stages: ['prepare', 'run'], stage: 'run', message: 'asking the model' }));
    const frame = view.render(size, connected);
    expect(frame.header).toBe(' picode jobs · main · 2 jobs, 1 running');
    const body = text(frame.body);
    expect(body.split('\n')[0]).toMatch(/^#2 +▶ running +agent +agent #1: fix +run 2\/2 +███░░░░░ +40% +1m05s$/);
    expect(body.split('\n')[1]).toMatch(/^#1 +✓ done +plan +plan: x +save 3\/3 +████████ 100% +3s$/);
    expect(frame.selected).toBe(0);
    expect(body).toContain('  asking the model');
    view.move(1);
    expect(view.render(size, connected).selected).toBe(1);
    expect(view.ticking()).toBe(true);
    expect(view.title()).toBe('picode jobs (1 running)');
  });

  it('says when the host is away', () => {
    const frame = new JobsView('main').render(size, { state: 'disconnected', detail: 'gone' });
    expect(frame.header).toContain('host unavailable, reconnecting');
  });
});

const plan = (over: Partial<PlanRecord> = {}): PlanRecord => ({
  id: 3, session: 'main', task: 'make the tests pass', summary: 'Fix add().', status: 'ready', revision: 1, parentId: undefined,
  feedback: undefined, model: 'openai:gpt-test', jobId: 1, error: undefined, createdAt: 0, updatedAt: 0,
  steps: [
    { id: 10, planId: 3, position: 1, title: 'Run the tests', detail: 'See what fails.', files: ['test.mjs'], commands: ['npm test'], acceptance: 'a failure', status: 'done', approved: true, assignee: 'user', startedAt: 0, finishedAt: 5_000 },
    { id: 11, planId: 3, position: 2, title: 'Fix add()', detail: 'It subtracts.', files: ['add.js'], commands: [], acceptance: 'npm test passes', status: 'running', approved: false, assignee: 'agent:4', startedAt: 10_000, finishedAt: undefined },
  ],
  ...over,
});

describe('the plan view', () => {
  it('shows steps with status, approval, assignee and elapsed time, and the selected step in full', () => {
    const view = new PlanView('main', '/p', () => 75_000);
    view.apply(plan());
    const frame = view.render(size, connected);
    expect(frame.header).toBe(' plan #3 · ready · 1/2 done · main');
    const body = text(frame.body);
    expect(body).toMatch(/ 1\. ✓ ✔ Run the tests +done +user +5s/);
    expect(body).toMatch(/ 2\. ▶ {3}Fix add\(\) +running +agent:4 +1m05s/);
    // The first unfinished step is selected by default and detailed below.
    expect(frame.body[frame.selected!]!.text).toContain('Fix add()');
    expect(body).toContain('Step 2: Fix add()');
    expect(body).toContain('done when: npm test passes');
    expect(frame.footer).toContain('x run by agent');
  });

  it('switches to a newer plan (a revision) and ignores updates of older ones', () => {
    const view = new PlanView('main', '/p');
    view.apply(plan());
    view.apply(plan({ id: 4, status: 'generating', revision: 2, parentId: 3, steps: [] }));
    view.apply(plan({ status: 'superseded' }));
    expect(view.current()?.id).toBe(4);
    expect(text(view.render(size, connected).body)).toContain('generating…');
  });
});

const run = (over: Partial<AgentRunRecord> = {}): AgentRunRecord => ({
  id: 4, session: 'main', jobId: 2, planStepId: undefined, task: 'fix it', model: 'openai:gpt-test', status: 'working',
  workPane: '%1', cwd: '/p', worktree: undefined, limits: { maxTurns: 10, maxTokens: 1000, maxCostUsd: 1 },
  usage: { turns: 2, inputTokens: 1500, outputTokens: 300, costUsd: 0.0123 }, error: undefined, createdAt: 0, finishedAt: undefined, updatedAt: 0,
  ...over,
});

describe('the agent view', () => {
  it('streams text, shows tool calls and collapsed results, and asks approvals inline', () => {
    const view = new AgentView('main', undefined, { update: () => {} });
    view.apply({ kind: 'run', run: run() });
    view.assign(4);
    view.apply({ kind: 'entry', entry: { run: 4, seq: 1, time: 0, entry: { kind: 'user', text: 'fix it' } } });
    view.apply({ kind: 'entry', entry: { run: 4, seq: 2, time: 0, entry: { kind: 'assistant', text: 'Running the tests.', toolCalls: [{ id: 'a', name: 'run_command', args: { command: 'npm test' } }] } } });
    view.apply({ kind: 'entry', entry: { run: 4, seq: 3, time: 0, entry: { kind: 'tool_result', toolCallId: 'a', toolName: 'run_command', content: `exit code 1\n${Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')}`, isError: true, durationMs: 12 } } });
    view.apply({ kind: 'text', run: 4, text: 'The test ' });
    view.apply({ kind: 'text', run: 4, text: 'fails.' });
    view.apply({ kind: 'text', run: 99, text: 'another run' });
    view.apply({ kind: 'run', run: run({ status: 'waiting_approval' }), pendingApproval: { call: { id: 'b', name: 'write_file', args: { path: 'a.js' } }, reason: undefined } });
    const frame = view.render(size, connected);
    expect(frame.header).toBe(' agent #4 · waiting approval · openai:gpt-test · 2 turns · 1.8k tok · $0.0123');
    const body = text(frame.body);
    expect(body).toContain('› fix it');
    expect(body).toContain('⚙ run_command {"command":"npm test"}');
    expect(body).toContain('  ↳ exit code 1 (12 ms)');
    expect(body).toContain('… 15 more lines (t expands)');
    expect(body).toContain('The test fails.');
    expect(body).not.toContain('another run');
    expect(body).toContain('Allow write_file {"path":"a.js"}?');
    expect(frame.footer).toContain('a always allow write_file');
    expect(view.title()).toBe('picode agent #4: waiting approval');
  });

  it('shows the run the host assigns unless pinned', () => {
    const follow = new AgentView('main', undefined, { update: () => {} });
    follow.apply({ kind: 'run', run: run() });
    follow.apply({ kind: 'run', run: run({ id: 5 }) });
    expect(follow.run()).toBeUndefined();
    expect(follow.assign(5)).toBe(true);
    expect(follow.run()?.id).toBe(5);
    const pinned = new AgentView('main', 4, { update: () => {} });
    pinned.apply({ kind: 'run', run: run() });
    expect(pinned.assign(5)).toBe(false);
    expect(pinned.run()?.id).toBe(4);
  });

  it('colours diffs of file writes', () => {
    const lines = entryLines({ kind: 'tool_result', toolCallId: 'x', toolName: 'edit_file', content: 'wrote a.js: +1 -1 lines', display: '--- a/a.js\n+++ b/a.js\n@@ -1,1 +1,1 @@\n-old\n+new\n' }, 80, false);
    expect(lines.map((l) => [l.text.trim(), l.style])).toEqual([
      ['↳ wrote a.js: +1 -1 lines', 'ok'], ['--- a/a.js', 'dim'], ['+++ b/a.js', 'dim'], ['@@ -1,1 +1,1 @@', 'dim'], ['-old', 'removed'], ['+new', 'added'],
    ]);
  });
});

describe('the viewer registry (which agent pane shows which run)', () => {
  it('hands new runs to free panes, then to the one that got its run longest ago', () => {
    const active = new Set<number>();
    const registry = new ViewerRegistry((r) => active.has(r));
    const shown: Record<string, number[]> = { a: [], b: [] };
    expect(registry.add('a', [], (r) => shown.a!.push(r))).toBeUndefined();
    expect(registry.add('b', [], (r) => shown.b!.push(r))).toBeUndefined();
    for (const r of [1, 2, 3]) { active.add(r); registry.started(r); }
    expect(shown).toEqual({ a: [1, 3], b: [2] });
    active.delete(2);
    active.add(4);
    registry.started(4); // b's run ended: b is free
    expect(shown.b).toEqual([2, 4]);
  });

  it('prefers an empty pane to one whose run has ended', () => {
    const registry = new ViewerRegistry(() => false); // every run ends at once
    const shown: Record<string, number[]> = { a: [], b: [] };
    registry.add('a', [], (r) => shown.a!.push(r));
    registry.add('b', [], (r) => shown.b!.push(r));
    for (const r of [1, 2, 3]) registry.started(r);
    expect(shown).toEqual({ a: [1, 3], b: [2] });
  });

  it('gives a new pane the newest active run no other pane shows', () => {
    const registry = new ViewerRegistry((r) => r !== 3);
    registry.add('a', [1, 2, 3], () => {});
    expect(registry.add('b', [1, 2, 3], () => {})).toBe(1);
    registry.remove('a');
    expect(registry.add('c', [1, 2, 3], () => {})).toBe(2);
  });
});

describe('wrap', () => {
  it('wraps at spaces and hard-breaks long words', () => {
    expect(wrap('aaa bbb ccc ddd', 10)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(wrap('x'.repeat(25), 10)).toEqual(['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx']);
  });
});
