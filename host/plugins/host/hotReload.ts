import { dirname } from 'node:path';
import type { HostLogger } from '../../api/hostApi.js';
import { isPluginSource, readManifest, type PluginManifest } from '../manifest.js';

/**
 * Hot reload: chokidar watches each plugin's built component (and, when `rebuild` is on, its
 * source directory). A changed source is rebuilt; a changed component is loaded next to the
 * running one and swapped in when ready (runtime.loadManifest), so a broken build leaves the
 * old version running. The kv lives in the store and survives the swap.
 */
export interface Reloadable {
  loadManifest(manifest: PluginManifest, options?: { force?: boolean }): Promise<void>;
}

export interface HotReloader {
  add(manifest: PluginManifest): void;
  close(): Promise<void>;
}

export async function startHotReload(
  runtime: Reloadable,
  log: HostLogger,
  options: { rebuild: boolean; onReload?: (name: string, error: Error | undefined) => void },
): Promise<HotReloader> {
  const { watch } = await import('chokidar');
  const watcher = watch([], { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 25 } });
  const byComponent = new Map<string, PluginManifest>();
  const bySourceDir = new Map<string, PluginManifest>();
  const timers = new Map<string, NodeJS.Timeout>();
  const building = new Set<string>();
  const stale = new Set<string>();

  const debounce = (key: string, fn: () => void): void => {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => { timers.delete(key); fn(); }, 150));
  };

  const reload = (manifest: PluginManifest): void => {
    debounce(`load:${manifest.name}`, () => {
      let fresh: PluginManifest;
      try {
        fresh = readManifest(manifest.dir, manifest.shipped);
      } catch (error) {
        log.warn(`hot reload of ${manifest.name}: ${(error as Error).message}`);
        return;
      }
      runtime.loadManifest(fresh).then(
        () => { log.info(`plugin ${manifest.name} reloaded`); options.onReload?.(manifest.name, undefined); },
        (error: Error) => { log.warn(`plugin ${manifest.name} reload failed: ${error.message}`); options.onReload?.(manifest.name, error); },
      );
    });
  };

  const rebuild = (manifest: PluginManifest): void => {
    debounce(`build:${manifest.name}`, () => {
      // A change during a build (the editor saved twice, or the build read a file half
      // written) is not dropped: one more build runs after this one.
      if (building.has(manifest.name)) {
        stale.add(manifest.name);
        return;
      }
      building.add(manifest.name);
      import('../build/builder.js')
        .then(({ buildPlugin }) => buildPlugin(manifest.dir))
        .then((result) => log.info(`plugin ${manifest.name} rebuilt in ${Math.round(result.ms)} ms`))
        .catch((error: Error) => { log.warn(`plugin ${manifest.name} rebuild failed: ${error.message}`); options.onReload?.(manifest.name, error); })
        .finally(() => {
          building.delete(manifest.name);
          if (stale.delete(manifest.name)) rebuild(manifest);
        });
    });
  };

  watcher.on('all', (_event, path) => {
    const component = byComponent.get(path);
    if (component) return reload(component);
    if (!options.rebuild) return;
    for (const [dir, manifest] of bySourceDir) {
      if (path.startsWith(`${dir}/`) && isPluginSource(path)) return rebuild(manifest);
    }
  });

  return {
    add(manifest) {
      byComponent.set(manifest.component, manifest);
      watcher.add(manifest.component);
      if (options.rebuild) {
        const dir = dirname(manifest.source);
        bySourceDir.set(dir, manifest);
        watcher.add(dir);
      }
    },
    async close() {
      for (const t of timers.values()) clearTimeout(t);
      await watcher.close();
    },
  };
}
