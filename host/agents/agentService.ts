import { AgentInbox } from '../../src/agents/inbox.js';
import type { AgentLimits } from '../../src/agents/limits.js';
import { runAgent } from '../../src/agents/loop.js';
import { RunApprovals, type ApprovalAnswer, type ApprovalPolicy } from '../../src/agents/policy.js';
import type { AgentEvent, AgentTool, ToolGate } from '../../src/agents/types.js';
import type { LlmService, ToolCall, Usage } from '../../src/providers/types.js';
import { PicodeError } from '../core/errors.js';
import { abortReason, type JobOrchestrator } from '../jobs/orchestrator.js';
import type { JobRecord } from '../jobs/types.js';
import { AgentRunStore, finishedRunStatuses, type AgentRunRecord, type RunStatus, type StoredEntry } from './runStore.js';
import { createWorktree } from './worktree.js';
import type { ToolEnvironment } from './toolEnvironment.js';
import type { PageQuery } from '../ipc/paging.js';

export interface StartAgentRequest {
  readonly task: string;
  readonly model?: string | undefined;
  /** The pane commands run in (id or layout name); omitted = child processes in cwd. */
  readonly pane?: string | undefined;
  readonly cwd: string;
  readonly worktree?: boolean | undefined;
  /** Wait for the next message after answering instead of finishing. */
  readonly interactive?: boolean | undefined;
  readonly limits?: Partial<AgentLimits> | undefined;
  readonly planStepId?: number | undefined;
}

/** What watchers of a run receive: stored transcript entries, live text, and run updates. */
export type AgentNotification =
  | { readonly kind: 'entry'; readonly entry: StoredEntry }
  | { readonly kind: 'text'; readonly run: number; readonly text: string }
  | { readonly kind: 'run'; readonly run: AgentRunRecord; readonly pendingApproval?: PendingApproval | undefined };

export interface PendingApproval {
  readonly call: ToolCall;
  readonly reason: string | undefined;
}

export interface AgentServiceDeps {
  readonly session: string | undefined;
  readonly runs: AgentRunStore;
  readonly jobs: JobOrchestrator;
  readonly llm: () => Promise<Pick<LlmService, 'stream'>>;
  readonly policy: ApprovalPolicy;
  readonly limits: AgentLimits;
  readonly defaultModel: string | undefined;
  readonly environment: (run: AgentRunRecord, root: string) => ToolEnvironment;
  readonly tools: (env: ToolEnvironment) => Promise<AgentTool[]>;
  /** The `agent.tool.before` gate (HostApi.gates); omitted standalone. */
  readonly gate?: ((run: AgentRunRecord, call: ToolCall) => ReturnType<ToolGate>) | undefined;
  readonly costOf?: ((usage: Usage, model: string) => number | undefined) | undefined;
  /** `agents.reasoning`: effort for every model or per model. */
  readonly reasoning?: import('../../src/providers/types.js').ReasoningSetting | undefined;
  /** Bus events (`agent.started`, `agent.status`, `agent.finished`...). */
  readonly emit?: ((type: string, run: AgentRunRecord, data?: Record<string, unknown>) => void) | undefined;
  readonly system?: (run: AgentRunRecord, env: ToolEnvironment) => string;
}

/** What a config reload may change while the host runs (`agents.*`): runs started after it use the new values. */
export type AgentSettings = Pick<AgentServiceDeps, 'policy' | 'limits' | 'defaultModel' | 'reasoning'>;

/** The model of a run started without one, until the first answer names the model that served it. */
export const configuredDefaultModel = '(configured default)';

interface LiveRun {
  readonly inbox: AgentInbox;
  readonly approvals: RunApprovals;
  pending: (PendingApproval & { resolve: (answer: ApprovalAnswer | undefined) => void }) | undefined;
}

/**
 * Runs agents as jobs (kind `agent`: stages `prepare` then `run`) and keeps what a person
 * interacts with while they run: the inbox for mid-run messages, the approval waiting for
 * an answer, and the watchers (pane views) that get every transcript entry as it is stored.
 */
export class AgentService {
  private readonly live = new Map<number, LiveRun>();
  /** Messages sent while a run's job is running but its loop has not started (worktree being made). */
  private readonly early = new Map<number, string[]>();
  private readonly watchers = new Set<(n: AgentNotification) => void>();

  constructor(private deps: AgentServiceDeps) {
    deps.jobs.register<{ run: number }>({
      kind: 'agent',
      title: (input) => `agent #${input.run}: ${this.deps.runs.get(input.run)?.task.slice(0, 60) ?? ''}`,
      stages: [
        { name: 'prepare', run: (ctx) => this.prepare(ctx.input.run) },
        { name: 'run', run: (ctx) => this.execute(ctx.input.run, ctx.signal) },
      ],
      onFinished: (job) => {
        const id = (job.input as { run: number }).run;
        const run = this.deps.runs.get(id);
        if (!run || finishedRunStatuses.includes(run.status)) return;
        // The job ended without the loop reporting an end (cancelled before it ran, failed in prepare).
        if (job.status === 'cancelled') this.setStatus(id, 'stopped', 'cancelled');
        else if (job.status === 'interrupted') this.setStatus(id, 'interrupted', job.error);
        else if (job.status === 'failed') this.setStatus(id, 'failed', job.error);
      },
    });
  }

  /** The settings of a reloaded config; runs already started keep theirs. */
  reconfigure(settings: AgentSettings): void {
    this.deps = { ...this.deps, ...settings };
  }

  start(request: StartAgentRequest): { run: AgentRunRecord; job: JobRecord } {
    const limits = { ...this.deps.limits, ...request.limits, interactive: request.interactive ?? false, worktree: request.worktree ?? false };
    const model = request.model ?? this.deps.defaultModel ?? configuredDefaultModel;
    const run = this.deps.runs.create({
      session: this.deps.session, task: request.task, model, cwd: request.cwd, workPane: request.pane, limits,
      planStepId: request.planStepId,
    });
    const job = this.deps.jobs.submit('agent', { run: run.id });
    this.deps.runs.update(run.id, { jobId: job.id });
    const record = this.deps.runs.get(run.id)!;
    this.deps.emit?.('agent.started', record);
    this.broadcast({ kind: 'run', run: record });
    return { run: record, job };
  }

  get(id: number): AgentRunRecord {
    const run = this.deps.runs.get(id);
    if (!run || (this.deps.session !== undefined && run.session !== this.deps.session)) {
      throw new PicodeError(`no agent run ${id}${this.deps.session ? ` in session ${this.deps.session}` : ''}`, {
        hint: 'list runs with `picode agent list`',
      });
    }
    return run;
  }

  list(): AgentRunRecord[] {
    return this.deps.runs.list(this.deps.session);
  }

  /** One page of the session's runs, oldest first (`agent.list`). */
  page(query: PageQuery): AgentRunRecord[] {
    return this.deps.runs.page(this.deps.session, query);
  }

  pendingApproval(id: number): PendingApproval | undefined {
    const pending = this.live.get(id)?.pending;
    return pending && { call: pending.call, reason: pending.reason };
  }

  /** Sends a message: queued for a live run, or continues a finished run with it. */
  message(id: number, text: string): AgentRunRecord {
    const run = this.get(id);
    const live = this.live.get(id);
    if (live) {
      live.inbox.push(text);
      return run;
    }
    if (run.jobId === undefined) throw new PicodeError(`agent run ${id} has no job to continue`);
    if (this.jobActive(run.jobId)) {
      this.early.set(id, [...(this.early.get(id) ?? []), text]);
      return run;
    }
    // A finished run continues from its transcript: the message becomes the next turn.
    this.record(id, { kind: 'user', text });
    this.deps.jobs.rerunFrom(run.jobId, 'run');
    return this.get(id);
  }

  approve(id: number, answer: ApprovalAnswer): AgentRunRecord {
    this.get(id);
    const pending = this.live.get(id)?.pending;
    if (!pending) {
      throw new PicodeError(`agent run ${id} is not waiting for an approval`, { hint: `see its state with: picode agent log ${id}` });
    }
    pending.resolve(answer);
    return this.get(id);
  }

  /** Stops a run and resolves once it has ended (the model call or command in progress aborted). */
  async stop(id: number): Promise<AgentRunRecord> {
    const run = this.get(id);
    if (run.jobId !== undefined && this.jobActive(run.jobId)) {
      this.deps.jobs.cancel(run.jobId);
      await this.deps.jobs.wait(run.jobId);
    } else if (!finishedRunStatuses.includes(run.status)) {
      this.setStatus(id, 'stopped', 'stopped by the person');
    }
    return this.get(id);
  }

  private jobActive(jobId: number): boolean {
    const status = this.deps.jobs.get(jobId)?.status;
    return status === 'running' || status === 'queued';
  }

  watch(listener: (n: AgentNotification) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private broadcast(n: AgentNotification): void {
    for (const w of this.watchers) {
      try { w(n); } catch { /* a broken watcher must not stop the run */ }
    }
  }

  private record(run: number, entry: Parameters<AgentRunStore['append']>[1]): void {
    this.broadcast({ kind: 'entry', entry: this.deps.runs.append(run, entry) });
  }

  private setStatus(id: number, status: RunStatus, detail?: string): void {
    const before = this.deps.runs.get(id);
    if (!before) return;
    const error = status === 'failed' || status === 'interrupted' ? detail ?? null : status === 'done' ? null : undefined;
    this.deps.runs.update(id, { status, ...(error !== undefined ? { error } : {}) });
    if (before.status !== status) this.record(id, { kind: 'status', status, detail });
    const run = this.deps.runs.get(id)!;
    this.deps.emit?.('agent.status', run, { status, detail });
    if (finishedRunStatuses.includes(status) && !finishedRunStatuses.includes(before.status)) this.deps.emit?.('agent.finished', run, { status, detail });
    this.broadcast({ kind: 'run', run, pendingApproval: this.pendingApproval(id) });
  }

  private async prepare(id: number): Promise<{ cwd: string; worktree?: string }> {
    const run = this.get(id);
    if (!run.limits.worktree) return { cwd: run.cwd };
    const { path } = await createWorktree(run.cwd, id);
    this.deps.runs.update(id, { worktree: path });
    return { cwd: run.cwd, worktree: path };
  }

  private async execute(id: number, signal: AbortSignal): Promise<{ status: string; reason?: string | undefined }> {
    const run = this.get(id);
    const root = run.worktree ?? run.cwd;
    const env = this.deps.environment(run, root);
    const approvals = new RunApprovals(this.deps.policy);
    approvals.restore(run.limits.allowedAlways ?? []);
    const live: LiveRun = { inbox: new AgentInbox(), approvals, pending: undefined };
    for (const text of this.early.get(id) ?? []) live.inbox.push(text);
    this.early.delete(id);
    this.live.set(id, live);
    const displays = new Map<string, { display?: string | undefined; durationMs: number }>();
    this.setStatus(id, 'working');
    try {
      const [llm, tools] = await Promise.all([this.deps.llm(), this.deps.tools(env)]);
      const result = await runAgent({
        llm,
        model: run.model === configuredDefaultModel ? undefined : run.model,
        system: this.deps.system?.(run, env) ?? defaultSystem(run, env),
        messages: this.deps.runs.conversation(id),
        tools,
        approvals,
        limits: run.limits,
        usage: run.usage,
        signal,
        gate: this.deps.gate ? (call) => this.deps.gate!(this.get(id), call) : undefined,
        inbox: live.inbox,
        interactive: run.limits.interactive ?? false,
        costOf: this.deps.costOf,
        reasoning: this.deps.reasoning,
        askPerson: (call, reason, abort) => new Promise<ApprovalAnswer | undefined>((resolve) => {
          const onAbort = () => { live.pending = undefined; resolve(undefined); };
          abort.addEventListener('abort', onAbort, { once: true });
          live.pending = {
            call, reason,
            resolve: (answer) => {
              abort.removeEventListener('abort', onAbort);
              live.pending = undefined;
              resolve(answer);
            },
          };
          // Watchers learn of the question only now that it can be answered.
          this.broadcast({ kind: 'run', run: this.get(id), pendingApproval: { call, reason } });
        }),
        onEvent: (event) => this.onEvent(id, event, displays, approvals),
      });
      if (result.status === 'stopped' && abortReason(signal) === 'shutdown') {
        this.setStatus(id, 'interrupted', 'the host stopped during the run');
      } else {
        this.setStatus(id, result.status, result.reason);
      }
      if (result.status === 'failed') throw new Error(result.reason ?? 'the agent failed');
      return { status: result.status, reason: result.reason };
    } catch (error) {
      const current = this.deps.runs.get(id);
      if (current && !finishedRunStatuses.includes(current.status)) this.setStatus(id, 'failed', (error as Error).message);
      throw error;
    } finally {
      this.live.delete(id);
    }
  }

  private onEvent(id: number, event: AgentEvent, displays: Map<string, { display?: string | undefined; durationMs: number }>, approvals: RunApprovals): void {
    switch (event.type) {
      case 'status':
        if (!finishedRunStatuses.includes(event.status)) this.setStatus(id, event.status, event.detail);
        break;
      case 'text-delta':
        this.broadcast({ kind: 'text', run: id, text: event.text });
        break;
      case 'message': {
        const m = event.message;
        if (m.role === 'user') this.record(id, { kind: 'user', text: m.content });
        else if (m.role === 'assistant') this.record(id, { kind: 'assistant', text: m.content, toolCalls: m.toolCalls });
        else {
          const shown = displays.get(m.toolCallId);
          this.record(id, {
            kind: 'tool_result', toolCallId: m.toolCallId, toolName: m.toolName, content: m.content, isError: m.isError,
            display: shown?.display, durationMs: shown?.durationMs,
          });
          displays.delete(m.toolCallId);
        }
        break;
      }
      case 'approval-request':
        this.record(id, { kind: 'approval_request', call: event.call, reason: event.reason });
        break;
      case 'approval':
        if (event.by !== 'policy' && event.by !== 'remembered') {
          this.record(id, { kind: 'approval', call: event.call, decision: event.decision, by: event.by, reason: event.reason });
        }
        if (event.by === 'person') {
          const run = this.get(id);
          this.deps.runs.update(id, { limits: { ...run.limits, allowedAlways: approvals.allowedAlways() } });
        }
        break;
      case 'tool-end':
        displays.set(event.call.id, { display: event.output.display, durationMs: Math.round(event.durationMs) });
        break;
      case 'usage':
        this.deps.runs.update(id, { usage: event.usage, ...(event.model && this.get(id).model === configuredDefaultModel ? { model: event.model } : {}) });
        this.broadcast({ kind: 'run', run: this.get(id), pendingApproval: this.pendingApproval(id) });
        break;
      default:
        break;
    }
  }
}

function defaultSystem(run: AgentRunRecord, env: ToolEnvironment): string {
  return [
    'You are a coding agent working in a developer\'s terminal workspace through tools.',
    `The project is at ${env.root}${run.worktree ? ' (a git worktree of its own for this run)' : ''}.`,
    env.workPane ? `Commands you run appear in pane ${env.workPane}, where the person can watch them.` : '',
    'Work in small verified steps: read before you edit, run the tests after a change, and stop when the task is done.',
    'Finish with a short summary of what you changed and how you checked it.',
  ].filter(Boolean).join(' ');
}

export const defaultPolicy: ApprovalPolicy = {
  default: 'ask',
  tools: { read_file: 'allow', search_files: 'allow', list_panes: 'allow', read_pane: 'allow' },
};

