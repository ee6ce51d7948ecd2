import { join } from 'node:path';
import type { HostApi, HostExtension, IpcRegistry } from '../../api/hostApi.js';
import type { PicodeConfig } from '../../config/schema.js';
import { PicodeError } from '../../core/errors.js';
import { cacheDir } from '../../core/paths.js';
import { isPluginDir, readManifest } from '../manifest.js';
import { startHotReload, type HotReloader } from './hotReload.js';
import { PluginRuntime } from './runtime.js';
import { pageOf, pageQuery } from '../../ipc/paging.js';

declare module '../../api/hostApi.js' {
  interface HostServices {
    /** The host's plugin runtime (plugin hooks, plugin tools and context, required gates, MCP). */
    plugins: PluginRuntime;
  }
}

/**
 * The plugin runtime as a host extension: loads the plugins when the host starts, exposes
 * the runtime to the other extensions (`host.services`, as `plugins`), and serves the `plugin.*` IPC
 * methods that `picode plugin ...` uses when a host is running.
 */
export function pluginsExtension(): HostExtension {
  let runtime: PluginRuntime | undefined;
  let reloader: HotReloader | undefined;
  let withdraw: (() => void) | undefined;
  let hostLog: HostApi['log'] | undefined;
  /** Starts or stops watching the plugins' builds as `plugins.hotReload` says. */
  const watchBuilds = async (wanted: boolean): Promise<void> => {
    if (!runtime || !hostLog || wanted === (reloader !== undefined)) return;
    if (!wanted) {
      await reloader?.close();
      reloader = undefined;
      return;
    }
    const watching = await startHotReload(runtime, hostLog, { rebuild: true });
    reloader = watching;
    for (const status of runtime.list()) {
      const manifest = runtime.manifestOf(status.name);
      if (manifest) watching.add(manifest);
    }
  };
  return {
    name: 'plugins',
    async start(host: HostApi) {
      const config = host.config.plugins;
      hostLog = host.log;
      runtime = new PluginRuntime({
        session: host.session,
        db: host.store.db,
        bus: host.bus,
        panes: host.panes,
        gates: host.gates,
        log: host.log,
        config,
        cacheDir: pluginCacheDir(),
        cwd: sessionCwd(host),
        complete: async (plugin, request) => {
          const llm = host.services.get('llm');
          if (!llm) throw new Error('the LLM service is not started (the llm host extension starts it)');
          const result = await llm.complete({
            ...(request.system !== undefined ? { system: request.system } : {}),
            messages: [{ role: 'user', content: request.prompt }],
            maxTokens: request.maxTokens,
            purpose: `plugin:${plugin}`,
          });
          return result.text;
        },
      });
      withdraw = host.services.provide('plugins', runtime);
      registerIpc(host.ipc, runtime, () => reloader);
      await runtime.loadAll();
      await watchBuilds(config?.hotReload === true);
    },
    /** A reloaded config's `plugins` section takes effect at once (enable, grants, roots, limits, dirs, hotReload). */
    async reconfigure(config: PicodeConfig, changed: ReadonlySet<string>): Promise<readonly string[]> {
      if (!runtime || !changed.has('plugins')) return [];
      const reloaded = await runtime.reconfigure(config.plugins);
      await watchBuilds(config.plugins?.hotReload === true);
      hostLog?.info('plugins reconfigured', { reloaded });
      return ['plugins'];
    },
    async stop() {
      await reloader?.close();
      await runtime?.stop();
      withdraw?.();
    },
  };
}

export function pluginCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'plugins');
}

/** The session's working directory (the default fs-read root), from the launch record. */
function sessionCwd(host: HostApi): string {
  try {
    const row = host.store.db.prepare('SELECT cwd FROM sessions WHERE name = ?').get(host.session) as { cwd: string } | undefined;
    if (row?.cwd) return row.cwd;
  } catch {
    // No sessions table row (a session picode did not launch): the host's directory.
  }
  return process.cwd();
}

function param(params: unknown, key: string): string {
  const value = (params as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'string' || value === '') throw new PicodeError(`missing parameter ${key}`);
  return value;
}

function registerIpc(ipc: IpcRegistry, runtime: PluginRuntime, reloader: () => HotReloader | undefined): void {
  ipc.register('plugin.list', (params) => ({ plugins: pageOf(runtime.list(), pageQuery(params, 'Name'), (p) => p.name) }));
  /**
   * Re-reads a plugin's enabled flag and grants (after enable/disable/grant/revoke) and (re)loads
   * or stops it. A plugin this host does not see in its plugin directories answers
   * `{ name, known: false }`: the change is stored and applies when a host loads it.
   */
  ipc.register('plugin.refresh', async (params) => {
    const name = param(params, 'name');
    const manifest = runtime.manifestOf(name);
    if (!manifest) return { name, known: false };
    await runtime.loadManifest(manifest);
    return runtime.list().find((p) => p.name === name);
  });
  /** Loads (or reloads) a plugin from a directory: `picode plugin dev`. */
  ipc.register('plugin.load', async (params) => {
    const dir = param(params, 'dir');
    if (!isPluginDir(dir)) throw new PicodeError(`${dir} is not a plugin directory`, { hint: 'it needs a package.json with a "picodePlugin" field' });
    const manifest = readManifest(dir);
    await runtime.loadManifest(manifest);
    reloader()?.add(manifest);
    return runtime.list().find((p) => p.name === manifest.name);
  });
  ipc.register('plugin.tools', () => ({ tools: runtime.listTools() }));
  ipc.register('plugin.callTool', async (params) => ({
    result: await runtime.callTool(param(params, 'plugin'), param(params, 'tool'), typeof (params as { args?: unknown }).args === 'string' ? (params as { args: string }).args : '{}'),
  }));
  ipc.register('plugin.context', async (params) => {
    const p = (params ?? {}) as { task?: unknown; tokenBudget?: unknown; targets?: unknown; plugins?: unknown };
    return {
      items: await runtime.gatherContext({
        task: typeof p.task === 'string' ? p.task : '',
        tokenBudget: typeof p.tokenBudget === 'number' ? p.tokenBudget : 4000,
        targets: Array.isArray(p.targets) ? p.targets.filter((t): t is string => typeof t === 'string') : [],
        ...(Array.isArray(p.plugins) ? { plugins: p.plugins.filter((t): t is string => typeof t === 'string') } : {}),
      }),
    };
  });
}

export default pluginsExtension;
