import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Host } from '../../../host/daemon/host.js';
import { tmuxDriver } from '../../../host/daemon/driver.js';
import { openStore, type Store } from '../../../host/store/db.js';
import { loadConfig } from '../../../host/config/load.js';
import { connectHost } from '../../../host/ipc/client.js';
import type { HostApi, HostExtension } from '../../../host/api/hostApi.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { createWorld, newSession, until, type World } from './helpers.js';

/**
 * HostApi as the extensions (plugins, hooks, llm, agents) see it, on a Host running in this
 * process against a real tmux session.
 */
describe('HostApi for extensions', () => {
  let world: World;
  let store: Store;
  let host: Host;
  let pane: string;
  let api: HostApi | undefined;
  const started: string[] = [];
  const stopped: string[] = [];
  const seenBeforeStart: number[] = [];

  const recorder: HostExtension = {
    name: 'recorder',
    async start(h) {
      api = h;
      seenBeforeStart.push(h.panes.list().length);
      started.push('recorder');
      h.ipc.register('recorder.echo', (params) => ({ echoed: params }));
      h.ipc.register('recorder.stream', async (_params, context) => {
        for (let i = 0; i < 3; i++) context.notify('recorder.tick', { i });
        return { done: true };
      });
    },
    async stop() { stopped.push('recorder'); },
  };

  beforeAll(async () => {
    world = createWorld();
    pane = newSession(world, 'api');
    world.tmux('set-option', '-p', '-t', pane, '@picode_name', 'main');
    const env = world.env;
    const { config } = await loadConfig({ cwd: world.home, env });
    store = openStore(join(world.home, 'api.db'));
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    host = new Host({
      session: 'api', tmuxSocket: world.socket, config, store, log, env,
      driver: tmuxDriver({ session: 'api', socket: world.socket, tmuxBinary: 'tmux', pauseAfterSeconds: 5, env }),
      extensions: [
        { name: 'broken-load', load: async () => { throw new Error('module not found'); } },
        { name: 'broken-start', load: async () => ({ name: 'broken-start', async start() { throw new Error('no config'); }, async stop() { stopped.push('broken-start'); } }) },
        { name: 'recorder', load: async () => recorder },
      ],
    });
    await host.start();
  });

  afterAll(async () => {
    await host.stop('test done');
    store.close();
    await world.dispose();
  });

  it('starts extensions after the attach; a failing one is reported and the others run', () => {
    expect(started).toEqual(['recorder']);
    expect(seenBeforeStart).toEqual([1]);
    const failed = host.listEvents({ types: ['host.extension.failed'] }).map((e) => e.data);
    expect(failed).toEqual([
      { extension: 'broken-load', phase: 'load', error: 'module not found' },
      { extension: 'broken-start', phase: 'start', error: 'no config' },
    ]);
    // The half-started extension was given the chance to release what it held.
    expect(stopped).toEqual(['broken-start']);
  });

  it('serves the methods an extension registers, with notifications', async () => {
    const client = await connectHost('api', world.socket, { env: world.env });
    try {
      expect(await client.call('recorder.echo', { a: 1 })).toEqual({ echoed: { a: 1 } });
      const ticks: unknown[] = [];
      client.onNotification('recorder.tick', (p) => ticks.push(p));
      expect(await client.call('recorder.stream')).toEqual({ done: true });
      expect(ticks).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    } finally {
      client.close();
    }
  });

  it('resolves panes by id and by layout name', () => {
    expect(api!.panes.resolve('main')?.id).toBe(pane);
    expect(api!.panes.resolve(pane)?.name).toBe('main');
    expect(api!.panes.resolve('nope')).toBeUndefined();
  });

  it('passes sends through the pane.send.before gate: deny refuses, updated text is what is typed', async () => {
    const off = api!.gates.register('policy', async (event) => {
      const data = event.data as { text?: string };
      if (data.text?.includes('rm -rf')) return { decision: 'deny', reason: 'destructive' };
      if (data.text === 'echo secret') return { decision: 'allow', updatedData: { ...data, text: 'echo redacted' } };
      return undefined;
    });
    try {
      await expect(api!.panes.sendText('main', 'rm -rf /tmp/x', { enter: true, origin: 'test' })).rejects.toThrow(/denied by a hook: destructive/);
      const result = await api!.panes.run('main', 'echo secret', { origin: 'test' });
      expect(result).toMatchObject({ exitCode: 0, output: 'redacted\n', interrupted: false });
    } finally {
      off();
    }
  });

  it('delivers subscribed events in order, with the pane name', async () => {
    const got: PicodeEvent[] = [];
    const off = api!.bus.subscribe({ types: ['command.*'], pane: 'main' }, (e) => got.push(e));
    try {
      const r = await api!.panes.run(pane, 'sh -c "exit 4"', { origin: 'test' });
      expect(r.exitCode).toBe(4);
      await until('both command events', () => (got.length >= 2 ? true : undefined));
      expect(got.map((e) => [e.type, e.paneName, (e.data as { exitCode?: number }).exitCode])).toEqual([
        ['command.started', 'main', undefined],
        ['command.finished', 'main', 4],
      ]);
    } finally {
      off();
    }
  });

  it('captures the pane and sends keys', async () => {
    await api!.panes.sendKeys('main', ['C-l'], { origin: 'test' });
    await api!.panes.sendText('main', 'echo captured-$((6*7))', { enter: true, origin: 'test' });
    const text = await until('the capture', async () => {
      const t = await api!.panes.capture('main', { lines: 10 });
      return t.includes('captured-42') ? t : undefined;
    });
    expect(text).toContain('echo captured-$((6*7))');
  });
});
