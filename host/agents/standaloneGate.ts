import type { PicodeEvent } from '../bus/envelope.js';
import type { PicodeConfig } from '../config/schema.js';
import type { HookServices } from '../hooks/services.js';
import type { ToolCall } from '../../src/providers/types.js';
import type { AgentRunRecord } from './runStore.js';

/**
 * The `agent.tool.before` hook point for a CLI run without a host: the same hook engine over
 * the configured hooks, in this process. Shell (`command`) hooks run exactly as in the host;
 * hooks that need the host (plugins, pane actions) are reported unavailable by the engine,
 * which fails closed on a blocking event. Undefined when no hook listens to the event.
 */
export async function standaloneToolGate(options: { config: PicodeConfig; cwd: string; env: NodeJS.ProcessEnv }): Promise<{
  gate: (run: AgentRunRecord, call: ToolCall) => Promise<{ decision: 'allow' | 'ask' | 'deny'; reason?: string | undefined; args?: unknown; additionalContext?: string | undefined }>;
  stop(): Promise<void>;
} | undefined> {
  const hooks = options.config.hooks ?? [];
  if (hooks.length === 0) return undefined;
  const [{ HookEngine }, { eventCatalog }, { dryRunServices }] = await Promise.all([
    import('../hooks/engine.js'),
    import('../bus/catalog/index.js'),
    import('../hooks/dryRun.js'),
  ]);
  const services: HookServices = { ...dryRunServices('', options.cwd), env: options.env };
  const engine = new HookEngine({
    hooks,
    limits: options.config.hookLimits,
    services,
    blockingTypes: new Set(eventCatalog.filter((e) => e.blocking).map((e) => e.type)),
  });
  if (!engine.hooks.some((h) => h.config.enabled && h.eventTest('agent.tool.before'))) {
    await engine.stop(0);
    return undefined;
  }
  return {
    gate: async (run, call) => {
      const data = { run: run.id, task: run.task, tool: call.name, callId: call.id, args: call.args, cwd: run.worktree ?? run.cwd };
      const event: PicodeEvent = { id: 0, type: 'agent.tool.before', time: Date.now(), session: run.session ?? '', window: undefined, pane: undefined, paneName: undefined, data };
      const decision = await engine.decide(event);
      if (!decision) return { decision: 'allow' };
      return { decision: decision.decision, reason: decision.reason, args: (decision.data as typeof data | undefined)?.args, additionalContext: decision.additionalContext };
    },
    stop: () => engine.stop(1000),
  };
}
