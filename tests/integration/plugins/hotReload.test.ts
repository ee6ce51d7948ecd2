import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotReload, type HotReloader } from '../../../host/plugins/host/hotReload.js';
import { readManifest } from '../../../host/plugins/manifest.js';
import { PluginRuntime } from '../../../host/plugins/host/runtime.js';
import { openStore, type Store } from '../../../host/store/db.js';
import { buildFixture, event, quietLog, tempDir, until } from './helpers.js';

describe('hot reload', () => {
  const tmp = tempDir('picode-reload-');
  let store: Store;
  let runtime: PluginRuntime;
  let reloader: HotReloader;
  let dir: string;
  const reloads: Array<{ name: string; error: Error | undefined }> = [];

  beforeAll(async () => {
    dir = await buildFixture('hostile', join(tmp.dir, 'plugins'));
    store = openStore(join(tmp.dir, 'picode.db'));
    runtime = new PluginRuntime({
      session: 'reload', db: store.db, bus: undefined, panes: undefined, gates: undefined, log: quietLog,
      config: { entries: { hostile: { grants: ['log', 'kv', 'fs-read'], eventDeadlineMs: 5000 } } },
      cacheDir: join(tmp.dir, 'cache'), cwd: tmp.dir, complete: undefined,
    });
    const manifest = readManifest(dir);
    await runtime.loadManifest(manifest);
    reloader = await startHotReload(runtime, quietLog, { rebuild: true, onReload: (name, error) => reloads.push({ name, error }) });
    reloader.add(manifest);
  }, 120_000);

  afterAll(async () => {
    await reloader?.close();
    await runtime?.stop();
    store?.close();
    tmp.dispose();
  });

  const ping = async (): Promise<string> => {
    const { actions } = await runtime.deliver('hostile', event('ping'));
    return actions.find((a) => a.tag === 'set-status')?.val as string;
  };

  it('rebuilds a changed source and swaps the plugin in, keeping its kv state', async () => {
    expect(await ping()).toBe('pong 1');
    expect(await ping()).toBe('pong 2');
    const source = join(dir, 'src', 'plugin.js');
    const changed = readFileSync(source, 'utf8').replace('`pong ${n}`', '`PONG ${n}`');
    writeFileSync(source, changed);
    // The new version answers with the new text and the count kept in kv goes on. The watcher
    // takes the plugin's folder asynchronously: on a loaded machine the first write can land
    // before it watches, so the same change is written again every few seconds until it is seen.
    let lastWrite = Date.now();
    const answer = await until('the reloaded plugin', async () => {
      const line = await ping();
      if (line.startsWith('PONG')) return line;
      if (Date.now() - lastWrite > 5000 && reloads.length === 0) { writeFileSync(source, changed); lastWrite = Date.now(); }
      return undefined;
    }, 200_000);
    expect(Number(answer.split(' ')[1])).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it('keeps the running version when a change does not build', async () => {
    const source = join(dir, 'src', 'plugin.js');
    const before = reloads.length;
    writeFileSync(source, `${readFileSync(source, 'utf8')}\nexport const broken = ;\n`);
    const failed = await until('the failed rebuild', () => reloads.slice(before).find((r) => r.error), 60_000);
    expect(failed.error!.message).toContain('did not build');
    expect(await ping()).toMatch(/^PONG \d+$/);
  }, 60_000);

  it('a call in flight when the plugin is swapped fails at once, naming the reload, instead of never answering', async () => {
    // Busy long enough (no clock in a component: iterations) for the new instance to load meanwhile.
    const busy = runtime.deliver('hostile', event('hostile.spin', { spin: 3_000_000_000 }));
    const outcome = busy.then(() => 'answered', (error: Error) => error.message);
    await runtime.loadManifest(readManifest(dir));
    const settled = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('still waiting'), 30_000))]);
    // It failed with the reason (or, when loading the new one took longer than the call's deadline
    // on a loaded machine, with that deadline): never 'still waiting'.
    expect(settled).toMatch(/^plugin hostile was replaced by its new version \(hot reload\): ask again$|deadline/);
    expect(await ping()).toMatch(/^PONG \d+$/);
  }, 120_000);
});
