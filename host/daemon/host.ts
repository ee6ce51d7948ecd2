import { PicodeError, ExitCode } from '../core/errors.js';
import type { PicodeConfig } from '../config/schema.js';
import type { Store } from '../store/db.js';
import { OutputLog, resumePoint } from '../store/outputLog.js';
import type { MuxObservation } from '../mux/types.js';
import type { PicodeEvent } from '../bus/envelope.js';
import { EventBus } from '../bus/bus.js';
import { EventWriter, nextEventId, queryEvents, type EventQuery } from '../bus/eventStore.js';
import { IpcServer } from '../ipc/server.js';
import { hostSocketFor } from '../ipc/address.js';
import { describeSession, hostKey } from '../core/hostIdentity.js';
import { IpcMethodMissing, type HostApi, type HostExtension, type HostIpc, type HostLogger, type RunResult } from '../api/hostApi.js';
import { ServiceDirectory } from '../api/serviceDirectory.js';
import { Gates } from '../bus/gates.js';
import { acquireHostLock, releaseHostLock } from './lock.js';
import { startAgeRetention } from '../store/retention.js';
import { PaneState } from './paneState.js';
import type { CaptureStatus, PaneDriver } from './driver.js';
import { registerHostMethods } from './methods.js';
import { formatNotification } from './notification.js';
import { viewRoles } from './paneGuard.js';
import { PaneActions } from './paneActions.js';

/**
 * The host process for one session: it holds the session's lock, observes the multiplexer,
 * keeps per-pane state, turns observations into bus events (persisted in batches), serves
 * the IPC socket and runs the extensions (plugins, hooks, llm, agents) on its HostApi.
 */
export interface HostOptions {
  readonly session: string;
  readonly tmuxSocket: string | undefined;
  readonly config: PicodeConfig;
  readonly store: Store;
  readonly driver: PaneDriver;
  readonly log: HostLogger;
  readonly env?: NodeJS.ProcessEnv;
  readonly extensions?: ReadonlyArray<{ readonly name: string; readonly load: () => Promise<HostExtension> }>;
  readonly muxKind?: 'tmux' | 'zellij';
  /** Loads the config again from the same places (for `picode reload` and the config watcher). */
  readonly loadConfig?: () => Promise<{ config: PicodeConfig; files: readonly string[] }>;
}

/** What a reload did: the sections that changed, those applied now, those needing a restart. */
export interface ReloadResult {
  readonly files: readonly string[];
  readonly changed: readonly string[];
  readonly applied: readonly string[];
  readonly needsRestart: readonly string[];
}

export interface HostExit {
  readonly exitCode: number;
  readonly reason: string;
}

export class Host {
  readonly key: string;
  readonly api: HostApi;
  readonly bus: EventBus;
  readonly ipc: IpcServer;
  readonly gates: Gates;
  private readonly paneActions: PaneActions;
  readonly startedAt = Date.now();
  /** Resolves when the host has stopped (session ended, `host.stop`, or a signal). */
  readonly done: Promise<HostExit>;

  private readonly panes = new Map<string, PaneState>();
  /** Roles announced by the views running in panes (`panes.view`), for multiplexers without pane options. */
  private readonly announcedRoles = new Map<string, string>();
  private readonly events: EventWriter;
  private readonly outputLog: OutputLog;
  private readonly started: Array<{ name: string; extension: HostExtension }> = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private resolveDone!: (exit: HostExit) => void;
  private stopping: Promise<void> | undefined;
  private lockHeld = false;
  private stopRetention: () => void = () => undefined;
  private dropped = 0;
  private config: PicodeConfig;
  private reloading: Promise<ReloadResult> = Promise.resolve({ files: [], changed: [], applied: [], needsRestart: [] });
  readonly socketPath: string;

  constructor(private readonly options: HostOptions) {
    const { session, tmuxSocket, store, log, config } = options;
    this.key = hostKey(session, tmuxSocket);
    this.config = config;
    this.socketPath = hostSocketFor(session, tmuxSocket, options.env);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
    const onError = (error: Error): void => log.error('writing to the store failed', { error: error.message });
    this.events = new EventWriter(store.db, this.key, { ...config.host.events, onError });
    this.outputLog = new OutputLog(store.db, this.key, {
      ...config.host.outputLog, onError, onRecorded: (pane, end) => options.driver.acknowledge?.(pane, end),
    });
    this.bus = new EventBus(session, nextEventId(store.db, this.key), (id) => {
      const pane = this.panes.get(id);
      return pane && { window: pane.info.windowId, name: pane.info.name };
    }, (event) => this.events.append(event), log);
    this.gates = new Gates(this.bus, log);
    this.paneActions = new PaneActions(this, options.driver, this.gates);
    this.ipc = new IpcServer(log);
    const host = this;
    this.api = {
      session, store, log,
      get config() { return host.config; },
      bus: this.bus,
      panes: this.paneActions.api(),
      ipc: this.extensionIpc(),
      gates: this.gates,
      services: new ServiceDirectory(),
      mux: { kind: options.muxKind ?? 'tmux', tmuxSocket, tmuxCommand: options.driver.tmuxCommand?.bind(options.driver) },
    };
  }

  /**
   * The IPC registry the extensions get: methods they register are served on the socket and
   * can be called in-process by the other extensions (`call`), never over the host's own socket.
   */
  private extensionIpc(): HostIpc {
    const local = new Map<string, Parameters<HostIpc['register']>[1]>();
    const ipc = this.ipc;
    return {
      register(method, handler) {
        ipc.register(method, handler);
        local.set(method, handler);
      },
      async call(method, params) {
        const handler = local.get(method);
        if (!handler) throw new IpcMethodMissing(method);
        return handler(params, { notify: () => undefined, signal: new AbortController().signal });
      },
    };
  }

  /**
   * Runs a command line in the pane's shell and waits for it (paneActions.ts): `picode run`,
   * hooks' `run` actions and plugins' all come here.
   */
  run(paneRef: string, command: string, options: { origin: string; timeoutMs?: number; signal?: AbortSignal; force?: boolean }): Promise<RunResult> {
    return this.paneActions.run(paneRef, command, options);
  }

  get tmuxSocket(): string | undefined {
    return this.options.tmuxSocket;
  }

  /** Takes the lock, serves the socket, attaches, then starts the extensions. */
  async start(): Promise<void> {
    const { session, tmuxSocket, store, log, driver } = this.options;
    acquireHostLock(store.db, { session, tmuxSocket, socketPath: this.socketPath });
    this.lockHeld = true;
    this.stopRetention = startAgeRetention(store.db, this.options.config.host.retention.maxAgeDays,
      (error) => log.error('age-based retention failed', { error: error.message }));
    try {
      const resumed = this.bus.lastId > 0;
      registerHostMethods(this);
      // Observations made while attaching wait until session.started is out: it comes first.
      const early: MuxObservation[] = [];
      let attaching = true;
      try {
        await driver.observer.start((o) => (attaching ? early.push(o) : this.observe(o)));
      } catch (error) {
        throw new PicodeError(`cannot attach to the session ${describeSession(session, tmuxSocket)}: ${(error as Error).message}`, {
          hint: 'check that the session exists (`tmux ls`, with -L for a private server) and start it with `picode up`',
          exitCode: ExitCode.unavailable,
        });
      }
      this.bus.emit({
        type: 'session.started',
        data: {
          mux: this.options.muxKind ?? 'tmux', ...(tmuxSocket ? { tmuxSocket } : {}), pid: process.pid,
          panes: early.filter((o) => o.type === 'pane.opened').length, resumed,
        },
      });
      // What the panes printed while no host ran comes before what they print now (queued meanwhile).
      if (resumed) await this.recoverPanes(early);
      attaching = false;
      for (const o of early) this.observe(o);
      // Served once attached: a host that answers knows its panes (and a client that waited
      // for it, as tests and `up` do, never races the attach).
      await this.ipc.listen(this.socketPath, { session: this.options.session, tmuxSocket: this.options.tmuxSocket });
      const idleMs = this.options.config.host.idleMs;
      this.idleTimer = setInterval(() => this.checkIdle(idleMs), Math.max(25, Math.min(250, idleMs / 4)));
      log.info('host attached', { session, tmuxSocket, pid: process.pid, panes: this.panes.size, socket: this.socketPath });
      this.showNotifications();
      await this.startExtensions();
      // When the server died meanwhile, the observer is reporting session.stopped: not a failed start.
      await this.options.driver.enableFlowControl?.().catch((error: unknown) => {
        log.warn('flow control (pause-after) not enabled', { error: (error as Error).message });
      });
    } catch (error) {
      await this.cleanup();
      throw error;
    }
  }

  /** Stops the host: `session.stopped`, extensions stopped, logs flushed, lock released. */
  stop(reason: string, exitCode: number = ExitCode.ok): Promise<void> {
    if (!this.stopping) this.stopping = this.shutdown(reason, exitCode);
    return this.stopping;
  }

  /**
   * Loads the config files again and applies what changed: each extension takes the sections
   * it can apply while running (hooks, hook limits, watch roots...); the rest is reported as
   * needing a restart. An invalid config is refused (the error names the file and key) and the
   * running one is kept. Reloads run one at a time.
   */
  reload(): Promise<ReloadResult> {
    const next = this.reloading.catch(() => undefined).then(() => this.reloadNow());
    this.reloading = next;
    return next;
  }

  private async reloadNow(): Promise<ReloadResult> {
    if (!this.options.loadConfig) throw new PicodeError('this host cannot reload its config (it was started without config files)');
    let loaded: { config: PicodeConfig; files: readonly string[] };
    try {
      loaded = await this.options.loadConfig();
    } catch (error) {
      const message = error instanceof PicodeError ? error.message : (error as Error).message;
      this.bus.emit({ type: 'config.invalid', data: { error: message, ...(error instanceof PicodeError && error.hint ? { hint: error.hint } : {}) } });
      this.options.log.warn('config reload refused: the running config is kept', { error: message });
      throw error;
    }
    const before = this.config as unknown as Record<string, unknown>;
    const after = loaded.config as unknown as Record<string, unknown>;
    const changed = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])));
    this.config = loaded.config;
    const applied = new Set<string>();
    for (const { name, extension } of this.started) {
      if (!extension.reconfigure || changed.size === 0) continue;
      try {
        for (const section of await extension.reconfigure(loaded.config, changed)) applied.add(section);
      } catch (error) {
        this.extensionFailed(name, 'reconfigure', error);
      }
    }
    const result: ReloadResult = {
      files: loaded.files, changed: [...changed].sort(), applied: [...applied].sort(),
      needsRestart: [...changed].filter((k) => !applied.has(k)).sort(),
    };
    if (changed.size) {
      this.bus.emit({ type: 'config.reloaded', data: result });
      this.options.log.info('config reloaded', { ...result });
    }
    return result;
  }

  /** Brings the panes' details up to date (for listings); the observer reports opens and closes itself. */
  async refreshPanes(): Promise<void> {
    const fresh = await this.options.driver.relist?.().catch(() => undefined);
    for (const info of fresh ?? []) {
      const state = this.panes.get(info.id);
      if (state) state.info = info;
    }
  }

  paneStates(): PaneState[] {
    return [...this.panes.values()].sort(comparePanes);
  }

  /** Events from the store (pending ones are written first, so the list is complete). */
  listEvents(query: EventQuery): PicodeEvent[] {
    this.events.flush();
    return queryEvents(this.options.store.db, this.key, query);
  }

  stats(): {
    pid: number; session: string; tmuxSocket: string | undefined; startedAt: number; lastEventId: number; dropped: number; socket: string;
    capture?: CaptureStatus;
  } {
    const capture = this.options.driver.captureStatus?.();
    return {
      pid: process.pid, session: this.options.session, tmuxSocket: this.options.tmuxSocket, startedAt: this.startedAt,
      lastEventId: this.bus.lastId, dropped: this.dropped, socket: this.socketPath, ...(capture ? { capture } : {}),
    };
  }

  requirePane(idOrName: string): PaneState {
    const pane = this.findPane(idOrName);
    if (!pane) {
      const names = this.paneStates().map((p) => (p.info.name ? `${p.id} (${p.info.name})` : p.id)).join(', ');
      throw new PicodeError(`no pane "${idOrName}" in session ${describeSession(this.options.session, this.options.tmuxSocket)}`, {
        hint: `name a pane by its id or layout name: ${names || '(no panes)'}; \`picode panes\` lists them`,
      });
    }
    return pane;
  }

  /** The pane's role: from the layout (tmux pane option), else as announced by the view in it. */
  roleOf(paneId: string): string | undefined {
    return this.panes.get(paneId)?.info.role ?? this.announcedRoles.get(paneId);
  }

  /** A view running in a pane says so when it connects (Zellij has no pane options to carry roles). */
  announceView(paneId: string, role: string): void {
    if (viewRoles.has(role)) this.announcedRoles.set(paneId, role);
  }

  isView(paneId: string): boolean {
    const role = this.roleOf(paneId);
    return role !== undefined && viewRoles.has(role);
  }

  findPane(idOrName: string): PaneState | undefined {
    const byId = this.panes.get(idOrName);
    if (byId) return byId;
    return this.paneStates().find((p) => p.info.name === idOrName);
  }

  private observe(o: MuxObservation): void {
    switch (o.type) {
      case 'pane.output':
        this.panes.get(o.paneId)?.output(Buffer.isBuffer(o.data) ? o.data : Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength));
        return;
      case 'pane.opened': {
        const existing = this.panes.get(o.pane.id);
        if (existing) { existing.info = o.pane; return; }
        const resume = resumePoint(this.options.store.db, this.key, o.pane.id);
        const state = new PaneState(o.pane, resume.offset, {
          ...this.options.config.host.output, runOutputBytes: this.options.config.host.runOutputBytes,
        }, {
          // A view's redraws are picode talking to itself: not pane output for hooks and plugins.
          emit: (input) => { if (!(isOwnOutput(input.type) && this.isView(o.pane.id))) this.bus.emit(input); },
          log: (pane, offset, data) => this.outputLog.append(pane, offset, data),
        });
        this.panes.set(o.pane.id, state);
        this.bus.emit({ type: 'pane.opened', pane: o.pane.id, data: { pane: o.pane } });
        // Logged by a host that died before reporting them: reported now, not logged twice.
        if (resume.unreported.length > 0) state.output(resume.unreported, { logged: true });
        return;
      }
      case 'pane.closed': {
        const state = this.panes.get(o.paneId);
        if (!state) return;
        state.close();
        this.panes.delete(o.paneId);
        return;
      }
      case 'pane.resized': {
        const state = this.panes.get(o.paneId);
        if (state) state.info = { ...state.info, width: o.width, height: o.height };
        this.bus.emit({ type: 'pane.resized', pane: o.paneId, data: { width: o.width, height: o.height } });
        return;
      }
      case 'pane.focused':
        this.bus.emit({ type: 'pane.focused', pane: o.paneId, data: {} });
        return;
      case 'pane.output.dropped': {
        this.dropped++;
        const state = this.panes.get(o.paneId);
        state?.flush();
        const offset = state?.offset;
        // Counted bytes keep their place in the stream: offsets stay the pane's own.
        if (o.bytes !== undefined) state?.skip(o.bytes);
        this.bus.emit({
          type: 'pane.output.dropped', pane: o.paneId,
          data: { reason: o.reason, ...(o.bytes !== undefined ? { bytes: o.bytes } : {}), ...(offset !== undefined ? { offset } : {}) },
        });
        return;
      }
      case 'session.stopped':
        // The session (or the server) is gone, and its panes with it.
        for (const pane of this.panes.values()) pane.close();
        this.panes.clear();
        void this.stop(o.reason);
        return;
    }
  }

  /**
   * Output printed while no host ran, read back from tmux's history (host/daemon/recovery.ts), for
   * the captures that do not keep it (the spool does): delivered as the pane's output from where
   * the record ended, or reported as a gap. Live output waits in `early` meanwhile.
   */
  private async recoverPanes(early: readonly MuxObservation[]): Promise<void> {
    if ((this.options.muxKind ?? 'tmux') !== 'tmux' || this.config.host.capture === 'spool') return;
    const { isRecordedPane, recordedEnd, recover } = await import('./recovery.js');
    const recorded = new Set<string>();
    for (const o of early) {
      if (o.type !== 'pane.opened') continue;
      if (isRecordedPane(this.options.store.db, this.key, o.pane)) recorded.add(o.pane.id);
      this.observe(o);
    }
    for (const state of [...this.panes.values()].filter((p) => recorded.has(p.id))) {
      const offset = state.offset;
      const end = recordedEnd(this.options.store.db, this.key, state.id, offset);
      let history: string;
      try {
        history = await this.options.driver.capture(state.id, 1_000_000, false);
      } catch (error) {
        this.options.log.warn('reading a pane\'s history failed: what it printed while no host ran is not recovered', { pane: state.id, error: (error as Error).message });
        continue;
      }
      const live = early.flatMap((e) => (e.type === 'pane.output' && e.paneId === state.id ? [Buffer.from(e.data)] : []));
      const recovery = recover(history, end, Buffer.concat(live));
      if (recovery.kind === 'recovered') {
        const text = Buffer.from(recovery.text);
        this.bus.emit({ type: 'pane.recovered', pane: state.id, data: { offset, bytes: text.length, lines: recovery.lines } });
        state.output(text);
        state.flush();
      } else if (recovery.kind === 'gap') {
        this.bus.emit({ type: 'pane.gap', pane: state.id, data: { offset, estimatedBytes: recovery.estimatedBytes, reason: recovery.reason } });
      }
    }
  }

  /** Notifications (plugins' notify, hooks' notify and ask) reach the person: a message and the status line. */
  private showNotifications(): void {
    const notify = this.options.driver.notify;
    if (!notify) return;
    this.bus.subscribe({ types: ['notification'] }, (event) => {
      const data = event.data as { level?: string; title?: string; message?: string; source?: string };
      notify(formatNotification(data)).catch((error: Error) => this.options.log.debug('showing a notification failed', { error: error.message }));
    });
  }

  private checkIdle(idleMs: number): void {
    const now = Date.now();
    for (const pane of this.panes.values()) {
      if (!pane.idleReported && now - pane.lastOutputAt >= idleMs) {
        pane.idleReported = true;
        if (this.isView(pane.id)) continue;
        this.bus.emit({ type: 'pane.idle', pane: pane.id, data: { idleMs, offset: pane.offset } });
      }
    }
  }

  private async startExtensions(): Promise<void> {
    for (const entry of this.options.extensions ?? []) {
      let extension: HostExtension;
      try {
        extension = await entry.load();
      } catch (error) {
        this.extensionFailed(entry.name, 'load', error);
        continue;
      }
      try {
        await extension.start(this.api);
        this.started.push({ name: entry.name, extension });
        this.options.log.info('extension started', { extension: entry.name });
      } catch (error) {
        this.extensionFailed(entry.name, 'start', error);
        // A half-started extension may hold resources: give it the chance to release them.
        await extension.stop().catch(() => undefined);
      }
    }
  }

  private extensionFailed(name: string, phase: 'load' | 'start' | 'stop' | 'reconfigure', error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.log.error(`extension ${name} failed to ${phase}`, { error: error instanceof Error ? (error.stack ?? message) : message });
    this.bus.emit({ type: 'host.extension.failed', data: { extension: name, phase, error: message } });
  }

  private async shutdown(reason: string, exitCode: number): Promise<void> {
    const { log } = this.options;
    log.info('host stopping', { reason });
    if (this.idleTimer) clearInterval(this.idleTimer);
    // The panes live on (the host stops, not the session): flush them and release waiting runs.
    for (const pane of this.panes.values()) pane.detach();
    this.bus.emit({ type: 'session.stopped', data: { reason } });
    // Let subscribers (hooks on session.stopped) see it before their extensions stop.
    await new Promise((r) => setImmediate(r));
    for (const { name, extension } of this.started.reverse()) {
      try {
        await withTimeout(extension.stop(), 5000, `extension ${name} did not stop within 5 s`);
      } catch (error) {
        this.extensionFailed(name, 'stop', error);
      }
    }
    await this.options.driver.observer.stop().catch(() => undefined);
    await this.cleanup();
    log.info('host stopped', { reason });
    this.resolveDone({ exitCode, reason });
  }

  private async cleanup(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.stopRetention();
    this.events.flush();
    this.outputLog.flush();
    await this.ipc.close();
    if (this.lockHeld) {
      releaseHostLock(this.options.store.db, this.options.session, this.options.tmuxSocket);
      this.lockHeld = false;
    }
  }

}

/** Events that report what a pane printed (a view's are its own redraws). */
function isOwnOutput(type: string): boolean {
  return type === 'pane.output' || type === 'pane.idle';
}

function comparePanes(a: PaneState, b: PaneState): number {
  const wa = Number(a.info.windowId.replace(/\D/g, '')), wb = Number(b.info.windowId.replace(/\D/g, ''));
  return wa - wb || a.info.index - b.info.index;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

