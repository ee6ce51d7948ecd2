import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { openStore, type Store } from '../../../host/store/db.js';
import type { AgentsRuntime } from '../../../host/agents/runtime.js';
import { testRuntime } from './runtimeFixture.js';
import type { AgentNotification } from '../../../host/agents/agentService.js';

let fake: FakeLlm;
let dir: string;
let store: Store;
let rt: AgentsRuntime;
const notifications: AgentNotification[] = [];

beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'picode-agent-service-'));
  store = openStore(join(dir, 'picode.db'));
  rt = runtime();
  notifications.length = 0;
  rt.agents.watch((n) => notifications.push(n));
});
afterEach(async () => {
  await rt.jobs.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function runtime(): AgentsRuntime {
  return testRuntime(fake, store);
}

describe('the agent service', () => {
  it('records the transcript, streams it to watchers, and continues a finished run with a message', async () => {
    fake.enqueue(reply.text('First answer.', { usage: { input: 10, output: 2 } }));
    const { run, job } = rt.agents.start({ task: 'say something', cwd: dir });
    expect((await rt.jobs.wait(job.id)).status).toBe('done');
    expect(rt.agents.get(run.id)).toMatchObject({ status: 'done', model: 'openai:gpt-test', usage: { turns: 1, inputTokens: 10, outputTokens: 2 } });
    expect(notifications.some((n) => n.kind === 'text' && n.text.includes('First'))).toBe(true);

    fake.enqueue(reply.text('Second answer.'));
    rt.agents.message(run.id, 'and then?');
    expect((await rt.jobs.wait(job.id)).status).toBe('done');
    const kinds = rt.runs.entries(run.id).map((e) => e.entry.kind === 'user' || e.entry.kind === 'assistant' ? `${e.entry.kind}:${e.entry.text}` : e.entry.kind);
    // Status entries mark changes (a run is created working).
    expect(kinds).toEqual(['user:say something', 'assistant:First answer.', 'status', 'user:and then?', 'status', 'assistant:Second answer.', 'status']);
    const last = fake.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('waits for an approval, takes the answer, and remembers "always" for a resumed run', async () => {
    fake.enqueue(
      reply.toolCalls([{ id: 'a', name: 'run_command', args: { command: 'echo hi' } }]),
      reply.text('ok'),
    );
    const { run, job } = rt.agents.start({ task: 'say hi', cwd: dir });
    for (let i = 0; i < 400 && !rt.agents.pendingApproval(run.id); i++) await new Promise((r) => setTimeout(r, 5));
    expect(rt.agents.get(run.id).status).toBe('waiting_approval');
    expect(rt.agents.pendingApproval(run.id)?.call).toMatchObject({ name: 'run_command', args: { command: 'echo hi' } });
    expect(() => rt.agents.approve(run.id + 1, 'yes')).toThrow(/no agent run/);
    rt.agents.approve(run.id, 'always');
    expect((await rt.jobs.wait(job.id)).status).toBe('done');
    expect(rt.agents.get(run.id).limits.allowedAlways).toEqual(['run_command']);
    expect(() => rt.agents.approve(run.id, 'yes')).toThrow(/not waiting for an approval/);
  });

  it('stops a run, and marks runs a dead host left working as interrupted', async () => {
    fake.enqueue(reply.hang());
    const { run, job } = rt.agents.start({ task: 'hang', cwd: dir });
    for (let i = 0; i < 400 && rt.agents.get(run.id).status !== 'working'; i++) await new Promise((r) => setTimeout(r, 5));
    const stopped = await rt.agents.stop(run.id);
    expect(stopped.status).toBe('stopped');
    expect(rt.jobs.get(job.id)?.status).toBe('cancelled');

    store.db.prepare(`UPDATE agent_runs SET status = 'working' WHERE id = ?`).run(run.id);
    expect(rt.runs.interruptStale('main')).toEqual([run.id]);
    expect(rt.agents.get(run.id)).toMatchObject({ status: 'interrupted', error: 'the host stopped during the run' });
  });
});
