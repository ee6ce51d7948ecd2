import type { PicodeEvent } from '../bus/envelope.js';
import type { PluginReply } from './services.js';
import { ServiceUnavailable } from './services.js';

/**
 * The hook engine's links to the other extensions in the host: the plugin runtime (WASM
 * hooks), the LLM service (`ask`) and the planner (`plan`, an IPC method of the agents
 * area). Each is looked up when a hook needs it, so the engine starts whether or not those
 * parts are present, and a hook that needs a missing one reports `not available: <why>`.
 */

type Data = Record<string, unknown>;
const isData = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function deliverToPlugin(plugin: string, event: PicodeEvent): Promise<PluginReply> {
  const runtime = await pluginRuntime();
  return pluginReply(await runtime.deliver(plugin, event));
}

/** What a plugin would answer to an event, without applying its actions (dry runs). */
export async function dryRunPlugin(plugin: string, event: PicodeEvent): Promise<PluginReply> {
  const runtime = await pluginRuntime();
  return pluginReply(await runtime.dryRun(plugin, [event]));
}

async function pluginRuntime(): Promise<NonNullable<ReturnType<typeof import('../sandbox/runtime.js').getPluginRuntime>>> {
  let runtime: ReturnType<typeof import('../sandbox/runtime.js').getPluginRuntime>;
  try {
    runtime = (await import('../sandbox/runtime.js')).getPluginRuntime();
  } catch (error) {
    throw new ServiceUnavailable(`the plugin runtime cannot be loaded (${(error as Error).message})`);
  }
  if (!runtime) throw new ServiceUnavailable('the plugin runtime is not running in this host');
  return runtime;
}

/** Reads a decision from a plugin's reply: a `decision` field, or a `decide`/`block` action among its actions. */
export function pluginReply(reply: unknown): PluginReply {
  const r: { actions?: readonly unknown[]; decision?: unknown } = isData(reply) ? reply : {};
  const actions = Array.isArray(reply) ? reply : (r.actions ?? []);
  let decision: PluginReply['decision'];
  let reason: string | undefined;
  let updatedData: unknown;
  let additionalContext: string | undefined;
  const take = (d: unknown): void => {
    if (!isData(d)) return;
    const verdict = d.decision ?? d.verdict;
    if (verdict === 'allow' || verdict === 'ask' || verdict === 'deny') decision = verdict;
    if (typeof d.reason === 'string') reason = d.reason;
    // The WIT carries the replacement payload as JSON text (`updated-data: option<string>`).
    if (d.updatedData !== undefined && d.updatedData !== null) updatedData = parseJsonText(d.updatedData);
    if (typeof d.additionalContext === 'string') additionalContext = d.additionalContext;
  };
  take(r.decision);
  if (typeof r.decision === 'string') take(r);
  const kinds: string[] = [];
  for (const action of actions) {
    if (!isData(action)) continue;
    const kind = typeof action.tag === 'string' ? action.tag : typeof action.type === 'string' ? action.type : 'action';
    kinds.push(kind);
    if (kind === 'decide' || kind === 'decision') take(isData(action.val) ? action.val : action);
  }
  const summary = kinds.length > 0 ? `plugin actions: ${kinds.join(', ')}` : 'plugin returned no actions';
  return { decision, reason, updatedData, additionalContext, summary };
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export async function askModel(request: { prompt: string; model?: string | undefined; origin: string }): Promise<string> {
  let service: import('../../src/providers/types.js').LlmService;
  try {
    service = (await import('../llm/service.js')).getLlmService();
  } catch (error) {
    throw new ServiceUnavailable(`the LLM service is not running in this host (${(error as Error).message})`);
  }
  const result = await service.complete({
    messages: [{ role: 'user', content: request.prompt }],
    ...(request.model ? { model: request.model } : {}),
    purpose: request.origin,
  });
  return result.text;
}

/**
 * Calls `plan.create` on this host's own IPC socket: the planner belongs to the agents area,
 * which serves it as an IPC method; going through the socket keeps the two areas decoupled
 * exactly as the CLI is.
 */
export async function createPlanThroughIpc(session: string, tmuxSocket: string | undefined, request: { task: string; context?: string | undefined; origin: string }): Promise<unknown> {
  const { connectHost } = await import('../ipc/client.js');
  const client = await connectHost(session, tmuxSocket);
  try {
    return await client.call('plan.create', { ...request, cwd: process.cwd() });
  } catch (error) {
    const message = (error as Error).message;
    if (/does not offer|method not found|-32601/i.test(message)) {
      throw new ServiceUnavailable('the planner (IPC method plan.create) is not registered in this host');
    }
    throw error;
  } finally {
    client.close();
  }
}
