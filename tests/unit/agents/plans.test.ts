import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { openStore, type Store } from '../../../host/store/db.js';
import type { AgentsRuntime } from '../../../host/agents/runtime.js';
import { testRuntime } from './runtimeFixture.js';
import { planJsonSchema } from '../../../src/plans/schema.js';

let fake: FakeLlm;
let dir: string;
let store: Store;
let rt: AgentsRuntime;
let hostContextCalls: string[];

beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'picode-plans-'));
  writeFileSync(join(dir, 'package.json'), '{"scripts":{"test":"node test.mjs"}}');
  store = openStore(join(dir, 'picode.db'));
  hostContextCalls = [];
  rt = runtime();
});
afterEach(async () => {
  await rt.jobs.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function runtime(): AgentsRuntime {
  return testRuntime(fake, store, { hostContext: async (task) => { hostContextCalls.push(task); return [{ source: 'pane:shell', text: 'FAIL test/add.test.js' }]; } });
}

const draft = (titles: string[]) => ({
  summary: 'the approach',
  steps: titles.map((title) => ({ title, detail: 'd', files: ['a.js'], commands: ['npm test'], acceptance: 'npm test passes' })),
});

describe('plans', () => {
  it('generates a plan from the project and host context, with structured output', async () => {
    fake.enqueue(reply.text(JSON.stringify(draft(['one', 'two']))));
    const { plan, job } = rt.plans.create('fix the tests', { cwd: dir, extraContext: [{ source: 'hook', text: 'the hook says hi' }] });
    expect(plan.status).toBe('generating');
    expect((await rt.jobs.wait(job.id)).status).toBe('done');
    const ready = rt.plans.get(plan.id)!;
    expect(ready).toMatchObject({ status: 'ready', summary: 'the approach', model: 'openai:gpt-test' });
    expect(ready.steps.map((s) => [s.position, s.title, s.status])).toEqual([[1, 'one', 'pending'], [2, 'two', 'pending']]);
    const body = fake.requests.at(-1)!.body as { messages: Array<{ content: string }>; response_format: { json_schema: { schema: unknown } } };
    const prompt = body.messages.map((m) => m.content).join('\n');
    for (const text of ['Task: fix the tests', 'the hook says hi', 'FAIL test/add.test.js', '"test":"node test.mjs"', 'package.json']) expect(prompt).toContain(text);
    expect(body.response_format.json_schema.schema).toMatchObject({ properties: (planJsonSchema() as { properties: object }).properties });
    expect(hostContextCalls).toEqual(['fix the tests']);
  });

  it('fails the plan (not the host) when the model answers with something that is not a plan', async () => {
    fake.enqueue(reply.text('{"steps": "not a list"}'));
    const { plan, job } = rt.plans.create('x', { cwd: dir });
    expect((await rt.jobs.wait(job.id)).status).toBe('failed');
    expect(rt.plans.get(plan.id)).toMatchObject({ status: 'failed', error: expect.any(String) });
    expect(() => rt.plans.revise(plan.id, 'again', { cwd: dir })).toThrow(/only a ready plan can be revised/);
  });

  it('resumes an interrupted plan without gathering its context again', async () => {
    fake.enqueue(reply.hang());
    const { plan, job } = rt.plans.create('slow', { cwd: dir });
    for (let i = 0; i < 400 && rt.jobs.get(job.id)?.stage !== 'generate'; i++) await new Promise((r) => setTimeout(r, 5));
    await rt.jobs.stop();
    expect(rt.jobs.get(job.id)).toMatchObject({ status: 'interrupted', stagesDone: 1 });
    expect(rt.plans.get(plan.id)).toMatchObject({ status: 'failed', error: expect.stringContaining(`picode jobs resume ${job.id}`) });

    rt = runtime(); // the next host
    fake.enqueue(reply.text(JSON.stringify(draft(['resumed']))));
    rt.jobs.resume(job.id);
    expect((await rt.jobs.wait(job.id)).status).toBe('done');
    expect(rt.plans.get(plan.id)).toMatchObject({ status: 'ready', error: undefined });
    expect(rt.plans.get(plan.id)?.steps.map((s) => s.title)).toEqual(['resumed']);
    expect(hostContextCalls).toEqual(['slow']); // once, before the interruption
  });

  it('applies step actions and edits, and revises into a plan that supersedes its parent', async () => {
    fake.enqueue(reply.text(JSON.stringify(draft(['one', 'two']))));
    const { plan, job } = rt.plans.create('task', { cwd: dir });
    await rt.jobs.wait(job.id);
    const [one, two] = rt.plans.get(plan.id)!.steps;
    rt.plans.step(one!.id, 'approve');
    rt.plans.step(two!.id, 'skip');
    rt.plans.edit(one!.id, { title: 'one, edited' });
    rt.plans.step(one!.id, 'done');
    expect(rt.plans.get(plan.id)!.steps.map((s) => [s.title, s.status, s.approved, s.assignee ?? null])).toEqual([
      ['one, edited', 'done', true, 'user'], ['two', 'skipped', false, null],
    ]);
    expect(() => rt.plans.step(999, 'skip')).toThrow(/no plan step 999/);

    fake.enqueue(reply.text(JSON.stringify(draft(['one, edited', 'two', 'three']))));
    const revision = rt.plans.revise(plan.id, 'add a third step', { cwd: dir });
    expect(revision.plan).toMatchObject({ revision: 2, parentId: plan.id, feedback: 'add a third step' });
    await rt.jobs.wait(revision.job.id);
    expect(rt.plans.get(plan.id)?.status).toBe('superseded');
    expect(rt.plans.get()?.id).toBe(revision.plan.id);
    const prompt = JSON.stringify(fake.requests.at(-1)!.body);
    expect(prompt).toContain('add a third step');
    expect(prompt).toContain('one, edited');
  });

  it('revises with the context its requester passed along, so the revision shares the first request\'s prefix', async () => {
    fake.enqueue(reply.text(JSON.stringify(draft(['one']))));
    const { plan, job } = rt.plans.create('task', { cwd: dir, extraContext: [{ source: 'hook', text: 'the hook says hi' }] });
    await rt.jobs.wait(job.id);
    const first = fake.requests.at(-1)!.body as { messages: Array<{ content: string }> };
    fake.enqueue(reply.text(JSON.stringify(draft(['one', 'two']))));
    const revision = rt.plans.revise(plan.id, 'add a step', { cwd: dir });
    await rt.jobs.wait(revision.job.id);
    const second = fake.requests.at(-1)!.body as { messages: Array<{ content: string }> };
    expect(JSON.stringify(second)).toContain('the hook says hi');
    // The system prompt and the stable context message are sent again byte for byte.
    expect(second.messages.slice(0, 2)).toEqual(first.messages.slice(0, 2));
  });
});
