import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../support/tempStore.js';
import { JobOrchestrator, abortReason } from '../../../host/jobs/orchestrator.js';
import type { JobEventType, JobRecord } from '../../../host/jobs/types.js';

const temp = useTempStore('jobs');

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** A three-stage kind whose middle stage waits for the test (or for an abort). */
function setup(session = 'main') {
  const events: Array<[JobEventType, JobRecord]> = [];
  const orchestrator = new JobOrchestrator(temp.store, session, (type, job) => events.push([type, job]), 0);
  const gate = { release: deferred(), ran: [] as string[], finished: [] as string[] };
  orchestrator.register<{ n: number }>({
    kind: 'demo',
    title: (input) => `demo ${input.n}`,
    stages: [
      { name: 'one', run: async (ctx) => { gate.ran.push('one'); return { first: ctx.input.n * 2 }; } },
      {
        name: 'two',
        run: async (ctx) => {
          gate.ran.push(`two${ctx.resumed ? ' (resumed)' : ''}`);
          ctx.progress(0.5, 'halfway');
          await Promise.race([gate.release.promise, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))))]);
          return { second: (ctx.state.one as { first: number }).first + 1 };
        },
      },
      { name: 'three', run: async (ctx) => { gate.ran.push('three'); return ctx.state.two; } },
    ],
    onFinished: (job) => gate.finished.push(job.status),
  });
  return { orchestrator, events, gate };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('the job orchestrator', () => {
  it('runs stages in order, passing each stage the results before it, with progress events', async () => {
    const { orchestrator, events, gate } = setup();
    const job = orchestrator.submit('demo', { n: 5 });
    await until(() => gate.ran.includes('two'));
    expect(orchestrator.get(job.id)).toMatchObject({ status: 'running', stage: 'two', stagesDone: 1, message: 'halfway', progress: 0.5 });
    gate.release.resolve();
    const final = await orchestrator.wait(job.id);
    expect(final).toMatchObject({ status: 'done', stagesDone: 3, progress: 1, result: { second: 11 }, attempts: 1 });
    expect(final.state).toEqual({ one: { first: 10 }, two: { second: 11 }, three: { second: 11 } });
    expect(events.map(([t]) => t)).toEqual(['job.created', 'job.started', 'job.progress', 'job.progress', 'job.progress', 'job.progress', 'job.finished']);
    expect(gate.finished).toEqual(['done']);
  });

  it('cancels a running job through its signal', async () => {
    const { orchestrator, gate } = setup();
    const job = orchestrator.submit('demo', { n: 1 });
    await until(() => gate.ran.includes('two'));
    orchestrator.cancel(job.id);
    expect(await orchestrator.wait(job.id)).toMatchObject({ status: 'cancelled', stagesDone: 1 });
    expect(gate.ran).not.toContain('three');
    expect(gate.finished).toEqual(['cancelled']);
  });

  it('marks running jobs interrupted when stopped, and a new orchestrator resumes them at the stage that did not complete', async () => {
    const first = setup();
    const job = first.orchestrator.submit('demo', { n: 3 });
    await until(() => first.gate.ran.includes('two'));
    await first.orchestrator.stop();
    expect(first.orchestrator.get(job.id)).toMatchObject({ status: 'interrupted', stagesDone: 1 });

    const second = setup();
    second.gate.release.resolve();
    second.orchestrator.resume(job.id);
    const final = await second.orchestrator.wait(job.id);
    expect(final).toMatchObject({ status: 'done', result: { second: 7 }, attempts: 2 });
    // Stage one was not run again: its saved result fed stage two.
    expect(second.gate.ran).toEqual(['two (resumed)', 'three']);
  });

  it('marks jobs a dead host left running as interrupted at start (only its own session)', () => {
    const { orchestrator } = setup('main');
    const other = new JobOrchestrator(temp.store, 'other');
    const now = Date.now();
    const insert = temp.store.db.prepare(`INSERT INTO jobs (session, kind, title, status, stages_json, input_json, created_at, updated_at) VALUES (?, 'demo', 't', ?, '[]', '{}', ?, ?)`);
    const a = Number(insert.run('main', 'running', now, now).lastInsertRowid);
    const b = Number(insert.run('main', 'done', now, now).lastInsertRowid);
    const c = Number(insert.run('other', 'running', now, now).lastInsertRowid);
    expect(orchestrator.recoverInterrupted().map((j) => j.id)).toEqual([a]);
    expect(orchestrator.get(a)?.status).toBe('interrupted');
    expect(orchestrator.get(b)?.status).toBe('done');
    expect(other.get(c)?.status).toBe('running');
  });

  it('retries from the first stage and reports failures with their message', async () => {
    const { orchestrator, gate } = setup();
    let fail = true;
    orchestrator.register({ kind: 'flaky', title: () => 'flaky', stages: [{ name: 'only', run: async () => { if (fail) throw new Error('disk full'); return 'ok'; } }] });
    const job = orchestrator.submit('flaky', {});
    expect(await orchestrator.wait(job.id)).toMatchObject({ status: 'failed', error: 'disk full' });
    fail = false;
    orchestrator.retry(job.id);
    expect(await orchestrator.wait(job.id)).toMatchObject({ status: 'done', result: 'ok', error: undefined, attempts: 2 });
    expect(gate.ran).toEqual([]);
  });

  it('refuses what makes no sense with a user error', async () => {
    const { orchestrator, gate } = setup();
    const job = orchestrator.submit('demo', { n: 1 });
    expect(() => orchestrator.resume(job.id)).toThrow(/already running/);
    expect(() => orchestrator.retry(job.id)).toThrow(/still running/);
    expect(() => orchestrator.submit('nope', {})).toThrow(/no job kind "nope"/);
    expect(() => orchestrator.cancel(999)).toThrow(/no job 999/);
    gate.release.resolve();
    await orchestrator.wait(job.id);
    expect(() => orchestrator.resume(job.id)).toThrow(/already done/);
    expect(() => orchestrator.cancel(job.id)).toThrow(/nothing to cancel/);
  });

  it('tells a stage why it was aborted', async () => {
    const reasons: Array<string | undefined> = [];
    const orchestrator = new JobOrchestrator(temp.store, 's');
    orchestrator.register({
      kind: 'wait', title: () => 'wait',
      stages: [{ name: 'w', run: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => { reasons.push(abortReason(ctx.signal)); reject(new Error('x')); })) }],
    });
    const a = orchestrator.submit('wait', {});
    orchestrator.cancel(a.id);
    await orchestrator.wait(a.id);
    orchestrator.submit('wait', {});
    await orchestrator.stop();
    expect(reasons).toEqual(['cancel', 'shutdown']);
  });

  it('coalesces progress events', async () => {
    const events: JobEventType[] = [];
    const orchestrator = new JobOrchestrator(temp.store, 's', (type) => events.push(type), 60_000);
    orchestrator.register({ kind: 'chatty', title: () => 'c', stages: [{ name: 'x', run: async (ctx) => { for (let i = 0; i < 1000; i++) ctx.progress(i / 1000); } }] });
    const job = orchestrator.submit('chatty', {});
    await orchestrator.wait(job.id);
    expect(events.filter((t) => t === 'job.progress').length).toBeLessThanOrEqual(2);
    expect(orchestrator.get(job.id)?.progress).toBe(1);
  });
});
