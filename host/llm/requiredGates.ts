import type { PicodeEvent } from '../bus/envelope.js';
import type { GateDecision } from '../api/hostApi.js';
import type { PluginsConfig } from '../config/sections/plugins.js';
import type { PluginManifest } from '../plugins/manifest.js';
import type { PluginRuntime } from '../plugins/host/runtime.js';
import { combineDecisions } from '../bus/gates.js';

/**
 * Fail closed on a missing gating plugin. A plugin that declares it gates a blocking event
 * (`"gates": ["llm.request"]` in its package.json, like the shipped secrets redactor) must
 * decide on that event before it passes:
 * - running when the event came: its own gate answers, nothing to do here;
 * - still loading (a request at host start): this waits for it and asks it here;
 * - could not be loaded (not built, refused, its load failed) or no plugin runtime at all:
 *   the event is denied with why, never let through unredacted.
 * A plugin the user disabled (`picode plugin disable`), or whose entry says
 * `gateFailure: allow`, is not required. The same guard runs in the host and in commands
 * that run without one (host/llm/standaloneGate.ts).
 */
export interface RequiredGatesOptions {
  readonly manifests: readonly PluginManifest[];
  readonly config: PluginsConfig | undefined;
  /** The plugin runtime now, without waiting (undefined: not started yet). */
  readonly runtimeNow: () => PluginRuntime | undefined;
  /** The plugin runtime once started, or undefined when it will not be. */
  readonly runtime: () => Promise<PluginRuntime | undefined>;
}

export function requiredGatesGuard(options: RequiredGatesOptions): (event: PicodeEvent) => Promise<GateDecision | undefined> {
  return async (event) => {
    const required = options.manifests.filter((m) => declaresGate(m, event.type) && options.config?.entries?.[m.name]?.gateFailure !== 'allow');
    if (required.length === 0) return undefined;
    // Decided synchronously, in the same turn as the gates' snapshot: these answer on their own.
    const now = options.runtimeNow();
    const pending = required.filter((m) => !now?.isGating(m.name));
    if (pending.length === 0) return undefined;
    const runtime = now ?? await options.runtime();
    const missing: string[] = [];
    const answers: Array<GateDecision | undefined> = [];
    for (const manifest of pending) {
      if (!runtime) {
        missing.push(`plugin ${manifest.name} gates ${event.type} but the plugin runtime is not running`);
        continue;
      }
      const gate = await runtime.gateState(manifest);
      if (gate.state === 'gating') answers.push((await runtime.deliver(manifest.name, event)).decision);
      else if (gate.state === 'unavailable') missing.push(`plugin ${manifest.name} gates ${event.type} but could not be loaded (${gate.detail ?? 'unknown reason'})`);
    }
    if (missing.length > 0) {
      const name = pending[0]!.name;
      return {
        decision: 'deny',
        reason: `${missing.join('; ')}, so ${event.type} was denied (fail closed); `
          + `see picode plugin list and picode plugin logs ${name}; to go without it: picode plugin disable ${name}`,
      };
    }
    const combined = combineDecisions(answers, event.data);
    const { data, ...decision } = combined;
    return data === event.data ? decision : { ...decision, updatedData: data };
  };
}

/** Whether a plugin's manifest declares it gates this event type (exactly or by a `prefix*`). */
export function declaresGate(manifest: PluginManifest, type: string): boolean {
  return manifest.gates.some((g) => (g.endsWith('*') ? type.startsWith(g.slice(0, -1)) : g === type));
}
