import { generatePlan, type PlanContextItem } from '../../src/plans/generate.js';
import { planSchema, type PlanDraft } from '../../src/plans/schema.js';
import type { LlmService } from '../../src/providers/types.js';
import { PicodeError } from '../core/errors.js';
import type { JobOrchestrator } from '../jobs/orchestrator.js';
import type { JobRecord } from '../jobs/types.js';
import type { AgentService } from './agentService.js';
import { gatherPlanContext } from './planContext.js';
import { PlanStore, type PlanRecord, type PlanStepRecord } from './planStore.js';
import { runStepCheck, type StepCheck } from './planCheck.js';
import type { PageQuery } from '../ipc/paging.js';

export type StepAction = 'approve' | 'unapprove' | 'skip' | 'done' | 'fail' | 'reset' | 'agent';

export interface PlanServiceDeps {
  readonly session: string | undefined;
  readonly plans: PlanStore;
  readonly jobs: JobOrchestrator;
  readonly llm: () => Promise<Pick<LlmService, 'complete'>>;
  readonly defaultModel: string | undefined;
  /** Context only the host has: recent pane output, plugins' gather-context. */
  readonly hostContext?: ((task: string) => Promise<PlanContextItem[]>) | undefined;
  readonly agents?: AgentService | undefined;
  readonly emit?: ((type: string, plan: PlanRecord, data?: Record<string, unknown>) => void) | undefined;
}

interface CheckJobInput {
  readonly step: number;
  readonly cwd: string;
}

/** A plan as shown: each step with the result of its last acceptance check. */
export type PlanView = PlanRecord & { readonly steps: ReadonlyArray<PlanStepRecord & { readonly check?: StepCheck }> };

interface PlanJobInput {
  readonly plan: number;
  readonly cwd: string;
  /** Context the requester passed along (a hook's event, a person's note). */
  readonly extraContext?: readonly PlanContextItem[];
}

/**
 * Plans as jobs (kind `plan`: stages `context`, `generate`, `save`): the context gathered and
 * the model's answer are each saved as a stage result, so an interrupted plan resumes
 * without asking the model again when it had already answered. A revision is a new plan
 * row (revision + 1, parent = the plan revised) that supersedes its parent once ready.
 */
export class PlanService {
  private readonly watchers = new Set<(plan: PlanRecord) => void>();

  constructor(private deps: PlanServiceDeps) {
    deps.jobs.register<PlanJobInput>({
      kind: 'plan',
      title: (input) => {
        const plan = deps.plans.get(input.plan);
        return plan ? `${plan.revision > 1 ? `revise plan #${plan.parentId}` : 'plan'}: ${plan.task.slice(0, 60)}` : 'plan';
      },
      stages: [
        {
          name: 'context',
          run: async (ctx) => {
            ctx.progress(0, 'reading the project and panes');
            const task = this.require(ctx.input.plan).task;
            const gathered = await gatherPlanContext({ cwd: ctx.input.cwd, host: deps.hostContext, task, signal: ctx.signal });
            return [...(ctx.input.extraContext ?? []), ...gathered];
          },
        },
        {
          name: 'generate',
          run: async (ctx) => {
            ctx.progress(0, 'asking the model');
            const plan = this.require(ctx.input.plan);
            const parent = plan.parentId !== undefined ? deps.plans.get(plan.parentId) : undefined;
            const llm = await deps.llm();
            const generated = await generatePlan(llm, {
              task: plan.task,
              context: ctx.state.context as PlanContextItem[],
              model: plan.model ?? this.deps.defaultModel,
              signal: ctx.signal,
              revise: parent ? { plan: deps.plans.draftOf(parent), feedback: plan.feedback ?? '' } : undefined,
            });
            return { draft: generated.plan, model: generated.model };
          },
        },
        {
          name: 'save',
          run: async (ctx) => {
            const { draft, model } = ctx.state.generate as { draft: PlanDraft; model: string };
            deps.plans.fill(ctx.input.plan, planSchema.parse(draft), model);
            const plan = this.require(ctx.input.plan);
            this.changed(plan, 'plan.ready');
            if (plan.parentId !== undefined) this.changed(this.require(plan.parentId));
            return { plan: plan.id, steps: plan.steps.length };
          },
        },
      ],
      onFinished: (job) => {
        const plan = (job.input as PlanJobInput).plan;
        if (job.status === 'failed' || job.status === 'cancelled') this.failed(plan, job.error ?? job.status);
        // Shown as failed until resumed (saving the plan makes it ready again).
        if (job.status === 'interrupted') this.failed(plan, `interrupted by a host stop; resume it with \`picode jobs resume ${job.id}\``);
      },
    });
    this.registerCheckJob();
  }

  /**
   * The acceptance check of a step an agent finished: the step is done only when the check ran
   * and passed; otherwise failed, or `review` when there is nothing to run.
   */
  private registerCheckJob(): void {
    this.deps.jobs.register<CheckJobInput>({
      kind: 'plan-check',
      title: (input) => `check step ${this.deps.plans.step(input.step)?.position ?? '?'}: ${this.deps.plans.step(input.step)?.title.slice(0, 60) ?? ''}`,
      stages: [{
        name: 'check',
        run: async (ctx) => {
          const step = this.deps.plans.step(ctx.input.step);
          if (!step) throw new PicodeError(`plan step ${ctx.input.step} no longer exists`);
          ctx.progress(0, step.acceptance.slice(0, 80));
          return runStepCheck(step, { cwd: ctx.input.cwd, signal: ctx.signal });
        },
      }],
      onFinished: (job) => {
        const input = job.input as CheckJobInput;
        const step = this.deps.plans.step(input.step);
        if (!step) return;
        const check = (job.state.check as StepCheck | undefined) ?? {
          command: undefined, exitCode: null, output: '', verdict: 'review', finishedAt: Date.now(),
          reason: `the check could not run: ${job.error ?? job.status}`,
        } satisfies StepCheck;
        this.deps.plans.updateStep(step.id, { status: check.verdict });
        const plan = this.require(step.planId);
        this.changed(plan, 'plan.step.updated', {
          step: step.id, action: 'check', verdict: check.verdict, reason: check.reason,
          ...(check.command ? { command: check.command } : {}), exitCode: check.exitCode, output: check.output.slice(-1000),
        });
      },
    });
  }

  /** The last acceptance check of each step of the plan (from the jobs that ran them). */
  withChecks(plan: PlanRecord): PlanView {
    const ids = new Set(plan.steps.map((s) => s.id));
    const checks = new Map<number, StepCheck>();
    for (const job of this.deps.jobs.list({ limit: 500 })) {
      if (job.kind !== 'plan-check') continue;
      const step = (job.input as CheckJobInput).step;
      const check = job.state.check as StepCheck | undefined;
      // Newest first: keep the first one seen.
      if (ids.has(step) && check && !checks.has(step)) checks.set(step, check);
    }
    return { ...plan, steps: plan.steps.map((s) => (checks.has(s.id) ? { ...s, check: checks.get(s.id)! } : s)) };
  }

  /** `plans.model` of a reloaded config: plans generated after it use it. */
  reconfigure(settings: { readonly defaultModel: string | undefined }): void {
    this.deps = { ...this.deps, defaultModel: settings.defaultModel };
  }

  create(task: string, options: { cwd: string; model?: string | undefined; extraContext?: readonly PlanContextItem[] }): { plan: PlanRecord; job: JobRecord } {
    const plan = this.deps.plans.create({ session: this.deps.session, task, model: options.model });
    return this.startJob(plan, options.cwd, options.extraContext);
  }

  revise(id: number, feedback: string, options: { cwd: string }): { plan: PlanRecord; job: JobRecord } {
    const parent = this.require(id);
    if (parent.status !== 'ready') {
      throw new PicodeError(`plan ${id} is ${parent.status}: only a ready plan can be revised`, { hint: 'wait for it, or create a new one with `picode plan "TASK"`' });
    }
    const plan = this.deps.plans.create({
      session: this.deps.session, task: parent.task, parentId: parent.id, revision: parent.revision + 1, feedback, model: parent.model,
    });
    // The context its requester passed along (a hook's event, a note) still holds for the revision,
    // and keeping it keeps the prompt's stable prefix, which the provider has cached.
    const parentJob = parent.jobId !== undefined ? this.deps.jobs.get(parent.jobId) : undefined;
    return this.startJob(plan, options.cwd, (parentJob?.input as PlanJobInput | undefined)?.extraContext);
  }

  get(id?: number): PlanView | undefined {
    const plan = id === undefined ? this.deps.plans.current(this.deps.session) : this.require(id);
    return plan && this.withChecks(plan);
  }

  list(): PlanRecord[] {
    return this.deps.plans.list(this.deps.session);
  }

  /** One page of the session's plans, oldest first (`plan.list`). */
  page(query: PageQuery): PlanRecord[] {
    return this.deps.plans.page(this.deps.session, query);
  }

  /** Applies a person's action to a step (from the plan pane or `picode plan step`). */
  step(stepId: number, action: StepAction, options: { cwd?: string; model?: string | undefined } = {}): PlanRecord {
    const step = this.deps.plans.step(stepId);
    const plan = step && this.require(step.planId);
    if (!step || !plan) throw new PicodeError(`no plan step ${stepId}`, { hint: 'see the steps with `picode plan show`' });
    switch (action) {
      case 'approve': this.deps.plans.updateStep(stepId, { approved: true }); break;
      case 'unapprove': this.deps.plans.updateStep(stepId, { approved: false }); break;
      case 'skip': this.deps.plans.updateStep(stepId, { status: 'skipped' }); break;
      case 'done': this.deps.plans.updateStep(stepId, { status: 'done', assignee: step.assignee ?? 'user' }); break;
      case 'fail': this.deps.plans.updateStep(stepId, { status: 'failed' }); break;
      case 'reset': this.deps.plans.updateStep(stepId, { status: 'pending', assignee: null }); break;
      case 'agent': this.handToAgent(plan, step, options); break;
    }
    const updated = this.require(plan.id);
    this.changed(updated, 'plan.step.updated', { step: stepId, action });
    return updated;
  }

  edit(stepId: number, fields: { title?: string; detail?: string }): PlanRecord {
    const step = this.deps.plans.step(stepId);
    if (!step) throw new PicodeError(`no plan step ${stepId}`, { hint: 'see the steps with `picode plan show`' });
    this.deps.plans.updateStep(stepId, fields);
    const plan = this.require(step.planId);
    this.changed(plan, 'plan.step.updated', { step: stepId, action: 'edit' });
    return plan;
  }

  /**
   * Keeps a step's status in line with the agent run working on it. An agent that says it is
   * done is not enough: the step's acceptance check runs (in the directory the agent worked
   * in) and decides.
   */
  agentFinished(stepId: number, runId: number, status: string, cwd?: string): void {
    const step = this.deps.plans.step(stepId);
    if (!step || step.assignee !== `agent:${runId}`) return;
    if (status === 'done') {
      this.deps.jobs.submit<CheckJobInput>('plan-check', { step: stepId, cwd: cwd ?? process.cwd() });
      this.changed(this.require(step.planId), 'plan.step.updated', { step: stepId, action: 'checking' });
      return;
    }
    this.deps.plans.updateStep(stepId, { status: 'failed' });
    const plan = this.require(step.planId);
    this.changed(plan, 'plan.step.updated', { step: stepId, action: status });
  }

  watch(listener: (plan: PlanRecord) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private handToAgent(plan: PlanRecord, step: PlanStepRecord, options: { cwd?: string; model?: string | undefined }): void {
    if (!this.deps.agents) throw new PicodeError('handing a step to an agent needs a running host', { hint: 'start the workspace with `picode up`' });
    const task = [
      `Carry out step ${step.position} of the plan for: ${plan.task}`,
      `Step: ${step.title}`,
      step.detail,
      step.files.length ? `Files: ${step.files.join(', ')}` : '',
      step.commands.length ? `Commands: ${step.commands.join(' ; ')}` : '',
      step.acceptance ? `Done when: ${step.acceptance}` : '',
    ].filter(Boolean).join('\n');
    const { run } = this.deps.agents.start({ task, cwd: options.cwd ?? process.cwd(), model: options.model, planStepId: step.id });
    this.deps.plans.updateStep(step.id, { status: 'running', assignee: `agent:${run.id}` });
  }

  private startJob(plan: PlanRecord, cwd: string, extraContext: readonly PlanContextItem[] = []): { plan: PlanRecord; job: JobRecord } {
    const job = this.deps.jobs.submit<PlanJobInput>('plan', { plan: plan.id, cwd, extraContext });
    this.deps.plans.setJob(plan.id, job.id);
    const current = this.require(plan.id);
    this.changed(current, 'plan.created');
    return { plan: current, job };
  }

  private failed(id: number, error: string): void {
    const plan = this.deps.plans.get(id);
    if (!plan || plan.status !== 'generating') return;
    this.deps.plans.setStatus(id, 'failed', error);
    this.changed(this.require(id), 'plan.failed', { error });
  }

  private changed(plan: PlanRecord, event?: string, data?: Record<string, unknown>): void {
    if (event) this.deps.emit?.(event, plan, data);
    if (!this.watchers.size) return;
    const shown = this.withChecks(plan);
    for (const w of this.watchers) {
      try { w(shown); } catch { /* ignore a broken watcher */ }
    }
  }

  private require(id: number): PlanRecord {
    const plan = this.deps.plans.get(id);
    if (!plan || (this.deps.session !== undefined && plan.session !== this.deps.session)) {
      throw new PicodeError(`no plan ${id}${this.deps.session ? ` in session ${this.deps.session}` : ''}`, { hint: 'list plans with `picode plan list`' });
    }
    return plan;
  }
}
