import { z } from 'zod';
import { PicodeError } from '../core/errors.js';
import type { HostApi, HostServices } from '../api/hostApi.js';
import type { PaneInfo } from '../mux/types.js';
import type { PluginRuntime } from '../plugins/host/runtime.js';
import { contextItem, type ContextItem } from '../../src/context/types.js';
import { fitBudget, renderContext } from '../../src/context/assemble.js';
import type { CommandHistory, FinishedCommand } from './commandHistory.js';
import { viewRoleOf } from './viewPanes.js';

/**
 * The agents extension's runtime, as it provides it to the others (`host.services`): the agents
 * extension uses MCP (its client tools, the wiring of external agents), so MCP reaches it only
 * through the service and never imports host/agents/.
 */
type AgentsRuntime = HostServices['agents'];

/** What a tool returns to the MCP client: text for the model, plus the same facts as JSON. */
export interface ToolResult {
  readonly text: string;
  readonly isError?: boolean | undefined;
  readonly structured?: Record<string, unknown> | undefined;
}

/** What the tools act on: the host's panes and bus, and the other extensions when they run. */
export interface ToolContext {
  readonly host: HostApi;
  readonly history: CommandHistory;
  readonly agents: () => AgentsRuntime | undefined;
  readonly plugins: () => PluginRuntime | undefined;
  /** Items from MCP servers' resources named as context (`mcp.servers.X.context`). */
  readonly serverContext: () => Promise<ContextItem[]>;
  /** Who is acting, for the host's records (`mcp:claude-code`). */
  readonly origin: string;
  readonly signal: AbortSignal;
}

export interface ServerTool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments (what `tools/list` shows). */
  readonly inputSchema: Record<string, unknown>;
  /** Read-only (and harmless: notify) tools are allowed by default; the others ask (`mcp.approvals`). */
  readonly allowedByDefault: boolean;
  run(args: unknown, context: ToolContext): Promise<ToolResult>;
}

function define<S extends z.ZodObject>(name: string, description: string, allowedByDefault: boolean, schema: S, run: (args: z.output<S>, context: ToolContext) => Promise<ToolResult>): ServerTool {
  const inputSchema = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  delete inputSchema.$schema;
  return {
    name, description, allowedByDefault, inputSchema,
    run: async (raw, context) => {
      const parsed = schema.safeParse(raw ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
        return { text: `Invalid arguments for ${name}: ${issues}`, isError: true };
      }
      return run(parsed.data, context);
    },
  };
}

const paneArg = z.string().min(1).describe('The pane: its id (%3) or its layout name (`tests`). See list_panes.');

/** picode's own tools, as every MCP client sees them (plugin tools are added by the caller). */
export const serverTools: readonly ServerTool[] = [
  define('list_panes', 'List the panes of the picode session: id, layout name, window, running program, size, and whether it is one of picode\'s views (plan, agent, jobs, log).', true,
    z.object({}), async (_args, ctx) => {
      const panes = await Promise.all(ctx.host.panes.list().map(async (p) => ({ ...paneSummary(p), view: (await viewRoleOf(p)) ?? null })));
      const lines = panes.map((p) => `${p.id}${p.name ? ` ${p.name}` : ''}  window ${p.window}  ${p.command}  ${p.width}x${p.height}${p.active ? '  (active)' : ''}${p.view ? `  (picode ${p.view} view)` : ''}${p.dead ? '  (dead)' : ''}`);
      return { text: lines.join('\n') || 'no panes', structured: { panes } };
    }),

  define('read_pane', 'Read a pane: its last N lines (screen and history, as a person sees them), or with last_command the output of the last command that finished in it, with its exit code.', true,
    z.object({
      pane: paneArg,
      lines: z.number().int().min(1).max(10_000).optional().describe('How many lines from the end (default 100).'),
      last_command: z.boolean().optional().describe('Return the last finished command\'s output and exit code instead of the screen.'),
    }), async (args, ctx) => {
      const pane = resolvePane(ctx.host, args.pane);
      if (args.last_command) {
        const [last] = ctx.history.list({ pane: pane.id, limit: 1 });
        if (!last) {
          return { text: `No command has finished in pane ${describe(pane)} yet (picode sees commands through its shell marks: \`picode shell-init\`, or commands run with run_in_pane).`, structured: { pane: pane.id, command: null } };
        }
        const output = ctx.history.fullOutput(last, 1_000_000);
        const text = limitLines(output.text, args.lines);
        return {
          text: `$ ${last.command}\n${text}${text.endsWith('\n') || !text ? '' : '\n'}[exit code ${last.exitCode ?? 'unknown'}, ${Math.round(last.durationMs)} ms${output.truncated ? ', output shortened' : ''}]`,
          structured: { pane: pane.id, command: last.command, exitCode: last.exitCode, durationMs: last.durationMs, output: text, truncated: output.truncated },
        };
      }
      const lines = args.lines ?? 100;
      const captured = await ctx.host.panes.capture(pane.id, { lines });
      const text = limitLines(trimScreen(captured), lines);
      return { text, structured: { pane: pane.id, text } };
    }),

  define('run_in_pane', 'Run a shell command line in a pane (the person sees it there) and wait for it; returns its output and exit code. Not for picode\'s own views.', false,
    z.object({
      pane: paneArg,
      command: z.string().min(1).describe('The command line, typed into the pane\'s shell.'),
      timeout_ms: z.number().int().min(100).max(3_600_000).optional().describe('Stop waiting after this long (default 300000); the command keeps running. Cancelling the call stops the wait the same way.'),
    }), async (args, ctx) => {
      const pane = await writablePane(ctx.host, args.pane);
      const result = await ctx.host.panes.run(pane.id, args.command, { origin: ctx.origin, timeoutMs: args.timeout_ms ?? 300_000, signal: ctx.signal });
      const status = result.interrupted ? 'did not finish (timeout, cancelled, or the pane closed)' : `exit code ${result.exitCode ?? 'unknown'}`;
      return {
        text: `${result.output}${result.output.endsWith('\n') || !result.output ? '' : '\n'}[${status}, ${Math.round(result.durationMs)} ms]`,
        isError: result.interrupted || (result.exitCode !== null && result.exitCode !== 0),
        structured: { pane: pane.id, exitCode: result.exitCode, output: result.output, durationMs: result.durationMs, interrupted: result.interrupted },
      };
    }),

  define('send_to_pane', 'Type text into a pane (for an interactive program); set enter to press Enter after it. Not for picode\'s own views.', false,
    z.object({ pane: paneArg, text: z.string().describe('The text to type.'), enter: z.boolean().optional().describe('Press Enter after the text (default false).') }),
    async (args, ctx) => {
      const pane = await writablePane(ctx.host, args.pane);
      await ctx.host.panes.sendText(pane.id, args.text, { enter: args.enter ?? false, origin: ctx.origin });
      return { text: `sent to ${describe(pane)}`, structured: { pane: pane.id } };
    }),

  define('recent_failures', 'The last commands that failed (non-zero exit) in the session\'s panes, newest last, each with the end of its output.', true,
    z.object({ limit: z.number().int().min(1).max(50).optional().describe('How many (default 5).') }),
    async (args, ctx) => {
      const failures = ctx.history.list({ failedOnly: true, limit: args.limit ?? 5 });
      if (!failures.length) return { text: 'No failed commands recorded in this session.', structured: { failures: [] } };
      return {
        text: failures.map((f) => `${failureHeading(f)}\n${tail(f.outputTail, 40)}`).join('\n\n'),
        structured: { failures: failures.map((f) => ({ pane: f.pane, paneName: f.paneName ?? null, command: f.command, exitCode: f.exitCode, time: f.time, durationMs: f.durationMs, outputTail: f.outputTail })) },
      };
    }),

  define('get_context', 'Context for a task, gathered by picode: recent pane output, the last failure, what its plugins find relevant (gather-context) and configured MCP resources, fitted into a token budget.', true,
    z.object({
      task: z.string().min(1).describe('What you are working on; plugins choose what to return from it.'),
      token_budget: z.number().int().min(100).max(200_000).optional().describe('Most tokens to return (estimated; default 4000).'),
    }), async (args, ctx) => {
      const budget = args.token_budget ?? 4000;
      const items = await gatherContext(ctx, args.task, budget);
      const fitted = fitBudget(items, budget);
      return {
        text: fitted.items.length ? renderContext(fitted.items) : 'No context found.',
        structured: {
          items: fitted.items.map((i) => ({ source: i.source, title: i.title, text: i.text, tokens: i.tokens, truncated: i.truncated })),
          dropped: fitted.dropped, tokens: fitted.tokens,
        },
      };
    }),

  define('plan_get', 'The session\'s current plan (or the plan with this id): task, summary and steps with their status.', true,
    z.object({ plan: z.number().int().min(1).optional().describe('Plan id (default: the current plan).') }),
    async (args, ctx) => {
      const plans = requireAgents(ctx).plans;
      const plan = plans.get(args.plan);
      if (!plan) return { text: 'There is no plan in this session yet (`picode plan "TASK"` makes one).', structured: { plan: null } };
      return { text: renderPlan(plan), structured: { plan: plan as unknown as Record<string, unknown> } };
    }),

  define('plan_update_step', 'Update a step of the plan: mark it done or failed, skip it, reset it to pending, or edit its title or detail.', false,
    z.object({
      step: z.number().int().min(1).describe('The step id (from plan_get).'),
      action: z.enum(['done', 'fail', 'skip', 'reset', 'edit']).describe('What to do with it.'),
      title: z.string().min(1).optional().describe('New title (action edit).'),
      detail: z.string().optional().describe('New detail (action edit).'),
    }), async (args, ctx) => {
      const plans = requireAgents(ctx).plans;
      const plan = args.action === 'edit'
        ? plans.edit(args.step, { ...(args.title ? { title: args.title } : {}), ...(args.detail !== undefined ? { detail: args.detail } : {}) })
        : plans.step(args.step, args.action);
      return { text: renderPlan(plan), structured: { plan: plan as unknown as Record<string, unknown> } };
    }),

  define('notify', 'Show the person a notification in picode (its log pane, hooks on `notification`).', true,
    z.object({
      message: z.string().min(1).max(2000).describe('What to tell the person.'),
      title: z.string().max(200).optional(),
      level: z.enum(['info', 'warning', 'error']).optional().describe('Default info.'),
    }), async (args, ctx) => {
      const event = ctx.host.bus.emit({
        type: 'notification',
        data: { level: args.level ?? 'info', ...(args.title ? { title: args.title } : {}), message: args.message, source: ctx.origin },
      });
      return { text: `notification ${event.id} shown`, structured: { id: event.id } };
    }),
];

/** The tools of the loaded WASM plugins, named `plugin_<plugin>_<tool>`. */
export function pluginServerTools(plugins: PluginRuntime | undefined): ServerTool[] {
  if (!plugins) return [];
  return plugins.listTools().map((t) => {
    const schema = t.inputSchema && typeof t.inputSchema === 'object' && (t.inputSchema as { type?: unknown }).type === 'object'
      ? (t.inputSchema as Record<string, unknown>)
      : { type: 'object', properties: {} };
    return {
      name: pluginToolName(t.plugin, t.name),
      description: `${t.description} (from picode plugin ${t.plugin})`,
      inputSchema: schema,
      allowedByDefault: false,
      run: async (args) => ({ text: await plugins.callTool(t.plugin, t.name, JSON.stringify(args ?? {})) }),
    };
  });
}

export function pluginToolName(plugin: string, tool: string): string {
  return `plugin_${plugin}_${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

export function paneSummary(p: PaneInfo): { id: string; name: string | null; window: string; command: string; cwd: string; width: number; height: number; active: boolean; dead: boolean } {
  return { id: p.id, name: p.name ?? null, window: p.windowName, command: p.command, cwd: p.cwd, width: p.width, height: p.height, active: p.active, dead: p.dead };
}

export function resolvePane(host: HostApi, pane: string): PaneInfo {
  const info = host.panes.resolve(pane);
  if (!info) {
    throw new PicodeError(`no pane "${pane}" in session ${host.session}`, {
      hint: `panes: ${host.panes.list().map(describe).join(', ') || '(none)'}`,
    });
  }
  return info;
}

/** A pane an agent may type into: never one of picode's views (a `y` there would approve a tool call). */
async function writablePane(host: HostApi, pane: string): Promise<PaneInfo> {
  const info = resolvePane(host, pane);
  const role = await viewRoleOf(info);
  if (role) {
    throw new PicodeError(`pane ${describe(info)} is picode's ${role} view: agents cannot type or run commands there`, {
      hint: 'pick a shell pane (list_panes shows which panes are views)',
    });
  }
  return info;
}

function describe(p: PaneInfo): string {
  return p.name ? `${p.name} (${p.id})` : p.id;
}

function requireAgents(ctx: ToolContext): AgentsRuntime {
  const agents = ctx.agents();
  if (!agents) {
    throw new PicodeError('plans are not available: the host\'s agents extension is not running', { hint: 'see `picode events --type host.extension.failed`' });
  }
  return agents;
}

/** tmux pads the screen with blank rows below the cursor; they are not output. */
function trimScreen(text: string): string {
  const lines = text.split('\n');
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.join('\n');
}

function limitLines(text: string, lines: number | undefined): string {
  if (lines === undefined) return text;
  const all = text.split('\n');
  return all.length > lines ? all.slice(-lines).join('\n') : text;
}

function tail(text: string, lines: number): string {
  return limitLines(text.replace(/\n+$/, ''), lines);
}

function failureHeading(f: FinishedCommand): string {
  return `[${new Date(f.time).toISOString()}] pane ${f.paneName ? `${f.paneName} (${f.pane})` : f.pane}: \`${f.command}\` exited ${f.exitCode}`;
}

function renderPlan(plan: NonNullable<ReturnType<AgentsRuntime['plans']['get']>>): string {
  const steps = plan.steps.map((s) => `${s.position + 1}. [step ${s.id}] ${s.title} - ${s.status}${s.approved ? ', approved' : ''}${s.assignee ? `, ${s.assignee}` : ''}${s.detail ? `\n   ${s.detail}` : ''}`);
  return [`plan ${plan.id} (revision ${plan.revision}, ${plan.status}): ${plan.task}`, plan.summary, ...steps].filter(Boolean).join('\n');
}

/** Pane output, the last failure, plugin items and MCP resources, as context items. */
async function gatherContext(ctx: ToolContext, task: string, budget: number): Promise<ContextItem[]> {
  const items: ContextItem[] = [];
  const [last] = ctx.history.list({ failedOnly: true, limit: 1 });
  if (last) {
    items.push(contextItem({ source: `command:${last.pane}`, title: failureHeading(last), text: last.outputTail, priority: 80, keep: 'tail' }));
  }
  const plugins = ctx.plugins();
  const gathered = await Promise.allSettled([
    plugins ? plugins.gatherContext({ task, tokenBudget: budget }) : Promise.resolve([]),
    ctx.serverContext(),
  ]);
  if (gathered[0].status === 'fulfilled') {
    for (const item of gathered[0].value) {
      if (item.content) items.push(contextItem({ source: `plugin:${item.source}`, title: item.title, text: item.content, priority: Math.min(100, item.priority), keep: 'head' }));
    }
  }
  if (gathered[1].status === 'fulfilled') items.push(...gathered[1].value);
  for (const pane of ctx.host.panes.list()) {
    if (pane.dead || (await viewRoleOf(pane))) continue;
    try {
      const text = trimScreen(await ctx.host.panes.capture(pane.id, { lines: 80 }));
      if (text.trim()) items.push(contextItem({ source: `pane:${pane.id}`, title: `output of pane ${describe(pane)}`, text, priority: pane.active ? 55 : 50, keep: 'tail' }));
    } catch {
      // A pane that closed meanwhile has nothing to add.
    }
  }
  return items;
}
