import { randomBytes } from 'node:crypto';
import { PicodeError } from '../../core/errors.js';
import type { HostApi, Unsubscribe } from '../../api/hostApi.js';
import { decisionFor, type ApprovalAnswer, type ApprovalPolicy } from '../../../src/agents/policy.js';
import type { AgentNotification, PendingApproval } from '../agentService.js';
import { finishedRunStatuses, type AgentRunRecord, type AgentRunStore, type RunStatus, type TranscriptEntry } from '../runStore.js';
import { startHookServer, type HookServer } from './hookServer.js';
import { identityOf, meaningOf } from './hookEvents.js';
import { inferStatus } from './inferred.js';
import { kindSpecs, parseWith, type ExternalKind } from './kinds.js';
import { Notifier, type NotifyConfig } from './notifier.js';
import { resolveBinary } from './binaries.js';
import { ExternalStore, type ExternalRecord, type StatusSource } from './store.js';
import { TmuxPanes } from './tmuxPanes.js';
import { mcpArgsFor, wiringFor } from './wiring.js';
import type { EventData } from '../../bus/catalog/index.js';

export interface StartExternalRequest {
  /** `--with`: a kind or a command line. */
  readonly with: string;
  readonly task: string;
  readonly cwd: string;
  /** A pane id or name to run in; `next` = the next pane named `agent*` with no live agent; omitted = a new pane. */
  readonly pane?: string | undefined;
  readonly worktree?: boolean | undefined;
  readonly model?: string | undefined;
  /** Arguments after `--`, for the agent's CLI. */
  readonly args?: readonly string[] | undefined;
  /**
   * The caller is the pane's own process and starts the agent itself (`--pane self` in Zellij,
   * which cannot restart a pane's program from outside): the host answers with `launch`.
   */
  readonly inPlace?: boolean | undefined;
}

/** What the pane's own process runs for an in-place start: the agent's argv, wired, in `cwd`. */
export interface InPlaceLaunch {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The run's token: the pane's process reports the agent's pid and exit with it. */
  readonly token: string;
}

/** A run as lists show it: picode's own runs and external ones side by side. */
export interface ListedRun extends AgentRunRecord {
  readonly kind: string;
  readonly pane: string | undefined;
  readonly statusSource: StatusSource | 'picode';
  readonly since: number;
  readonly agentSession?: string | undefined;
  readonly queued?: number | undefined;
}

export interface ExternalConfig {
  readonly approvalTimeoutSeconds: number;
  readonly idleSeconds: number;
  readonly notify: NotifyConfig;
}

interface Pending extends PendingApproval {
  readonly event: 'PreToolUse' | 'PermissionRequest';
  resolve(answer: ApprovalAnswer | undefined): void;
}

interface Live {
  pending: Pending | undefined;
  /** Messages sent while the agent was busy: typed when it next waits for input. */
  readonly queue: string[];
  /** Tools answered "always" during this run. */
  readonly always: Set<string>;
  stopRequested: boolean;
  inferred: Unsubscribe | undefined;
  /**
   * A prompt was submitted and its turn has not ended. A turn end without one is not the
   * person's turn (Codex warms up a side thread at start, and reports its end through both
   * `Stop` and `notify`): it must not turn the status to waiting_input.
   */
  turnOpen: boolean;
  /** The agent session whose turn is open: another thread's turn end (a side thread) is not its end. */
  turnSession: string | undefined;
  /**
   * When a look at the panes first saw this pane dead without its exit status (tmux marks a pane dead on
   * its terminal's end of file and fills in the status when it reaps the process, later on a busy
   * machine), or missing from a listing.
   */
  deadSince: number | undefined;
  /** In place (Zellij): the agent's process, as the pane's own process reported it. */
  pid: number | undefined;
}

const waitingStatuses: readonly RunStatus[] = ['waiting_approval', 'waiting_input'];

/** How long a dead pane's missing exit status (or a pane missing from a listing) is waited for. */
const exitStatusPatienceMs = 10_000;

/**
 * External coding agents inside the host: starts them in panes with their hooks wired to the
 * hook server, turns their hook calls into statuses, bus events and transcript entries,
 * passes their tool calls through the `agent.tool.before` gate, holds their permission
 * requests for an answer from picode, and reconciles every run with its pane so a status is
 * never stale.
 */
export class ExternalAgents {
  private readonly ext: ExternalStore;
  private readonly panes: TmuxPanes;
  private readonly notifier: Notifier;
  private readonly live = new Map<number, Live>();
  /**
   * Runs whose agent process is known to have ended (exited, killed, pane closed, session ended).
   * A hook call still in flight when the process died (its relay was started before) arrives late
   * and must not reopen the run.
   */
  private readonly processEnded = new Set<number>();
  private readonly watchers = new Set<(n: AgentNotification) => void>();
  private server: Promise<HookServer> | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconcileTicks = 0;
  /** The look at the panes in progress: one at a time, so a slow tmux never makes looks pile up. */
  private reconciling: Promise<void> | undefined;
  private lastWaitingText: string | undefined;

  constructor(
    private readonly host: HostApi,
    private readonly runs: AgentRunStore,
    private config: ExternalConfig,
    private policy: ApprovalPolicy,
  ) {
    this.ext = new ExternalStore(host.store.db);
    this.panes = new TmuxPanes(host.session, host.mux?.tmuxSocket, host.mux?.tmuxCommand);
    // In Zellij there is no tmux to show a message or ring a pane's bell: desktop and webhook remain.
    const notify = this.inPlace ? { ...config.notify, tmuxMessage: false, bell: false } : config.notify;
    this.notifier = new Notifier(notify, this.panes, (p) => this.panes.tty(p), (m, f) => host.log.warn(m, f));
  }

  /** Zellij: every run is started by its pane's own process, which reports its pid and exit. */
  private get inPlace(): boolean {
    return this.host.mux?.kind === 'zellij';
  }

  /** After a host restart: runs whose agent still runs are followed again; the others end now. */
  async recover(): Promise<void> {
    for (const record of this.ext.list(this.host.session)) {
      const run = this.runs.get(record.run);
      if (!run || finishedRunStatuses.includes(run.status)) continue;
      this.follow(record);
    }
    if (this.live.size) await this.reconcile();
  }

  /** `agents.external` and `agents.approvals` of a reloaded config: for runs started, and approvals asked, after it. */
  reconfigure(config: ExternalConfig, policy: ApprovalPolicy): void {
    this.config = config;
    this.policy = policy;
  }

  has(run: number): boolean {
    return this.ext.get(run) !== undefined;
  }

  async start(request: StartExternalRequest): Promise<{ run: ListedRun; launch?: InPlaceLaunch }> {
    const inPlace = this.inPlace;
    if (this.host.mux?.kind !== 'tmux' && !inPlace) {
      throw new PicodeError('external agents need a tmux or Zellij session', { hint: 'start the workspace with `picode up`' });
    }
    if (inPlace && (!request.inPlace || request.pane === undefined)) {
      throw new PicodeError('in a Zellij session an external agent runs in the pane that starts it', {
        hint: 'type `picode agent "TASK" --with KIND --pane self` in the pane, or give a layout pane `agent: KIND`',
      });
    }
    const parsed = parseWith(request.with);
    const spec = parsed.kind === 'command' ? undefined : kindSpecs[parsed.kind];
    const binary = await resolveBinary(parsed.command[0]!, spec?.install, process.env, request.cwd);
    const target = request.pane === undefined ? undefined : await this.targetPane(request.pane);
    const run = this.runs.create({
      session: this.host.session, task: request.task, model: request.model ?? `${parsed.kind} (its own configuration)`,
      cwd: request.cwd, workPane: target, limits: { maxTurns: 0, maxTokens: 0, maxCostUsd: 0, worktree: request.worktree === true },
    });
    try {
      let cwd = request.cwd;
      if (request.worktree) {
        const { createWorktree } = await import('../worktree.js');
        cwd = (await createWorktree(request.cwd, run.id)).path;
        this.runs.update(run.id, { worktree: cwd });
      }
      const token = randomBytes(24).toString('hex');
      const server = await this.hookServer();
      const wiring = spec?.hooks ? wiringFor({ kind: parsed.kind, hookUrl: server.url(run.id), token, blockingTimeoutSeconds: this.config.approvalTimeoutSeconds }) : { args: [], env: {} };
      const argv = [
        binary, ...parsed.command.slice(1), ...wiring.args, ...mcpArgsFor(parsed.kind, { session: this.host.session, tmuxSocket: this.host.mux?.tmuxSocket, run: run.id }),
        ...(request.model && spec ? spec.modelArgs(request.model) : []), ...(request.args ?? []),
        ...(spec ? spec.promptArgs(request.task) : []),
      ];
      const env = { ...wiring.env, PICODE_AGENT_RUN: String(run.id), PICODE_SESSION: this.host.session };
      const name = `agent #${run.id} ${parsed.kind}`;
      this.ext.create({ run: run.id, kind: parsed.kind, command: argv, pane: target, statusSource: spec?.hooks ? 'hooks' : 'inferred', token });
      let pane: string;
      if (target === undefined) pane = await this.panes.open(argv, cwd, env, name);
      else {
        pane = target;
        // In place, the pane's own process starts the agent (`launch`, below).
        if (!inPlace) await this.panes.respawn(pane, argv, cwd, env, name);
      }
      this.ext.update(run.id, { pane });
      this.runs.update(run.id, { cwd });
      this.follow(this.ext.get(run.id)!);
      // A command agent gets the task typed once it is up (it has no prompt argument).
      if (!spec && request.task) void this.typeWhenReady(run.id, pane, request.task);
      const listed = this.listed(this.runs.get(run.id)!);
      this.host.bus.emit({ type: 'agent.started', pane, data: { run: summary(listed), kind: listed.kind } });
      // Every status a run goes through is an event, its first one included.
      this.host.bus.emit({ type: 'agent.status', pane, data: { run: summary(listed), status: listed.status, detail: 'started', kind: listed.kind, source: listed.statusSource === 'picode' ? undefined : listed.statusSource } });
      this.broadcast({ kind: 'run', run: listed });
      this.updateStatusLine();
      return inPlace ? { run: listed, launch: { argv, env, cwd, token } } : { run: listed };
    } catch (error) {
      this.runs.update(run.id, { status: 'failed', error: (error as Error).message });
      throw error;
    }
  }

  /** The pane `--pane` names: an id or layout name, or `next` (the next `agent*` pane with no live agent). */
  private async targetPane(pane: string): Promise<string> {
    if (pane !== 'next') {
      const info = this.host.panes.resolve(pane);
      if (!info) throw new PicodeError(`--pane: no pane "${pane}" in session ${this.host.session}`, { hint: 'list panes with `picode panes`, or leave --pane out for a new pane' });
      return info.id;
    }
    const busy = new Set([...this.live.keys()].map((r) => this.ext.get(r)?.pane));
    const free = this.host.panes.list().find((p) => /^agent/.test(p.name ?? '') && !busy.has(p.id));
    if (!free) throw new PicodeError('--pane next: every pane named agent* has a live agent', { hint: 'leave --pane out to open a new pane' });
    return free.id;
  }

  private hookServer(): Promise<HookServer> {
    this.server ??= startHookServer({
      authorize: (run, token) => {
        const record = this.ext.get(run);
        return record !== undefined && token.length > 0 && record.token === token;
      },
      handle: (call) => this.onHook(call.run, call.payload),
      refused: (why, detail) => this.host.log.warn(why, detail),
      malformed: (run, why, body) => {
        this.host.log.warn('malformed hook call from an external agent: recorded and ignored', { run, why });
        this.host.bus.emit({ type: 'agent.hook.malformed', pane: this.ext.get(run)?.pane, data: { run, reason: why, body } });
      },
    });
    return this.server;
  }

  private follow(record: ExternalRecord): void {
    if (this.live.has(record.run)) return;
    const live: Live = { pending: undefined, queue: [], always: new Set(), stopRequested: false, inferred: undefined, turnOpen: false, turnSession: undefined, deadSince: undefined, pid: undefined };
    this.live.set(record.run, live);
    if (record.statusSource === 'inferred' && record.pane) {
      live.inferred = inferStatus(this.host.bus, record.pane, {
        idleMs: this.config.idleSeconds * 1000,
        onStatus: (status, why) => this.setStatus(record.run, status, 'inferred', why),
      });
    }
    // Each look at the panes is a tmux process: every second while an agent works, every fifth
    // second while all of them wait (an idle session costs next to nothing).
    this.reconcileTimer ??= setInterval(() => {
      this.reconcileTicks++;
      const busy = [...this.live.keys()].some((id) => this.runs.get(id)?.status === 'working');
      if (busy || this.reconcileTicks % 5 === 0) void this.reconcile();
    }, 1000);
  }

  // ---- hook calls -------------------------------------------------------------------------

  private async onHook(runId: number, payload: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const record = this.ext.get(runId);
    const run = this.runs.get(runId);
    if (!record || !run || this.processEnded.has(runId)) return undefined;
    const identity = identityOf(payload);
    if (!this.live.has(runId)) this.follow(record);
    const live = this.live.get(runId)!;
    const meaning = meaningOf(payload);
    if (meaning.kind === 'prompt' || meaning.kind === 'tool.before' || meaning.kind === 'permission') {
      live.turnOpen = true;
      live.turnSession = identity.sessionId ?? live.turnSession;
    } else if (meaning.kind === 'turn.end' && (!live.turnOpen || (identity.sessionId !== undefined && live.turnSession !== undefined && identity.sessionId !== live.turnSession))) {
      return undefined;
    }
    if ((identity.sessionId && identity.sessionId !== record.agentSession) || (identity.transcriptPath && identity.transcriptPath !== record.transcriptPath)) {
      this.ext.update(runId, { ...(identity.sessionId ? { agentSession: identity.sessionId } : {}), ...(identity.transcriptPath ? { transcriptPath: identity.transcriptPath } : {}) });
    }
    const pane = record.pane;
    const base = { run: runId, kind: record.kind, agentSession: identity.sessionId };
    switch (meaning.kind) {
      case 'prompt':
        if (!(run.status === 'working' && meaning.text === run.task && this.runs.entries(runId, 2).length === 0)) this.record(runId, { kind: 'user', text: meaning.text });
        this.host.bus.emit({ type: 'agent.message', pane, data: { ...base, role: 'user', text: meaning.text } });
        this.setStatus(runId, 'working', 'hooks');
        return undefined;
      case 'tool.before':
        this.setStatus(runId, 'working', 'hooks');
        this.record(runId, { kind: 'assistant', text: '', toolCalls: [{ id: meaning.callId, name: meaning.tool, args: meaning.input }] });
        return this.gateTool(record, run, meaning.tool, meaning.callId, meaning.input);
      case 'permission':
        return this.permission(record, meaning.tool, meaning.callId, meaning.input);
      case 'tool.after':
        this.record(runId, { kind: 'tool_result', toolCallId: meaning.callId, toolName: meaning.tool, content: meaning.output, ...(meaning.ok ? {} : { isError: true }) });
        this.host.bus.emit({ type: 'agent.tool.after', pane, data: { ...base, tool: meaning.tool, callId: meaning.callId, ok: meaning.ok, output: meaning.output } });
        this.setStatus(runId, 'working', 'hooks');
        return undefined;
      case 'notification':
        if (meaning.status && !(meaning.status === 'waiting_input' && this.live.get(runId)?.pending)) this.setStatus(runId, meaning.status, 'hooks', meaning.text || undefined);
        return undefined;
      case 'turn.end':
        live.turnOpen = false;
        if (meaning.text) {
          this.record(runId, { kind: 'assistant', text: meaning.text });
          this.host.bus.emit({ type: 'agent.message', pane, data: { ...base, role: 'assistant', text: meaning.text } });
        }
        this.setStatus(runId, meaning.failed ? 'failed' : 'waiting_input', 'hooks', meaning.failed);
        return undefined;
      case 'session.start':
        return undefined;
      case 'session.end':
        this.endProcess(runId, this.live.get(runId)?.stopRequested ? 'stopped' : 'done', 'hooks', `session ended (${meaning.reason})`);
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * PreToolUse: picode's gate (hooks, gating plugins) first, then the `agents.approvals`
   * policy for tools it names. deny -> the tool never runs and the agent reads the reason;
   * ask -> a person answers in picode; anything else -> no decision (the agent's own rules).
   */
  private async gateTool(record: ExternalRecord, run: AgentRunRecord, tool: string, callId: string, input: unknown): Promise<Record<string, unknown> | undefined> {
    const verdict = await this.host.gates.pass({
      type: 'agent.tool.before', pane: record.pane,
      data: { run: run.id, task: run.task, tool, callId, args: input, cwd: run.worktree ?? run.cwd, kind: record.kind, agentSession: record.agentSession },
    });
    let decision = verdict.decision === 'allow' ? this.policyDecision(record.run, tool) : verdict.decision;
    let reason = verdict.reason;
    if (decision === 'ask') {
      const answer = await this.ask(record, 'PreToolUse', tool, callId, input, reason);
      if (answer === undefined) return undefined;
      decision = answer === 'no' ? 'deny' : 'allow';
      reason = answer === 'no' ? 'denied by the person in picode' : 'allowed in picode';
    } else if (decision === 'deny') {
      this.record(record.run, { kind: 'approval', call: { id: callId, name: tool, args: input }, decision: 'deny', by: 'hook', reason });
    }
    if (decision === undefined) return undefined;
    // Codex's PreToolUse can only deny: an allow leaves the call to its own rules.
    if (record.kind === 'codex' && decision !== 'deny') return undefined;
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: reason ?? (decision === 'deny' ? 'denied by picode' : 'allowed by picode') } };
  }

  /** The policy's word on a tool it lists by name (exact or pattern); undefined leaves it to the agent. */
  private policyDecision(run: number, tool: string): 'allow' | 'ask' | 'deny' | undefined {
    if (this.live.get(run)?.always.has(tool)) return 'allow';
    const listed = Object.keys(this.policy.tools).some((p) => p === tool || (p.endsWith('*') && tool.startsWith(p.slice(0, -1))));
    return listed ? decisionFor(this.policy, tool) : undefined;
  }

  /** PermissionRequest: the agent would show its own prompt; picode asks first. */
  private async permission(record: ExternalRecord, tool: string, callId: string, input: unknown): Promise<Record<string, unknown> | undefined> {
    const answer = await this.ask(record, 'PermissionRequest', tool, callId, input, undefined);
    if (answer === undefined) return undefined;
    const decision = answer === 'no' ? { behavior: 'deny', message: 'denied by the person in picode' } : { behavior: 'allow' };
    return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
  }

  /** Holds a call until `approve`, or until the timeout lets the agent's own prompt take over (undefined). */
  private ask(record: ExternalRecord, event: Pending['event'], tool: string, callId: string, input: unknown, reason: string | undefined): Promise<ApprovalAnswer | undefined> {
    const live = this.live.get(record.run);
    if (!live) return Promise.resolve(undefined);
    if (live.always.has(tool)) return Promise.resolve('yes');
    live.pending?.resolve(undefined);
    const call = { id: callId, name: tool, args: input };
    this.record(record.run, { kind: 'approval_request', call, reason });
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), this.config.approvalTimeoutSeconds * 1000);
      const finish = (answer: ApprovalAnswer | undefined): void => {
        clearTimeout(timer);
        if (live.pending !== pending) return;
        live.pending = undefined;
        if (answer === 'always') live.always.add(tool);
        if (answer === undefined) {
          this.record(record.run, { kind: 'status', status: 'waiting_approval', detail: `no answer in picode within ${this.config.approvalTimeoutSeconds} s: ${record.kind}'s own prompt asks` });
          this.broadcastRun(record.run);
        } else {
          this.record(record.run, { kind: 'approval', call, decision: answer === 'no' ? 'deny' : 'allow', by: 'person' });
          this.setStatus(record.run, 'working', 'hooks');
        }
        resolve(answer);
      };
      const pending: Pending = { event, call, reason, resolve: finish };
      live.pending = pending;
      this.setStatus(record.run, 'waiting_approval', 'hooks', tool);
      this.broadcastRun(record.run);
    });
  }

  // ---- person's actions -------------------------------------------------------------------

  pendingApproval(run: number): PendingApproval | undefined {
    const pending = this.live.get(run)?.pending;
    return pending && { call: pending.call, reason: pending.reason };
  }

  approve(runId: number, answer: ApprovalAnswer): ListedRun {
    const run = this.get(runId);
    const pending = this.live.get(runId)?.pending;
    if (!pending) throw new PicodeError(`agent run ${runId} is not waiting for an approval picode can answer`, { hint: run.status === 'waiting_approval' ? `answer in its pane: picode attention --next` : `its status is ${run.status}` });
    pending.resolve(answer);
    return this.listed(this.runs.get(runId)!);
  }

  /** Switches the tmux client (`client`, else the one tmux picks) to the run's pane. */
  async select(runId: number, client?: string): Promise<string> {
    this.get(runId);
    const pane = this.ext.get(runId)?.pane;
    if (!pane) throw new PicodeError(`agent run ${runId} has no pane`);
    if (this.inPlace) throw new PicodeError(`picode cannot move a Zellij client: agent run ${runId} is in pane ${this.host.panes.resolve(pane)?.name ?? pane}`, { hint: 'go to that pane in Zellij' });
    await this.panes.select(pane, client);
    return pane;
  }

  /** Types into the agent's prompt when it waits for input; otherwise queues the text for then. */
  async send(runId: number, text: string): Promise<{ run: ListedRun; sent: boolean; queued: number }> {
    const run = this.get(runId);
    const record = this.ext.get(runId)!;
    const live = this.live.get(runId);
    if (!live || finishedRunStatuses.includes(run.status)) throw new PicodeError(`agent run ${runId} has ended (${run.status})`, { hint: `start a new one with picode agent --with ${record.kind}` });
    if (run.status !== 'waiting_input' || live.queue.length) {
      live.queue.push(text);
      return { run: this.listed(run), sent: false, queued: live.queue.length };
    }
    await this.type(record, text);
    return { run: this.listed(this.runs.get(runId)!), sent: true, queued: 0 };
  }

  private async type(record: ExternalRecord, text: string): Promise<void> {
    if (!record.pane) return;
    await this.host.panes.sendText(record.pane, text, { enter: false, origin: `agent:${record.run}` });
    // Enter on its own, after the text: TUIs that read a paste as one chunk would keep the newline as text.
    await new Promise((r) => setTimeout(r, 150));
    await this.host.panes.sendKeys(record.pane, ['Enter'], { origin: `agent:${record.run}` });
    if (record.statusSource === 'inferred') this.setStatus(record.run, 'working', 'inferred', 'sent a message');
  }

  private async typeWhenReady(runId: number, pane: string, text: string): Promise<void> {
    // A CLI that has just started may not read its terminal yet: wait until it has drawn something.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const screen = await this.host.panes.capture(pane, { lines: 0 }).catch(() => '');
      if (screen.trim()) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const record = this.ext.get(runId);
    if (record) await this.type(record, text).catch((error: Error) => this.host.log.warn('typing the task failed', { run: runId, error: error.message }));
  }

  /** Interrupts the agent the way its CLI expects; with `kill`, ends its process too. */
  async stop(runId: number, kill: boolean): Promise<ListedRun> {
    const run = this.get(runId);
    const record = this.ext.get(runId)!;
    const live = this.live.get(runId);
    if (!live || finishedRunStatuses.includes(run.status)) return this.listed(run);
    live.stopRequested = true;
    live.pending?.resolve(undefined);
    const keys = record.kind === 'command' ? ['C-c'] : kindSpecs[record.kind].stopKeys;
    if (record.pane) await this.host.panes.sendKeys(record.pane, [...keys], { origin: `agent:${runId}` }).catch(() => {});
    if (kill && record.pane) {
      const pid = this.inPlace ? live.pid : (await this.panes.states()).get(record.pane)?.pid;
      const dead = !this.inPlace && (await this.panes.states()).get(record.pane)?.dead;
      if (pid && !dead) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      }
      await this.reconcileUntilEnded(runId);
    } else if (!kill) {
      this.setStatus(runId, 'waiting_input', record.statusSource, 'interrupted by the person');
      live.stopRequested = false;
    }
    return this.listed(this.runs.get(runId)!);
  }

  private async reconcileUntilEnded(runId: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await this.reconcile();
      if (finishedRunStatuses.includes(this.runs.get(runId)!.status)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // ---- status -----------------------------------------------------------------------------

  /** The run's agent process is gone: its last status, and no hook call reopens it. */
  private endProcess(runId: number, status: RunStatus, source: StatusSource, detail?: string): void {
    this.setStatus(runId, status, source, detail);
    this.processEnded.add(runId);
  }

  private setStatus(runId: number, status: RunStatus, source: StatusSource, detail?: string): void {
    const before = this.runs.get(runId);
    const record = this.ext.get(runId);
    if (!before || !record) return;
    // A run that failed in a turn (an API error) takes up again on the next prompt; one the person stopped does not.
    if (finishedRunStatuses.includes(before.status) && (before.status === 'stopped' || !['working', 'waiting_input'].includes(status))) return;
    const changed = before.status !== status;
    this.runs.update(runId, { status, ...(status === 'failed' ? { error: detail ?? null } : {}) });
    this.ext.update(runId, { statusSource: source, statusChanged: changed });
    if (!changed) return;
    this.record(runId, { kind: 'status', status, detail });
    const listed = this.listed(this.runs.get(runId)!);
    const data = { run: summary(listed), status, detail, kind: record.kind, source, agentSession: record.agentSession };
    this.host.bus.emit({ type: 'agent.status', pane: record.pane, data });
    if (finishedRunStatuses.includes(status)) {
      this.host.bus.emit({ type: 'agent.finished', pane: record.pane, data });
      this.end(runId);
    }
    if (waitingStatuses.includes(status) || finishedRunStatuses.includes(status)) {
      void this.notifier.notify({ run: runId, kind: record.kind, status, task: before.task, pane: record.pane, detail });
    }
    if (status === 'waiting_input') void this.flushQueue(runId);
    this.broadcastRun(runId);
    this.updateStatusLine();
  }

  private async flushQueue(runId: number): Promise<void> {
    const live = this.live.get(runId);
    const record = this.ext.get(runId);
    const next = live?.queue.shift();
    if (!live || !record || next === undefined) return;
    await this.type(record, next).catch((error: Error) => this.host.log.warn('sending a queued message failed', { run: runId, error: error.message }));
  }

  private end(runId: number): void {
    const live = this.live.get(runId);
    if (!live) return;
    live.pending?.resolve(undefined);
    live.inferred?.();
    this.live.delete(runId);
    if (!this.live.size && this.reconcileTimer) { clearInterval(this.reconcileTimer); this.reconcileTimer = undefined; }
  }

  /** Runs whose pane is gone or whose process exited end now: done on exit 0, else failed (stopped when asked to). */
  reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileOnce().finally(() => { this.reconciling = undefined; });
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    if (!this.live.size) return;
    if (this.inPlace) return this.reconcileInPlace();
    let states: Awaited<ReturnType<TmuxPanes['states']>>;
    try {
      states = await this.panes.states();
    } catch {
      return; // the session is going away; the host stops us
    }
    const now = Date.now();
    let nudged = false;
    for (const [runId, live] of [...this.live]) {
      const record = this.ext.get(runId);
      if (!record?.pane) continue;
      const state = states.get(record.pane);
      if (state && !state.dead) { live.deadSince = undefined; continue; }
      const code = state?.exitStatus;
      const signal = state?.signal;
      // A pane missing from one listing (tmux busy), or dead before tmux has reaped its process
      // (neither an exit status nor a signal yet: tmux is nudged to reap it, see nudgeReaper), is
      // looked at again for a while before its run ends without an exit status.
      const knownAlive = !state && this.host.panes.resolve(record.pane) && !this.host.panes.resolve(record.pane)!.dead;
      if (knownAlive || (state && code === undefined && signal === undefined)) {
        live.deadSince ??= now;
        if (state && !nudged) { nudged = true; await this.panes.nudgeReaper(); }
        if (now - live.deadSince < exitStatusPatienceMs) continue;
      }
      if (code !== undefined) this.ext.update(runId, { exitCode: code });
      const status: RunStatus = live.stopRequested ? 'stopped' : code === 0 ? 'done' : 'failed';
      const detail = !state ? 'its pane was closed' : signal !== undefined ? `its process was killed by signal ${signal}` : `its process exited with status ${code ?? 'unknown'}`;
      this.endProcess(runId, status, record.statusSource, detail);
    }
  }

  /** In place: the pane's process reports the agent's exit (`exited`); a pane that closed ends its run here. */
  private reconcileInPlace(): void {
    for (const [runId, live] of [...this.live]) {
      const pane = this.ext.get(runId)?.pane;
      if (pane && !this.host.panes.resolve(pane)) this.endProcess(runId, live.stopRequested ? 'stopped' : 'failed', this.ext.get(runId)!.statusSource, 'its pane was closed');
    }
  }

  /** In place: the pane's own process started the agent (its pid, for `agent stop --kill`). */
  launched(runId: number, token: string, pid: number): void {
    this.authorizeCaller(runId, token);
    const live = this.live.get(runId);
    if (live) live.pid = pid;
  }

  /** In place: the agent's process ended with `exitCode`, or was killed by `signal`. */
  exited(runId: number, token: string, exitCode: number | undefined, signal: string | undefined): ListedRun {
    const record = this.authorizeCaller(runId, token);
    const live = this.live.get(runId);
    if (live) {
      if (exitCode !== undefined) this.ext.update(runId, { exitCode });
      const status: RunStatus = live.stopRequested ? 'stopped' : exitCode === 0 ? 'done' : 'failed';
      this.endProcess(runId, status, record.statusSource, signal ? `its process was killed by ${signal}` : `its process exited with status ${exitCode ?? 'unknown'}`);
    }
    return this.listed(this.runs.get(runId)!);
  }

  /** Only the run's own process (it has the run's hook token) reports on it. */
  private authorizeCaller(runId: number, token: string): ExternalRecord {
    const record = this.ext.get(runId);
    if (!record || !token || record.token !== token) {
      this.host.log.warn('an agent launch report from an unknown run or with a wrong token', { run: runId });
      throw new PicodeError(`picode knows no external agent run ${runId} with that token`);
    }
    return record;
  }

  private updateStatusLine(): void {
    if (this.inPlace) return; // no tmux status line in Zellij
    const waiting = this.runs.list(this.host.session).filter((r) => waitingStatuses.includes(r.status)).length;
    const text = waiting ? `⚑ ${waiting} agent${waiting === 1 ? '' : 's'} waiting ` : '';
    if (text === this.lastWaitingText) return;
    this.lastWaitingText = text;
    void this.panes.statusWaiting(text).catch((error: Error) => this.host.log.debug('status line update failed', { error: error.message }));
  }

  // ---- views --------------------------------------------------------------------------------

  get(runId: number): AgentRunRecord {
    const run = this.runs.get(runId);
    if (!run || run.session !== this.host.session || !this.ext.get(runId)) {
      throw new PicodeError(`no external agent run ${runId} in session ${this.host.session}`, { hint: 'list runs with `picode agent list`' });
    }
    return run;
  }

  /** A run with what lists show; picode's own runs get kind `picode`. */
  listed(run: AgentRunRecord): ListedRun {
    const record = this.ext.get(run.id);
    if (!record) return { ...run, kind: 'picode', pane: run.workPane, statusSource: 'picode', since: run.updatedAt };
    return {
      ...run, kind: record.kind, pane: record.pane, statusSource: record.statusSource, since: record.statusSince,
      agentSession: record.agentSession, queued: this.live.get(run.id)?.queue.length ?? 0,
    };
  }

  external(runId: number): ExternalRecord | undefined {
    return this.ext.get(runId);
  }

  watch(listener: (n: AgentNotification) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private record(run: number, entry: TranscriptEntry): void {
    this.broadcast({ kind: 'entry', entry: this.runs.append(run, entry) });
  }

  private broadcastRun(runId: number): void {
    const run = this.runs.get(runId);
    if (run) this.broadcast({ kind: 'run', run: this.listed(run), pendingApproval: this.pendingApproval(runId) });
  }

  private broadcast(n: AgentNotification): void {
    for (const w of this.watchers) {
      try { w(n); } catch { /* a broken watcher must not stop the others */ }
    }
  }

  async close(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    for (const live of this.live.values()) { live.pending?.resolve(undefined); live.inferred?.(); }
    this.live.clear();
    await (await this.server?.catch(() => undefined))?.close();
  }
}

/** The run part of agent events (the catalog's runSummary, plus kind and status source). */
export function summary(run: ListedRun): EventData<'agent.started'>['run'] {
  return {
    id: run.id, task: run.task, model: run.model, status: run.status, workPane: run.pane, worktree: run.worktree,
    turns: run.usage.turns, inputTokens: run.usage.inputTokens, outputTokens: run.usage.outputTokens, costUsd: run.usage.costUsd,
    error: run.error, kind: run.kind, statusSource: run.statusSource,
  };
}

export type { ExternalKind };
