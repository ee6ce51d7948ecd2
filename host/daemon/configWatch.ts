import type { Host } from './host.js';
import type { HostLogger } from '../api/hostApi.js';

/**
 * The host follows its config: the files it loaded are watched, and a change (an editor's
 * save, a rename over the file) reloads them after a short quiet spell. An invalid file is
 * reported (`config.invalid`) and the running config kept; the next valid save applies.
 */
export interface ConfigWatcher {
  close(): Promise<void>;
}

const quietMs = 200;

export async function watchConfig(host: Host, files: readonly string[], log: HostLogger): Promise<ConfigWatcher> {
  // The shipped defaults are part of the installation, not the user's to edit.
  const watched = files.filter((f) => !f.endsWith('/config/defaults.yaml'));
  if (watched.length === 0) return { close: async () => {} };
  const { watch } = await import('chokidar');
  const watcher = watch([...watched], { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 25 } });
  let timer: NodeJS.Timeout | undefined;
  watcher.on('all', (_event, path) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      host.reload().then(
        (result) => { if (result.changed.length) log.info('config file changed', { path, ...result }); },
        () => { /* reported as config.invalid by the host */ },
      );
    }, quietMs);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
