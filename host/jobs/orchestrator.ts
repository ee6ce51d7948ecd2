import { PicodeError } from '../core/errors.js';
import type { Store } from '../store/db.js';
import { JobStore } from './jobStore.js';
import type { JobEventType, JobKind, JobRecord, JobStatus } from './types.js';
import { shellQuote } from '../core/shellQuote.js';
import type { PageQuery } from '../ipc/paging.js';

export type JobEmitter = (type: JobEventType, job: JobRecord) => void;

/** Why a running job was aborted: the person cancelled it, or the host is stopping. */
class JobAbort extends Error {
  constructor(readonly reason: 'cancel' | 'shutdown') {
    super(reason === 'cancel' ? 'cancelled' : 'the host is stopping');
  }
}

/**
 * Runs jobs stage by stage, persisting each transition so that `picode jobs` (another
 * process) sees the same state, and so that a host restart can tell which jobs were cut off
 * (`interrupted`) and where they stood. Progress events are coalesced to at most one per
 * job every `progressIntervalMs`: a chatty stage must not flood the bus.
 */
export class JobOrchestrator {
  readonly jobs: JobStore;
  private readonly kinds = new Map<string, JobKind<any>>();
  private readonly running = new Map<number, { controller: AbortController; done: Promise<JobRecord> }>();
  private readonly waiters = new Map<number, Array<(job: JobRecord) => void>>();
  private readonly lastProgressAt = new Map<number, number>();
  private stopping = false;

  constructor(
    store: Store,
    private readonly session: string | undefined,
    private readonly emit: JobEmitter = () => {},
    private readonly progressIntervalMs = 100,
  ) {
    this.jobs = new JobStore(store.db);
  }

  register<TInput>(kind: JobKind<TInput>): void {
    this.kinds.set(kind.kind, kind as JobKind<any>);
  }

  /** Marks jobs a previous host left running as interrupted (call once at start). */
  recoverInterrupted(): JobRecord[] {
    const jobs = this.jobs.interruptStale(this.session);
    for (const job of jobs) {
      this.notifyKind(job);
      this.emit('job.interrupted', job);
    }
    return jobs;
  }

  submit<TInput>(kind: string, input: TInput): JobRecord {
    const def = this.kindOf(kind);
    const job = this.jobs.insert({
      session: this.session,
      kind,
      title: def.title(input),
      stages: def.stages.map((s) => s.name),
      input,
    });
    this.emit('job.created', job);
    this.start(job.id, false);
    return this.jobs.get(job.id)!;
  }

  get(id: number): JobRecord | undefined {
    return this.jobs.get(id);
  }

  list(options: { statuses?: readonly JobStatus[]; limit?: number; allSessions?: boolean } = {}): JobRecord[] {
    return this.jobs.list({ session: options.allSessions ? undefined : this.session, ...options });
  }

  /** One page of the session's jobs, oldest first (`jobs.list`). */
  page(statuses: readonly JobStatus[] | undefined, query: PageQuery): JobRecord[] {
    return this.jobs.page({ session: this.session, ...(statuses ? { statuses } : {}) }, query);
  }

  /** Resolves when the job reaches done, failed, cancelled or interrupted. */
  wait(id: number): Promise<JobRecord> {
    const job = this.require(id);
    if (!this.running.has(id) && job.status !== 'queued') return Promise.resolve(job);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  cancel(id: number): JobRecord {
    const job = this.require(id);
    const active = this.running.get(id);
    if (active) {
      active.controller.abort(new JobAbort('cancel'));
      return job;
    }
    if (job.status === 'queued' || job.status === 'interrupted' || job.status === 'failed') {
      this.jobs.finish(id, 'cancelled', { error: job.error });
      const cancelled = this.jobs.get(id)!;
      this.notifyKind(cancelled);
      this.emit('job.finished', cancelled);
      return cancelled;
    }
    throw new PicodeError(`job ${id} is ${job.status}: there is nothing to cancel`, {
      hint: 'list running jobs with `picode jobs list`',
    });
  }

  /** Runs a finished job again from its first stage. */
  retry(id: number): JobRecord {
    const job = this.require(id);
    if (this.running.has(id) || job.status === 'running' || job.status === 'queued') {
      throw new PicodeError(`job ${id} is still ${job.status}`, { hint: `cancel it first: picode jobs cancel ${id}` });
    }
    this.jobs.reset(id);
    this.start(id, false);
    return this.jobs.get(id)!;
  }

  /** Continues an interrupted, failed or cancelled job at its first stage that did not complete. */
  resume(id: number): JobRecord {
    const job = this.require(id);
    if (job.status === 'done') {
      throw new PicodeError(`job ${id} is already done`, { hint: `run it again from the start with: picode jobs retry ${id}` });
    }
    if (this.running.has(id) || job.status === 'running' || job.status === 'queued') {
      throw new PicodeError(`job ${id} is already ${job.status}`, { hint: 'watch it with `picode jobs list`' });
    }
    this.start(id, true);
    return this.jobs.get(id)!;
  }

  /**
   * Runs a finished job again from the named stage, keeping the results of the stages
   * before it (an agent run continued with a new message re-enters its `run` stage).
   */
  rerunFrom(id: number, stage: string): JobRecord {
    const job = this.require(id);
    if (this.running.has(id) || job.status === 'running' || job.status === 'queued') {
      throw new PicodeError(`job ${id} is still ${job.status}`, { hint: `cancel it first: picode jobs cancel ${id}` });
    }
    const index = job.stages.indexOf(stage);
    if (index < 0) throw new PicodeError(`job ${id} has no stage "${stage}"`, { hint: `its stages: ${job.stages.join(', ')}` });
    const state = Object.fromEntries(Object.entries(job.state).filter(([name]) => job.stages.indexOf(name) < index));
    this.jobs.stageDone(id, Math.min(index, job.stagesDone), state, index / job.stages.length);
    this.start(id, true);
    return this.jobs.get(id)!;
  }

  /** Resolves when no job is running (a CLI run without a host waits for its jobs). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Aborts every running job and marks it interrupted (resumable after the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    const active = [...this.running.values()];
    for (const a of active) a.controller.abort(new JobAbort('shutdown'));
    await Promise.allSettled(active.map((a) => a.done));
  }

  private start(id: number, resumed: boolean): void {
    const job = this.require(id);
    const def = this.kindOf(job.kind);
    if (this.stopping) throw new PicodeError('the host is stopping: no new jobs start');
    const controller = new AbortController();
    this.jobs.markStarted(id, resumed);
    this.emit('job.started', this.jobs.get(id)!);
    const done = this.execute(id, def, controller, resumed).then((final) => {
      this.running.delete(id);
      this.lastProgressAt.delete(id);
      for (const resolve of this.waiters.get(id) ?? []) resolve(final);
      this.waiters.delete(id);
      return final;
    });
    this.running.set(id, { controller, done });
  }

  private async execute(id: number, def: JobKind<any>, controller: AbortController, resumed: boolean): Promise<JobRecord> {
    const first = this.jobs.get(id)!;
    const total = def.stages.length;
    const state: Record<string, unknown> = { ...first.state };
    let lastResult: unknown = undefined;
    try {
      for (let index = first.stagesDone; index < total; index++) {
        const stage = def.stages[index]!;
        controller.signal.throwIfAborted();
        this.jobs.stageStarted(id, stage.name, index / total);
        this.emit('job.progress', this.jobs.get(id)!);
        lastResult = await stage.run({
          id,
          input: first.input,
          state,
          signal: controller.signal,
          resumed: resumed && index === first.stagesDone,
          progress: (fraction, message) => this.reportProgress(id, (index + clamp(fraction)) / total, message),
        });
        controller.signal.throwIfAborted();
        state[stage.name] = lastResult ?? null;
        this.jobs.stageDone(id, index + 1, state, (index + 1) / total);
      }
      this.jobs.finish(id, 'done', { result: lastResult ?? null });
    } catch (error) {
      const abort = controller.signal.aborted ? (controller.signal.reason as unknown) : undefined;
      if (abort instanceof JobAbort && abort.reason === 'shutdown') {
        this.jobs.finish(id, 'interrupted', { error: 'the host stopped while the job was running' });
        const interrupted = this.jobs.get(id)!;
        this.notifyKind(interrupted);
        this.emit('job.interrupted', interrupted);
        return interrupted;
      }
      if (abort instanceof JobAbort) this.jobs.finish(id, 'cancelled', { error: undefined });
      else this.jobs.finish(id, 'failed', { error: describeError(error) });
    }
    const final = this.jobs.get(id)!;
    this.notifyKind(final);
    this.emit('job.finished', final);
    return final;
  }

  private notifyKind(job: JobRecord): void {
    try {
      this.kinds.get(job.kind)?.onFinished?.(job);
    } catch {
      // The kind's bookkeeping failing must not hide the job's own outcome.
    }
  }

  private reportProgress(id: number, progress: number, message: string | undefined): void {
    this.jobs.progress(id, progress, message);
    const now = Date.now();
    const last = this.lastProgressAt.get(id) ?? 0;
    if (now - last < this.progressIntervalMs) return;
    this.lastProgressAt.set(id, now);
    this.emit('job.progress', this.jobs.get(id)!);
  }

  private kindOf(kind: string): JobKind<any> {
    const def = this.kinds.get(kind);
    if (!def) {
      throw new PicodeError(`no job kind "${kind}" is known to this picode`, {
        hint: `known kinds: ${[...this.kinds.keys()].join(', ') || '(none)'}`,
      });
    }
    return def;
  }

  private require(id: number): JobRecord {
    const job = this.jobs.get(id);
    if (job && this.session === undefined && job.session !== undefined) {
      // Without a host, only jobs run without a host are ours: a session's jobs belong to its host.
      throw new PicodeError(`job ${id} belongs to session ${job.session}`, {
        hint: `run the command with --session ${shellQuote(job.session)} (its host must be running)`,
      });
    }
    if (!job || (this.session !== undefined && job.session !== undefined && job.session !== this.session)) {
      throw new PicodeError(`no job ${id}${this.session ? ` in session ${this.session}` : ''}`, {
        hint: 'list jobs with `picode jobs list`',
      });
    }
    return job;
  }
}

/** Why a job's signal was aborted: cancelled by a person, or the host stopping. */
export function abortReason(signal: AbortSignal): 'cancel' | 'shutdown' | undefined {
  const reason = signal.aborted ? (signal.reason as unknown) : undefined;
  return reason instanceof JobAbort ? reason.reason : undefined;
}

function clamp(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
