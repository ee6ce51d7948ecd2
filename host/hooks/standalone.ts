import type { PicodeConfig } from '../config/schema.js';
import type { HookEngine } from './engine.js';
import type { HookServices } from './services.js';

/**
 * The hook engine for a command that runs without a host (`picode ask`, a CLI agent run):
 * the configured hooks, in this process. Shell (`command`) hooks run exactly as in the host;
 * hooks that need the host (plugins, pane actions) are reported unavailable by the engine,
 * which fails closed on a blocking event. Undefined when no enabled hook listens to
 * `eventType`, so nothing more is loaded. The caller stops the engine.
 */
export async function standaloneHookEngine(
  options: { readonly config: PicodeConfig; readonly cwd: string; readonly env: NodeJS.ProcessEnv },
  eventType: string,
): Promise<HookEngine | undefined> {
  const hooks = options.config.hooks ?? [];
  if (hooks.length === 0) return undefined;
  const [{ HookEngine }, { blockingEventTypes }, { dryRunServices }] = await Promise.all([
    import('./engine.js'),
    import('../bus/catalog/index.js'),
    import('./dryRun.js'),
  ]);
  // The hooks area's services for running without a host: shell hooks run, the rest refuse.
  const services: HookServices = { ...dryRunServices('', options.cwd), env: options.env };
  const engine = new HookEngine({
    hooks,
    limits: options.config.hookLimits,
    services,
    blockingTypes: blockingEventTypes,
  });
  if (!engine.hooks.some((h) => h.config.enabled && h.eventTest(eventType))) {
    await engine.stop(0);
    return undefined;
  }
  return engine;
}
