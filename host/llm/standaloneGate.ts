import { makeEvent } from '../bus/envelope.js';
import type { PicodeConfig } from '../config/schema.js';
import type { BusApi, EventInput, GateDecision, HostLogger } from '../api/hostApi.js';
import type { Store } from '../store/db.js';
import type { GatePass } from './gate.js';
import type { BlockingEventType, EventData } from '../bus/catalog/index.js';

/**
 * A blocking event's gates outside the host (`picode ask --no-host`, a CLI plan or agent
 * run): the same gates the host has, in the same order, in this process. That is the hook
 * engine of host/hooks/standalone.ts, then every plugin whose manifest declares it gates the
 * event (the shipped secrets redactor on `llm.request`), loaded into a plugin runtime of
 * its own, then the guard that refuses the event when such a plugin could not be loaded
 * (host/llm/requiredGates.ts). Undefined when nothing gates the event (nothing is loaded).
 */
export interface StandaloneGate {
  pass<TType extends BlockingEventType>(input: EventInput<TType>): Promise<GateDecision & { readonly data: EventData<TType> }>;
  stop(): Promise<void>;
}

export interface StandaloneGateOptions {
  readonly config: PicodeConfig;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The local store: plugin enable/disable and grants are read from it. */
  readonly store?: Store | undefined;
  readonly session?: string | undefined;
}

export async function standaloneGate(options: StandaloneGateOptions, eventType: BlockingEventType): Promise<StandaloneGate | undefined> {
  const [{ standaloneHookEngine }, { discoverPlugins }, { declaresGate, requiredGatesGuard }, { Gates }] = await Promise.all([
    import('../hooks/standalone.js'),
    import('../plugins/manifest.js'),
    import('./requiredGates.js'),
    import('../bus/gates.js'),
  ]);
  const engine = await standaloneHookEngine(options, eventType);
  const manifests = discoverPlugins({ dirs: options.config.plugins?.dirs, cwd: options.cwd, env: options.env }).plugins
    .filter((m) => declaresGate(m, eventType));
  if (!engine && manifests.length === 0) return undefined;

  const session = options.session ?? '';
  const gates = new Gates(localBus(session), silentLog);
  if (engine) gates.register('hooks', (event) => engine.decide(event));
  let runtime: import('../plugins/host/runtime.js').PluginRuntime | undefined;
  if (manifests.length > 0) {
    const [{ PluginRuntime }, { pluginCacheDir }] = await Promise.all([import('../plugins/host/runtime.js'), import('../plugins/host/extension.js')]);
    runtime = new PluginRuntime({
      session, db: options.store?.db, bus: undefined, panes: undefined, gates, log: silentLog,
      config: options.config.plugins, cacheDir: pluginCacheDir(options.env), cwd: options.cwd, complete: undefined,
    });
    const names = new Set(manifests.map((m) => m.name));
    await runtime.loadAll((m) => names.has(m.name));
    const local = runtime;
    gates.register('required-plugin-gates', requiredGatesGuard({
      manifests, config: options.config.plugins, runtimeNow: () => local, runtime: async () => local,
    }));
  }
  return {
    pass: (input) => gates.pass(input),
    async stop() {
      await Promise.all([engine?.stop(1000), runtime?.stop()]);
    },
  };
}

/** The `llm.request` gate outside the host, as the LLM service takes it. */
export async function standaloneGatePass(options: StandaloneGateOptions): Promise<{ pass: GatePass; stop(): Promise<void> } | undefined> {
  const gate = await standaloneGate(options, 'llm.request');
  if (!gate) return undefined;
  return { pass: (input) => gate.pass(input), stop: () => gate.stop() };
}

/** Gates need a bus to stamp the event; without a host nothing else listens. */
function localBus(session: string): BusApi {
  return {
    emit: (input) => makeEvent({ ...input, session }),
    subscribe: () => () => undefined,
  };
}

// A refusal's reason reaches the user through the gate's decision; nothing else is printed.
const silentLog: HostLogger = { debug() {}, info() {}, warn() {}, error() {} };
