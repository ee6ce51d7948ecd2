import { join } from 'node:path';
import type { PluginManifest } from '../manifest.js';

/**
 * `picode plugin dev`: builds the plugin, then rebuilds it on every change of its sources and
 * has `reload` load it into the running hosts (which keep its kv); `reload` says where it applied.
 */
export async function devLoop(dir: string, reload: (manifest: PluginManifest) => Promise<string>): Promise<void> {
  const [{ readManifest, isPluginSource }, { buildPlugin }, { watch }] = await Promise.all([
    import('../manifest.js'), import('../build/builder.js'), import('chokidar'),
  ]);
  const manifest = readManifest(dir);
  const rebuild = async (): Promise<void> => {
    try {
      const result = await buildPlugin(dir);
      process.stdout.write(`${new Date().toLocaleTimeString()} built ${manifest.name} (${Math.round(result.ms)} ms)`);
      const note = await reload(manifest);
      process.stdout.write(`${note || ' (no running host: start one with picode up)'}\n`);
    } catch (error) {
      process.stdout.write(`${new Date().toLocaleTimeString()} ${(error as Error).message}\n`);
    }
  };
  await rebuild();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = watch(join(manifest.source, '..'), { ignoreInitial: true });
  watcher.on('all', (_event, path) => {
    if (!isPluginSource(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => { running = running.then(rebuild); }, 150);
  });
  process.stdout.write(`watching ${join(manifest.source, '..')} (Ctrl-C to stop); logs: picode plugin logs ${manifest.name} -f\n`);
  await new Promise<void>((done) => process.once('SIGINT', () => done()));
  clearTimeout(timer);
  await watcher.close();
}
