import { IpcMethodMissing, type HostApi } from '../api/hostApi.js';
import { ServiceUnavailable, type HookServices, type PluginReply } from './services.js';

/**
 * The hook engine's links to the other extensions in the host, all through the host API: the
 * plugin runtime (WASM hooks) and the LLM service (`ask`) from `host.services`, the planner
 * (`plan`) as the agents area's IPC method `plan.create`, called in-process. Each is looked
 * up when a hook needs it, so the engine starts whether or not those parts are present, and a
 * hook that needs a missing one reports `not available: <why>`.
 */

type Data = Record<string, unknown>;
const isData = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

export type HookBridges = Pick<HookServices, 'deliverToPlugin' | 'dryRunPlugin' | 'ask' | 'createPlan'>;

export function hookBridges(host: Pick<HostApi, 'services' | 'ipc'>): HookBridges {
  const plugins = (): NonNullable<ReturnType<typeof host.services.get<'plugins'>>> => {
    const runtime = host.services.get('plugins');
    if (!runtime) throw new ServiceUnavailable('the plugin runtime is not running in this host');
    return runtime;
  };
  return {
    deliverToPlugin: async (plugin, event) => pluginReply(await plugins().deliver(plugin, event)),
    // What a plugin would answer to an event, without applying its actions (dry runs).
    dryRunPlugin: async (plugin, event) => pluginReply(await plugins().dryRun(plugin, [event])),
    async ask(request) {
      const service = host.services.get('llm');
      if (!service) throw new ServiceUnavailable('the LLM service is not running in this host');
      const result = await service.complete({
        messages: [{ role: 'user', content: request.prompt }],
        ...(request.model ? { model: request.model } : {}),
        purpose: request.origin,
      });
      return result.text;
    },
    async createPlan(request) {
      try {
        return await host.ipc.call('plan.create', { ...request, cwd: process.cwd() });
      } catch (error) {
        if (error instanceof IpcMethodMissing) throw new ServiceUnavailable('the planner (IPC method plan.create) is not registered in this host');
        throw error;
      }
    },
  };
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
