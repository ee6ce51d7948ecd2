import type { HostApi, HostExtension, IpcCallContext } from '../api/hostApi.js';
import { PicodeError } from '../core/errors.js';
import type { ApprovalAnswer } from '../../src/agents/policy.js';
import { McpApprovals } from './approvals.js';
import { McpCallService, type McpCaller } from './calls.js';
import { CommandHistory } from './commandHistory.js';
import { McpClientManager } from './client/manager.js';
import { mcpResourceContext } from './client/resourceContext.js';
import { objectParams } from './params.js';
import { registerStdioSessions } from './stdioSessions.js';
import { picodeVersion } from '../core/version.js';

declare module '../api/hostApi.js' {
  interface HostServices {
    /** The running host's MCP client manager (the agents extension asks it for `mcp__*` tools). */
    mcpClients: McpClientManager;
  }
}

/**
 * MCP inside the host, both ways:
 *   - for `picode mcp serve` (a thin MCP front end, an IPC client of this host): the tools,
 *     each call through the policy, the `agent.tool.before` gate and approvals, recorded;
 *   - for picode's own agent: the configured MCP servers (`mcp.servers`), started lazily and
 *     stopped with the host.
 *
 * IPC methods:
 *   mcp.tools.list                          -> [{name, description, inputSchema}]
 *   mcp.tools.call {tool, args, caller, callKey?} -> {text, isError, structured, decision, by}
 *   mcp.tools.cancel {callKey}              -> {cancelled}: the MCP client cancelled that call
 *   mcp.session.open / mcp.session.message  -> a stdio MCP session served here for a relay (stdioSessions.ts)
 *   mcp.approvals.list                      -> pending approvals
 *   mcp.approvals.watch                     -> snapshot, then `mcp.approvals` notifications
 *   mcp.approve {id, answer}                -> the approval answered
 *   mcp.servers.list {connect?}             -> each server's state, tools and last error
 *   mcp.context                             -> context items from the servers' `context` resources
 */
export function mcpExtension(): HostExtension {
  let history: CommandHistory | undefined;
  let approvals: McpApprovals | undefined;
  let manager: McpClientManager | undefined;
  let withdraw: (() => void) | undefined;
  return {
    name: 'mcp',
    async start(host: HostApi) {
      const config = host.config.mcp;
      history = new CommandHistory(host, hostKeyOf(host));
      approvals = new McpApprovals(config.approvalTimeoutMs);
      manager = new McpClientManager({
        config, cwd: process.cwd(), env: process.env, log: host.log,
        onChange: (status) => host.bus.emit({ type: 'mcp.server.changed', data: { ...status, tools: status.tools.length } }),
      });
      withdraw = host.services.provide('mcpClients', manager);
      const plugins = () => host.services.get('plugins');
      const agents = () => host.services.get('agents');
      const clientManager = manager;
      const commandHistory = history;
      const calls = new McpCallService(host, config, approvals, (caller, signal) => ({
        host, history: commandHistory, agents, plugins, signal,
        origin: `mcp:${caller.client}${caller.run !== undefined ? `:run-${caller.run}` : ''}`,
        serverContext: () => mcpResourceContext(clientManager),
      }), plugins);
      registerMethods(host, calls, approvals, manager);
      registerStdioSessions(host, picodeVersion());
    },
    async stop() {
      history?.close();
      approvals?.close();
      withdraw?.();
      await manager?.stop();
    },
  };
}

function registerMethods(host: HostApi, calls: McpCallService, approvals: McpApprovals, manager: McpClientManager): void {
  host.ipc.register('mcp.tools.list', () => calls.tools().map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })));

  // Calls in flight by the key their `picode mcp serve` gave them, so a client's cancel
  // (notifications/cancelled) stops the call here too: an approval wait ends and leaves the
  // approvals list, run_in_pane stops waiting. A closed connection cancels its calls as well.
  const inFlight = new Map<string, AbortController>();
  host.ipc.register('mcp.tools.call', async (params, context) => {
    const p = objectParams(params, 'mcp.tools.call');
    if (typeof p.tool !== 'string' || !p.tool) throw new PicodeError('mcp.tools.call needs `tool` (a tool name)');
    const key = typeof p.callKey === 'string' && p.callKey ? p.callKey : undefined;
    if (key && inFlight.has(key)) throw new PicodeError(`mcp.tools.call: the call key ${key} is already in use`, { hint: 'give each call its own key (a random one)' });
    const cancel = new AbortController();
    const onClose = (): void => cancel.abort();
    if (context.signal.aborted) cancel.abort();
    else context.signal.addEventListener('abort', onClose, { once: true });
    if (key) inFlight.set(key, cancel);
    try {
      const result = await calls.call(p.tool, p.args ?? {}, caller(p.caller), cancel.signal);
      return { text: result.text, isError: result.isError === true, structured: result.structured ?? null, decision: result.decision, by: result.by };
    } finally {
      context.signal.removeEventListener('abort', onClose);
      if (key) inFlight.delete(key);
    }
  });
  host.ipc.register('mcp.tools.cancel', (params) => {
    const p = objectParams(params, 'mcp.tools.cancel');
    if (typeof p.callKey !== 'string' || !p.callKey) throw new PicodeError('mcp.tools.cancel needs `callKey` (the key its mcp.tools.call was given)');
    const call = inFlight.get(p.callKey);
    call?.abort();
    // A call that already finished has nothing to cancel: not an error (its answer and the cancel crossed).
    return { cancelled: call !== undefined };
  });

  host.ipc.register('mcp.approvals.list', () => approvals.list());
  host.ipc.register('mcp.approvals.watch', (_params, context) => {
    stream(context, approvals.watch((pending) => context.notify('mcp.approvals', { pending })));
    return { pending: approvals.list() };
  });
  host.ipc.register('mcp.approve', (params) => {
    const p = objectParams(params, 'mcp.approve');
    const answers: ApprovalAnswer[] = ['yes', 'no', 'always'];
    if (typeof p.id !== 'number' || !Number.isInteger(p.id)) throw new PicodeError('mcp.approve needs `id` (the number `picode mcp approvals` shows)');
    if (!answers.includes(p.answer as ApprovalAnswer)) throw new PicodeError('mcp.approve needs `answer`: yes, no or always');
    return approvals.answer(p.id, p.answer as ApprovalAnswer);
  });

  // Context items from the resources each server names in `context` (for `picode ask`).
  host.ipc.register('mcp.context', () => mcpResourceContext(manager));

  host.ipc.register('mcp.servers.list', async (params) => {
    const p = params && typeof params === 'object' ? (params as Record<string, unknown>) : {};
    if (p.connect === true) await manager.tools();
    return manager.status();
  });
}

function caller(raw: unknown): McpCaller {
  const c = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    client: typeof c.client === 'string' && c.client ? c.client.slice(0, 100) : 'unknown client',
    ...(typeof c.clientVersion === 'string' ? { clientVersion: c.clientVersion.slice(0, 50) } : {}),
    ...(typeof c.run === 'number' && Number.isInteger(c.run) ? { run: c.run } : {}),
    ...(typeof c.transport === 'string' ? { transport: c.transport } : {}),
  };
}

function stream(context: IpcCallContext, unsubscribe: () => void): void {
  if (context.signal.aborted) unsubscribe();
  else context.signal.addEventListener('abort', unsubscribe, { once: true });
}

/** This host's key in the store (its events and output log rows), from the lock it holds. */
function hostKeyOf(host: HostApi): string | undefined {
  try {
    const row = host.store.db.prepare('SELECT host_key FROM host_locks WHERE session = ? AND pid = ?').get(host.session, process.pid) as { host_key: string } | undefined;
    return row?.host_key;
  } catch {
    return undefined;
  }
}

export default mcpExtension;
