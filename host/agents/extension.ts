import type { AgentTool } from '../../src/agents/types.js';
import type { ApprovalAnswer } from '../../src/agents/policy.js';
import type { PlanContextItem } from '../../src/plans/generate.js';
import type { HostApi, HostExtension, IpcCallContext, IpcRegistry } from '../api/hostApi.js';
import { isEventType } from '../bus/catalog/index.js';
import type { JobStatus } from '../jobs/types.js';
import { jobStatuses } from '../jobs/types.js';
import { hostEnvironment, type ToolEnvironment } from './toolEnvironment.js';
import { int, objectParams, oneOf, str } from './params.js';
import { ExitCode, PicodeError } from '../core/errors.js';
import type { AgentNotification } from './agentService.js';
import { createAgentsRuntime, jobSummary, mergePolicy, type AgentsRuntime } from './runtime.js';
import type { StepAction } from './planService.js';
import { ViewerRegistry } from './viewers.js';
import { finishedRunStatuses, type AgentRunRecord } from './runStore.js';
import type { ExternalAgents } from './external/service.js';
import { externalMethods, listedRun } from './external/methods.js';
import { answerPage, pageQuery } from '../ipc/paging.js';

declare module '../api/hostApi.js' {
  interface HostServices {
    /** The running host's agents runtime (the MCP extension serves plans through it). */
    agents: AgentsRuntime;
  }
}

/**
 * Jobs, agents and plans inside the host. Everything a pane view or a CLI command does goes
 * through the IPC methods registered here; the `*.watch` methods answer with a snapshot and
 * then stream notifications on the same connection until the client goes away, which is
 * how the views redraw on events without polling.
 */
export function agentsExtension(): HostExtension {
  let runtime: AgentsRuntime | undefined;
  let external: ExternalAgents | undefined;
  let withdraw: (() => void) | undefined;
  return {
    name: 'agents',
    async start(host: HostApi) {
      runtime = createAgentsRuntime({
        store: host.store,
        session: host.session,
        config: { agents: host.config.agents, plans: host.config.plans },
        llm: async () => {
          const llm = host.services.get('llm');
          if (!llm) throw new Error('the LLM service is not started (the llm host extension starts it)');
          return llm;
        },
        environment: (run, root) => hostEnvironment(host, { root, workPane: run.workPane, origin: `agent:${run.id}`, cdFirst: run.worktree !== undefined }),
        extraTools: async (env) => [...pluginTools(host, env), ...await mcpServerTools(host)],
        gate: async (run, call) => {
          const verdict = await host.gates.pass({
            type: 'agent.tool.before',
            pane: run.workPane,
            data: { run: run.id, task: run.task, tool: call.name, callId: call.id, args: call.args, cwd: run.worktree ?? run.cwd },
          });
          return { decision: verdict.decision, reason: verdict.reason, args: verdict.data.args, additionalContext: verdict.additionalContext };
        },
        hostContext: (task) => hostContext(host, task),
        // The agents runtime names its events as strings; one outside the catalog is a bug, reported, not emitted.
        emit: (type, pane, data) => {
          if (isEventType(type)) host.bus.emit({ type, pane, data });
          else host.log.error('the agents runtime emitted an event type that is not in the catalog', { type });
        },
      });
      const interrupted = runtime.jobs.recoverInterrupted();
      runtime.runs.interruptStale(host.session);
      if (interrupted.length) host.log.info('jobs interrupted by the previous host', { jobs: interrupted.map((j) => j.id) });
      const { ExternalAgents } = await import('./external/service.js');
      external = new ExternalAgents(host, runtime.runs, host.config.agents.external, mergePolicy(host.config.agents.approvals));
      await external.recover();
      registerAgentMethods(host.ipc, runtime, (handler) => host.bus.subscribe({ types: ['job.*'] }, (event) => handler(event.data)), external);
      withdraw = host.services.provide('agents', runtime);
    },
    async reconfigure(config, changed) {
      const sections = ['agents', 'plans'].filter((section) => changed.has(section));
      if (!sections.length || !runtime) return [];
      runtime.reconfigure({ agents: config.agents, plans: config.plans });
      external?.reconfigure(config.agents.external, mergePolicy(config.agents.approvals));
      return sections;
    },
    async stop() {
      withdraw?.();
      await external?.close();
      await runtime?.jobs.stop();
    },
  };
}

/**
 * The IPC methods of plans, agents and jobs. The CLI run without a host registers the same
 * methods on an in-process registry, so both paths share one implementation.
 */
export function registerAgentMethods(ipc: IpcRegistry, rt: AgentsRuntime, subscribeJobs?: (handler: (data: unknown) => void) => () => void, external?: ExternalAgents): void {
  const p = objectParams;
  const listed = (run: AgentRunRecord) => listedRun(run, external);
  const isExternal = (run: number) => external?.has(run) === true;
  const pendingApproval = (run: number) => (isExternal(run) ? external!.pendingApproval(run) : rt.agents.pendingApproval(run)) ?? null;

  // Plans
  ipc.register('plan.create', (raw) => {
    const params = p('plan.create', raw);
    const extra = str('plan.create', params, 'context', true);
    return rt.plans.create(str('plan.create', params, 'task'), {
      cwd: str('plan.create', params, 'cwd', true) ?? process.cwd(),
      model: str('plan.create', params, 'model', true),
      extraContext: extra ? [{ source: str('plan.create', params, 'origin', true) ?? 'request', text: extra }] : [],
    });
  });
  ipc.register('plan.get', (raw) => rt.plans.get(int('plan.get', p('plan.get', raw), 'plan', true)) ?? null);
  ipc.register('plan.list', (raw) => { const page = pageQuery(raw); return answerPage(rt.plans.page(page), page); });
  ipc.register('plan.revise', (raw) => {
    const params = p('plan.revise', raw);
    return rt.plans.revise(int('plan.revise', params, 'plan'), str('plan.revise', params, 'feedback'), {
      cwd: str('plan.revise', params, 'cwd', true) ?? process.cwd(),
    });
  });
  ipc.register('plan.step', (raw) => {
    const params = p('plan.step', raw);
    const actions: StepAction[] = ['approve', 'unapprove', 'skip', 'done', 'fail', 'reset', 'agent'];
    return rt.plans.step(int('plan.step', params, 'step'), oneOf('plan.step', params, 'action', actions), {
      cwd: str('plan.step', params, 'cwd', true), model: str('plan.step', params, 'model', true),
    });
  });
  ipc.register('plan.edit', (raw) => {
    const params = p('plan.edit', raw);
    const title = str('plan.edit', params, 'title', true);
    const detail = str('plan.edit', params, 'detail', true);
    return rt.plans.edit(int('plan.edit', params, 'step'), { ...(title ? { title } : {}), ...(detail !== undefined ? { detail } : {}) });
  });
  ipc.register('plan.watch', (_raw, context) => {
    stream(context, rt.plans.watch((plan) => context.notify('plan.changed', { plan })));
    return { plan: rt.plans.get() ?? null };
  });

  // Agents
  ipc.register('agent.start', (raw) => {
    const params = p('agent.start', raw);
    if (params.with !== undefined) {
      if (!external) throw new PicodeError('`picode agent --with` runs the agent in a pane of a running session, and no host runs', { hint: 'start the workspace with `picode up`, or pass --session NAME', exitCode: ExitCode.unavailable });
      return external.start({
        with: str('agent.start', params, 'with'), task: str('agent.start', params, 'task', true) ?? '',
        cwd: str('agent.start', params, 'cwd', true) ?? process.cwd(), pane: str('agent.start', params, 'pane', true),
        worktree: params.worktree === true, model: str('agent.start', params, 'model', true),
        args: Array.isArray(params.args) ? params.args.map(String) : [],
        inPlace: params.inPlace === true,
      });
    }
    const limits = p('agent.start', params.limits);
    return rt.agents.start({
      task: str('agent.start', params, 'task'),
      model: str('agent.start', params, 'model', true),
      pane: str('agent.start', params, 'pane', true),
      cwd: str('agent.start', params, 'cwd', true) ?? process.cwd(),
      worktree: params.worktree === true,
      interactive: params.interactive === true,
      limits: {
        ...(int('agent.start', limits, 'maxTurns', true) !== undefined ? { maxTurns: int('agent.start', limits, 'maxTurns') } : {}),
        ...(typeof limits.maxCostUsd === 'number' ? { maxCostUsd: limits.maxCostUsd } : {}),
        ...(int('agent.start', limits, 'maxTokens', true) !== undefined ? { maxTokens: int('agent.start', limits, 'maxTokens') } : {}),
      },
    });
  });
  ipc.register('agent.list', (raw) => { const page = pageQuery(raw); return answerPage(rt.agents.page(page).map(listed), page); });
  ipc.register('agent.get', (raw) => {
    const params = p('agent.get', raw);
    const id = int('agent.get', params, 'run');
    return { run: listed(rt.agents.get(id)), entries: rt.runs.entries(id, int('agent.get', params, 'afterSeq', true) ?? 0), pendingApproval: pendingApproval(id) };
  });
  ipc.register('agent.message', async (raw) => {
    const params = p('agent.message', raw);
    const run = int('agent.message', params, 'run');
    const text = str('agent.message', params, 'text');
    if (isExternal(run)) return external!.send(run, text);
    return { run: listed(rt.agents.message(run, text)), sent: true, queued: 0 };
  });
  ipc.register('agent.approve', (raw) => {
    const params = p('agent.approve', raw);
    const run = int('agent.approve', params, 'run');
    const answer = oneOf<ApprovalAnswer>('agent.approve', params, 'answer', ['yes', 'no', 'always']);
    return isExternal(run) ? external!.approve(run, answer) : rt.agents.approve(run, answer);
  });
  ipc.register('agent.stop', (raw) => {
    const params = p('agent.stop', raw);
    const run = int('agent.stop', params, 'run');
    return isExternal(run) ? external!.stop(run, params.kill === true) : rt.agents.stop(run);
  });
  if (external) externalMethods(ipc, rt, external);
  const viewers = new ViewerRegistry((id) => {
    const run = rt.runs.get(id);
    return run !== undefined && !finishedRunStatuses.includes(run.status);
  });
  // A run seen for the first time (started, or resumed after a restart) goes to a free view.
  const assigned = new Set<number>();
  const assign = (n: AgentNotification) => {
    if (n.kind === 'run' && !assigned.has(n.run.id) && !finishedRunStatuses.includes(n.run.status)) {
      assigned.add(n.run.id);
      viewers.started(n.run.id);
    }
  };
  rt.agents.watch(assign);
  external?.watch(assign);
  ipc.register('agent.watch', (raw, context) => {
    const params = p('agent.watch', raw);
    const viewer = str('agent.watch', params, 'viewer', true);
    stream(context, rt.agents.watch((n) => context.notify('agent.update', n.kind === 'run' ? { ...n, run: listed(n.run) } : n)));
    if (external) stream(context, external.watch((n) => context.notify('agent.update', n)));
    const runs = rt.agents.list().map(listed);
    let assignedRun: number | undefined;
    if (viewer) {
      assignedRun = viewers.add(viewer, runs.map((r) => r.id), (run) => context.notify('agent.assigned', { run }));
      stream(context, () => viewers.remove(viewer));
    }
    return { runs: runs.map((run) => ({ ...run, pendingApproval: pendingApproval(run.id) })), assigned: assignedRun ?? null };
  });
  ipc.register('agent.show', (raw) => {
    const params = p('agent.show', raw);
    viewers.showing(str('agent.show', params, 'viewer'), int('agent.show', params, 'run'));
    return {};
  });

  // Jobs
  ipc.register('jobs.list', (raw) => {
    const params = p('jobs.list', raw);
    const status = str('jobs.list', params, 'status', true);
    const statuses = status ? status.split(',').filter((s): s is JobStatus => (jobStatuses as readonly string[]).includes(s)) : undefined;
    const page = pageQuery(raw);
    return answerPage(rt.jobs.page(statuses, page), page);
  });
  ipc.register('jobs.get', (raw) => {
    const id = int('jobs.get', p('jobs.get', raw), 'job');
    return rt.jobs.get(id) ?? null;
  });
  ipc.register('jobs.cancel', (raw) => rt.jobs.cancel(int('jobs.cancel', p('jobs.cancel', raw), 'job')));
  ipc.register('jobs.retry', (raw) => rt.jobs.retry(int('jobs.retry', p('jobs.retry', raw), 'job')));
  ipc.register('jobs.resume', (raw) => rt.jobs.resume(int('jobs.resume', p('jobs.resume', raw), 'job')));
  if (subscribeJobs) {
    ipc.register('jobs.watch', (_raw, context) => {
      stream(context, subscribeJobs((data) => context.notify('jobs.changed', data)));
      return { jobs: rt.jobs.list({ limit: 100 }).map(jobSummary) };
    });
  }
}

/** Keeps a subscription for as long as the client stays connected. */
function stream(context: IpcCallContext, unsubscribe: () => void): void {
  if (context.signal.aborted) unsubscribe();
  else context.signal.addEventListener('abort', unsubscribe, { once: true });
}

/** Tools plugins offer (engineer C's runtime), named `plugin_<plugin>_<tool>` for the model. */
function pluginTools(host: HostApi, _env: ToolEnvironment): AgentTool[] {
  const runtime = host.services.get('plugins');
  if (!runtime) return [];
  return runtime.listTools().map((t) => {
    const schema = t.inputSchema && typeof t.inputSchema === 'object' && (t.inputSchema as { type?: unknown }).type === 'object'
      ? (t.inputSchema as { type: 'object' })
      : { type: 'object' as const, properties: {} };
    return {
      name: `plugin_${t.plugin}_${t.name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
      description: `${t.description} (from plugin ${t.plugin})`,
      parameters: schema,
      execute: async (args) => ({ content: await runtime.callTool(t.plugin, t.name, JSON.stringify(args ?? {})) }),
    };
  });
}

/** The tools of the configured MCP servers (`mcp.servers`), as `mcp__<server>__<tool>`. */
async function mcpServerTools(host: HostApi): Promise<AgentTool[]> {
  const manager = host.services.get('mcpClients');
  if (!manager) return [];
  const { mcpAgentTools } = await import('../mcp/client/agentTools.js');
  return mcpAgentTools(manager);
}

/** The recent output of the session's shell panes and what plugins gather for the task. */
async function hostContext(host: HostApi, task: string): Promise<PlanContextItem[]> {
  const items: PlanContextItem[] = [];
  const plugins = host.services.get('plugins');
  if (plugins) {
    try {
      for (const item of await plugins.gatherContext({ task, tokenBudget: 4000 })) items.push({ source: `plugin:${item.source}`, text: `${item.title}\n${item.content}` });
    } catch (error) {
      host.log.warn('plugin context for a plan failed', { error: (error as Error).message });
    }
  }
  const mcp = host.services.get('mcpClients');
  const { mcpResourceContext } = mcp ? await import('../mcp/client/resourceContext.js') : { mcpResourceContext: undefined };
  if (mcp && mcpResourceContext) for (const item of await mcpResourceContext(mcp)) items.push({ source: item.source, text: `${item.title}\n${item.text}` });
  for (const pane of host.panes.list().slice(0, 8)) {
    if (pane.dead || /picode/.test(pane.command)) continue;
    try {
      const text = (await host.panes.capture(pane.id, { lines: 60 })).trimEnd();
      if (text) items.push({ source: `pane:${pane.name ?? pane.id}`, text: text.split('\n').slice(-60).join('\n') });
    } catch {
      // A pane that closed meanwhile has nothing to add.
    }
  }
  return items;
}

export default agentsExtension;
