import type { PicodeEvent } from '../bus/envelope.js';
import type { PicodeConfig } from '../config/schema.js';
import type { HookServices } from '../hooks/services.js';
import type { GatePass, LlmRequestData } from './gate.js';

/**
 * The `llm.request` gate outside the host (`picode ask` with no host running): the same hook
 * engine, run in this process over the configured hooks. Shell (`command`) hooks run exactly
 * as in the host; hooks that need the host (plugins, pane actions) are reported unavailable by
 * the engine. Returns undefined when no hook listens to `llm.request` (nothing to load).
 */
export async function standaloneGatePass(options: {
  readonly config: PicodeConfig;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}): Promise<{ pass: GatePass; stop(): Promise<void> } | undefined> {
  const { config } = options;
  const hooks = (config as { hooks?: PicodeConfig['hooks'] }).hooks ?? [];
  if (hooks.length === 0) return undefined;
  const [{ HookEngine }, { eventCatalog }, { dryRunServices }] = await Promise.all([
    import('../hooks/engine.js'),
    import('../bus/catalog/index.js'),
    import('../hooks/dryRun.js'),
  ]);
  // The hooks area's services for running without a host: shell hooks run, the rest refuse.
  const services: HookServices = { ...dryRunServices('', options.cwd), env: options.env };
  const engine = new HookEngine({
    hooks,
    limits: config.hookLimits,
    services,
    blockingTypes: new Set(eventCatalog.filter((e) => e.blocking).map((e) => e.type)),
  });
  if (!engine.hooks.some((h) => h.config.enabled && h.eventTest('llm.request'))) {
    await engine.stop(0);
    return undefined;
  }
  return {
    pass: async (input) => {
      const decision = await engine.decide(makeEvent(input.data));
      return decision ? { ...decision, data: decision.data as LlmRequestData } : { decision: 'allow', data: input.data };
    },
    stop: () => engine.stop(1000),
  };
}

function makeEvent(data: LlmRequestData): PicodeEvent<'llm.request', LlmRequestData> {
  return { id: 0, type: 'llm.request', time: Date.now(), session: '', window: undefined, pane: undefined, paneName: undefined, data };
}
