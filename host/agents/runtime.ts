import type { AgentTool } from '../../src/agents/types.js';
import type { ApprovalPolicy } from '../../src/agents/policy.js';
import type { PlanContextItem } from '../../src/plans/generate.js';
import { costOf, findPrice } from '../../src/providers/cost.js';
import type { LlmService } from '../../src/providers/types.js';
import type { AgentsConfig } from '../config/sections/agents.js';
import { loadPrices } from '../llm/prices.js';
import { JobOrchestrator, type JobEmitter } from '../jobs/orchestrator.js';
import type { Store } from '../store/db.js';
import { AgentService, defaultPolicy, type AgentServiceDeps, type AgentSettings } from './agentService.js';
import type { ToolEnvironment } from './toolEnvironment.js';
import { PlanService } from './planService.js';
import { PlanStore, type PlanRecord } from './planStore.js';
import { AgentRunStore, type AgentRunRecord } from './runStore.js';
import { hostTools } from './tools.js';

export interface AgentsRuntime {
  readonly jobs: JobOrchestrator;
  readonly agents: AgentService;
  readonly plans: PlanService;
  readonly runs: AgentRunStore;
  readonly planStore: PlanStore;
  /** Applies the `agents` and `plans` sections of a reloaded config to runs and plans started after it. */
  reconfigure(config: AgentsRuntimeOptions['config']): void;
}

export interface AgentsRuntimeOptions {
  readonly store: Store;
  readonly session: string | undefined;
  readonly config: { readonly agents: AgentsConfig; readonly plans: { readonly model?: string | undefined } };
  readonly llm: () => Promise<LlmService>;
  readonly environment: (run: AgentRunRecord, root: string) => ToolEnvironment;
  /** Extra tools beyond the host's own (plugin tools). */
  readonly extraTools?: ((env: ToolEnvironment) => Promise<AgentTool[]>) | undefined;
  readonly gate?: AgentServiceDeps['gate'];
  readonly hostContext?: ((task: string) => Promise<PlanContextItem[]>) | undefined;
  /** Bus events; omitted for a CLI run without a host. */
  readonly emit?: ((type: string, pane: string | undefined, data: Record<string, unknown>) => void) | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Wires jobs, agents and plans over one store: the same composition serves the host
 * extension (bus events, pane tools, gates) and a CLI command run without a host (child
 * processes, no gates).
 */
export function createAgentsRuntime(options: AgentsRuntimeOptions): AgentsRuntime {
  const emit = options.emit;
  const jobEmitter: JobEmitter = (type, job) => emit?.(type, undefined, { job: jobSummary(job) });
  const jobs = new JobOrchestrator(options.store, options.session, jobEmitter);
  const runs = new AgentRunStore(options.store.db);
  const planStore = new PlanStore(options.store.db);
  const prices = loadPrices(options.env ?? process.env);
  let plans: PlanService | undefined;
  const agents = new AgentService({
    session: options.session,
    runs,
    jobs,
    llm: options.llm,
    ...agentSettings(options.config.agents),
    environment: options.environment,
    tools: async (env) => [...hostTools(env), ...((await options.extraTools?.(env)) ?? [])],
    gate: options.gate,
    costOf: (usage, model) => costOf(usage, findPrice(prices, model)),
    emit: (type, run, data) => {
      emit?.(type, run.workPane, { run: runSummary(run), ...data });
      if (type === 'agent.finished' && run.planStepId !== undefined) plans?.agentFinished(run.planStepId, run.id, run.status, run.worktree ?? run.cwd);
    },
  });
  plans = new PlanService({
    session: options.session,
    plans: planStore,
    jobs,
    llm: options.llm,
    defaultModel: options.config.plans.model,
    hostContext: options.hostContext,
    agents,
    emit: (type, plan, data) => emit?.(type, undefined, { plan: planSummary(plan), ...data }),
  });
  const planService = plans;
  const reconfigure = (config: AgentsRuntimeOptions['config']): void => {
    agents.reconfigure(agentSettings(config.agents));
    planService.reconfigure({ defaultModel: config.plans.model });
  };
  return { jobs, agents, plans, runs, planStore, reconfigure };
}

/** The part of `agents` the agent service reads per run (what a config reload can change). */
function agentSettings(config: AgentsConfig): AgentSettings {
  return {
    policy: mergePolicy(config.approvals),
    limits: {
      maxTurns: config.maxTurns, maxTokens: config.maxTokens, maxCostUsd: config.maxCostUsd,
      ...(config.maxRepeatedFailures !== undefined ? { maxRepeatedFailures: config.maxRepeatedFailures } : {}),
    },
    defaultModel: config.model,
    reasoning: config.reasoning,
  };
}

/** The configured policy over picode's defaults (read-only tools allowed, the rest asked). */
export function mergePolicy(config: AgentsConfig['approvals']): ApprovalPolicy {
  return { default: config.default, tools: { ...defaultPolicy.tools, ...config.tools } };
}

export function runSummary(run: AgentRunRecord): Record<string, unknown> {
  return {
    id: run.id, task: run.task, model: run.model, status: run.status, workPane: run.workPane, worktree: run.worktree,
    turns: run.usage.turns, inputTokens: run.usage.inputTokens, outputTokens: run.usage.outputTokens, costUsd: run.usage.costUsd,
    error: run.error, jobId: run.jobId,
  };
}

export function planSummary(plan: PlanRecord): Record<string, unknown> {
  return { id: plan.id, task: plan.task, status: plan.status, revision: plan.revision, steps: plan.steps.length, error: plan.error };
}

export function jobSummary(job: import('../jobs/types.js').JobRecord): Record<string, unknown> {
  return {
    id: job.id, kind: job.kind, title: job.title, status: job.status, stage: job.stage, stagesDone: job.stagesDone,
    stages: job.stages, progress: job.progress, message: job.message, error: job.error,
    createdAt: job.createdAt, startedAt: job.startedAt, finishedAt: job.finishedAt,
  };
}

