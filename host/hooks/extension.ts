import { resolve } from 'node:path';
import { makeEvent, type PicodeEvent } from '../bus/envelope.js';
import type { HostApi, HostExtension, Unsubscribe } from '../api/hostApi.js';
import type { PicodeConfig } from '../config/schema.js';
import { PicodeError } from '../core/errors.js';
import { HookEngine } from './engine.js';
import { HookRunLog, readHookRuns } from './runLog.js';
import { hookBridges } from './bridges.js';
import type { HookServices } from './services.js';
import { watchFiles, type FileWatcher } from './watcher.js';
import { unknownEventTypes } from './compile.js';
import { emittedType } from './actionKinds.js';
import { answerPage, pageQuery } from '../ipc/paging.js';

/**
 * The hook engine as a host extension: subscribes to the bus (non-blocking events), registers
 * the `hooks` gate (blocking events), runs the file watcher when a hook wants `file.changed`,
 * and serves `hooks.list`, `hooks.test`, `hooks.log` and `events.emit` over IPC.
 */
export function hooksExtension(): HostExtension {
  const cleanups: Array<() => void | Promise<void>> = [];
  let engine: HookEngine | undefined;
  let runLog: HookRunLog | undefined;
  let watcher: FileWatcher | undefined;
  /** Builds the engine (and the file watcher) from a config; swapped whole on reload. */
  let configure: ((config: PicodeConfig) => Promise<void>) | undefined;

  return {
    name: 'hooks',
    async start(host: HostApi): Promise<void> {
      const { eventCatalog, blockingEventTypes: blockingTypes } = await import('../bus/catalog/index.js');
      let cwd = resolve(process.cwd(), host.config.watch.root ?? '.');
      const services: HookServices = {
        session: host.session,
        cwd,
        // A hook script that calls `picode` reaches this session's host on its own tmux server.
        env: host.mux?.tmuxSocket ? { ...process.env, PICODE_TMUX_SOCKET: host.mux.tmuxSocket } : process.env,
        panes: host.panes,
        emit: (event) => host.bus.emit(event),
        log: host.log,
        ...hookBridges(host),
      };
      runLog = new HookRunLog(host.store.db, { keep: host.config.hookLimits.keepRuns });
      const log = runLog;
      configure = async (config) => {
        const next = new HookEngine({ hooks: config.hooks, limits: config.hookLimits, services: { ...services, cwd: resolve(process.cwd(), config.watch.root ?? '.') }, blockingTypes, runLog: log });
        for (const u of unknownEventTypes(next.hooks, eventCatalog.map((d) => d.type))) {
          host.log.warn(`hook ${u.hook} listens to ${u.type}, which picode never emits${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`);
        }
        // Events from now on go to the new engine; runs of the old one finish on their own.
        const previous = engine;
        engine = next;
        if (previous) void previous.stop();
        await watcher?.close();
        watcher = undefined;
        cwd = resolve(process.cwd(), config.watch.root ?? '.');
        const watch = config.watch;
        if (watch.enabled === true || (watch.enabled === 'auto' && next.index.listensTo('file.changed'))) {
          watcher = await watchFiles({ ...watch, root: cwd }, (batch) => host.bus.emit({ type: 'file.changed', data: batch }));
          await watcher.ready;
          host.log.info('watching files', { root: cwd, paths: watch.paths });
        }
      };
      await configure(host.config);
      const current = (): HookEngine => engine!;

      const unsubscribe: Unsubscribe = host.bus.subscribe({}, (event) => current().dispatch(event));
      cleanups.push(unsubscribe);
      cleanups.push(host.gates.register('hooks', (event) => current().decide(event)));
      cleanups.push(async () => { await watcher?.close(); });

      host.ipc.register('hooks.list', () => ({
        session: host.session,
        watching: watcher ? { root: cwd, paths: host.config.watch.paths, debounceMs: host.config.watch.debounceMs } : null,
        hooks: current().stats(),
      }));
      host.ipc.register('hooks.test', async (params) => {
        const p = testParams(params);
        const info = p.pane ? host.panes.resolve(p.pane) : undefined;
        if (p.pane && !info) throw new PicodeError(`no pane ${JSON.stringify(p.pane)} in session ${host.session}`, { hint: 'see `picode panes`' });
        const event = makeEvent({
          type: p.event, session: host.session, window: info?.windowId, pane: info?.id, paneName: info?.name, data: p.data,
        });
        return current().test(event);
      });
      host.ipc.register('hooks.log', (params) => {
        log.flush();
        const p = (params ?? {}) as { hook?: string; outcome?: string };
        const page = pageQuery(params);
        return answerPage(readHookRuns(host.store.db, { session: host.session, hook: p.hook, outcome: p.outcome, page }), page);
      });
      host.ipc.register('events.emit', (params) => {
        const p = (params ?? {}) as { name?: unknown; data?: unknown; pane?: unknown };
        if (typeof p.name !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(p.name)) {
          throw new PicodeError(`invalid event name ${JSON.stringify(p.name)}`, { hint: 'use letters, digits and _ . : - (it is emitted as user.NAME)' });
        }
        let pane: string | undefined;
        if (typeof p.pane === 'string') {
          const info = host.panes.resolve(p.pane);
          if (!info) throw new PicodeError(`no pane ${JSON.stringify(p.pane)} in session ${host.session}`, { hint: 'see `picode panes`' });
          pane = info.id;
        }
        const event = host.bus.emit({ type: emittedType(p.name), pane, data: p.data ?? {} });
        return { id: event.id, type: event.type };
      });
    },
    async reconfigure(config: PicodeConfig, changed: ReadonlySet<string>): Promise<readonly string[]> {
      const mine = ['hooks', 'hookLimits', 'watch'].filter((k) => changed.has(k));
      if (!configure || mine.length === 0) return [];
      await configure(config);
      return mine;
    },
    async stop(): Promise<void> {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await engine?.stop();
      runLog?.close();
    },
  };
}

function testParams(params: unknown): { event: string; data: unknown; pane: string | undefined } {
  const p = (params ?? {}) as { event?: unknown; data?: unknown; pane?: unknown };
  if (typeof p.event !== 'string' || p.event.length === 0) {
    throw new PicodeError('hooks.test needs an event type', { hint: 'picode hooks test EVENT [--data JSON]' });
  }
  return { event: p.event, data: p.data ?? {}, pane: typeof p.pane === 'string' ? p.pane : undefined };
}
