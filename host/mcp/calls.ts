import { randomUUID } from 'node:crypto';
import { PicodeError } from '../core/errors.js';
import type { HostApi } from '../api/hostApi.js';
import { decisionFor, strictest, type ApprovalPolicy, type ToolDecision } from '../../src/agents/policy.js';
import type { McpConfig } from '../config/sections/mcp.js';
import type { McpApprovals } from './approvals.js';
import { serverTools, pluginServerTools, type ServerTool, type ToolContext, type ToolResult } from './serverTools.js';

/** Who is calling: the MCP client's own name (from `initialize`) and the picode agent run it belongs to, when known. */
export interface McpCaller {
  readonly client: string;
  readonly clientVersion?: string | undefined;
  readonly run?: number | undefined;
  /** `stdio` or `http`. */
  readonly transport?: string | undefined;
}

export interface McpCallResult extends ToolResult {
  /** How the call was decided: allowed by the policy, a gate, a person, or denied. */
  readonly decision: 'allow' | 'deny';
  readonly by: 'policy' | 'gate' | 'person' | 'remembered' | 'timeout' | 'cancelled';
}

/** The tools an MCP client gets by default without asking: those that only read (and notify). */
export function defaultMcpPolicy(config: McpConfig['approvals'], tools: readonly ServerTool[]): ApprovalPolicy {
  const allowed = Object.fromEntries(tools.filter((t) => t.allowedByDefault).map((t) => [t.name, 'allow' as const]));
  return { default: config.default, tools: { ...allowed, ...config.tools } };
}

/**
 * Runs one MCP tool call the way picode runs its own agent's calls: the approval policy
 * (`mcp.approvals`), then the `agent.tool.before` gate (hooks, gating plugins), then a person
 * when either says ask; the call and its outcome are recorded on the bus (`mcp.call`) with
 * the caller. A call that fails returns a tool error (isError), never a protocol error, so
 * the model reads why.
 */
export class McpCallService {
  constructor(
    private readonly host: HostApi,
    private readonly config: McpConfig,
    private readonly approvals: McpApprovals,
    private readonly context: (caller: McpCaller, signal: AbortSignal) => ToolContext,
    private readonly plugins: ToolContext['plugins'],
  ) {}

  tools(): ServerTool[] {
    return [...serverTools, ...pluginServerTools(this.plugins())];
  }

  /** `signal` aborts when the client cancels the call or goes away: a wait for approval ends, a run stops waiting. */
  async call(name: string, args: unknown, caller: McpCaller, signal: AbortSignal): Promise<McpCallResult> {
    const started = performance.now();
    const tools = this.tools();
    const tool = tools.find((t) => t.name === name);
    if (!tool) {
      return this.record(name, args, caller, started, signal, {
        text: `There is no picode tool named "${name}". Tools: ${tools.map((t) => t.name).join(', ')}.`, isError: true, decision: 'deny', by: 'policy',
      });
    }
    const policy = decisionFor(defaultMcpPolicy(this.config.approvals, tools), name);
    if (policy === 'deny') {
      return this.record(name, args, caller, started, signal, { text: `Denied: picode's mcp.approvals policy does not allow ${name}.`, isError: true, decision: 'deny', by: 'policy' });
    }
    const verdict = await this.host.gates.pass({
      type: 'agent.tool.before',
      data: {
        run: caller.run ?? 0, task: `MCP call from ${caller.client}`, tool: name, callId: randomUUID(), args, cwd: process.cwd(),
        via: 'mcp', client: caller.client,
      },
    });
    if (verdict.decision === 'deny') {
      return this.record(name, args, caller, started, signal, { text: `Denied by a picode hook${verdict.reason ? `: ${verdict.reason}` : '.'}`, isError: true, decision: 'deny', by: 'gate' });
    }
    const finalArgs = (verdict.data as { args?: unknown }).args ?? args;
    let decision: ToolDecision = strictest(policy, verdict.decision);
    let by: McpCallResult['by'] = verdict.decision === 'allow' ? 'policy' : 'gate';
    if (decision === 'ask' && this.approvals.isAlwaysAllowed(caller.client, name)) {
      decision = 'allow';
      by = 'remembered';
    }
    if (decision === 'ask') {
      const answer = await this.approvals.request(
        { client: caller.client, run: caller.run, tool: name, args: finalArgs, reason: verdict.reason },
        signal,
        (pending) => this.announce(pending.id, caller, name, finalArgs, verdict.reason),
      );
      if (answer === undefined && signal.aborted) {
        return this.record(name, finalArgs, caller, started, signal, { text: 'The call was cancelled before anyone answered; it was not run.', isError: true, decision: 'deny', by: 'cancelled' });
      }
      if (answer === undefined || answer === 'no') {
        const text = answer === 'no' ? 'The person declined this call. Ask them, or try another way.' : 'No one approved this call in time; it was not run.';
        return this.record(name, finalArgs, caller, started, signal, { text, isError: true, decision: 'deny', by: answer === undefined ? 'timeout' : 'person' });
      }
      by = 'person';
    }
    let result: ToolResult;
    try {
      result = await tool.run(finalArgs, this.context(caller, signal));
    } catch (error) {
      if (!(error instanceof PicodeError)) this.host.log.warn('MCP tool call failed', { tool: name, client: caller.client, error: (error as Error).stack ?? String(error) });
      const hint = error instanceof PicodeError && error.hint ? ` (${error.hint})` : '';
      result = { text: `${name} failed: ${(error as Error).message}${hint}`, isError: true };
    }
    const extra = verdict.additionalContext ? `\n\n[context from a picode hook] ${verdict.additionalContext}` : '';
    return this.record(name, finalArgs, caller, started, signal, { ...result, text: result.text + extra, decision: 'allow', by });
  }

  private announce(id: number, caller: McpCaller, tool: string, args: unknown, reason: string | undefined): void {
    const shown = JSON.stringify(args ?? {});
    this.host.bus.emit({
      type: 'mcp.approval.requested',
      data: { id, client: caller.client, ...(caller.run !== undefined ? { run: caller.run } : {}), tool, args, ...(reason ? { reason } : {}) },
    });
    this.host.bus.emit({
      type: 'notification',
      data: {
        level: 'warning', title: `MCP call ${id} waits for approval`,
        message: `${caller.client} asks to call ${tool} ${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}${reason ? ` (${reason})` : ''}: picode mcp approve ${id} yes|no|always`,
        source: `mcp:${caller.client}`,
      },
    });
  }

  private record(tool: string, args: unknown, caller: McpCaller, started: number, signal: AbortSignal, result: McpCallResult): McpCallResult {
    this.host.bus.emit({
      type: 'mcp.call',
      data: {
        tool, client: caller.client, ...(caller.clientVersion ? { clientVersion: caller.clientVersion } : {}),
        ...(caller.run !== undefined ? { run: caller.run } : {}), ...(caller.transport ? { transport: caller.transport } : {}),
        args, decision: result.decision, by: result.by, isError: result.isError === true, ...(signal.aborted ? { cancelled: true } : {}),
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
    });
    return result;
  }
}
