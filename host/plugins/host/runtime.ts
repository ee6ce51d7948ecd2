import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { PicodeEvent } from '../../bus/envelope.js';
import type { BusApi, GateDecision, GateRegistry, HostLogger, PanesApi, Unsubscribe } from '../../api/hostApi.js';
import type { PluginEntryConfig, PluginPermission, PluginsConfig } from '../../config/sections/plugins.js';
import type { Database } from '../../store/db.js';
import { PicodeError } from '../../core/errors.js';
import { checkActions, checkContextItems } from './actions.js';
import { applyPluginAction } from './actionKinds.js';
import { explainAmbientUse } from './ambientUse.js';
import { PluginRecorder } from './pluginRecorder.js';
import { PluginSettings } from './pluginSettings.js';
import { createCapabilityHandler, type CompletionRequest, type LogLevel } from './capabilities.js';
import { checkGrants, permissionInterface } from './grants.js';
import { compileCoreModules, transpileCachedFile } from '../build/loader.js';
import { discoverPlugins, expandHome, type PluginManifest } from '../manifest.js';
import { emptyStats, memoryKv, pluginKv, writePluginStatus, type PluginStats } from './state.js';
import { PluginCallError, PluginSupervisor, defaultLimits, type SupervisorStatus, type WireEvent } from './supervisor.js';
import { PluginWorkerPool, prepareWorker } from './workerPool.js';
import type { Action, ContextItem, ContextRequest, Description, Tool } from '../witTypes.js';

/**
 * The plugin runtime: finds plugins, checks their grants, loads each into its own supervised
 * worker, routes bus events to them, applies their actions, registers the gates they ask
 * for, and serves context and tools to the rest of picode. It runs inside the host
 * (extension.ts) and, without panes or bus, in `picode plugin test` and the benchmarks.
 */

export interface RuntimeEnvironment {
  readonly session: string;
  readonly db: Database | undefined;
  readonly bus: BusApi | undefined;
  readonly panes: PanesApi | undefined;
  readonly gates: GateRegistry | undefined;
  readonly log: HostLogger;
  readonly config: PluginsConfig | undefined;
  /** Directory of the transpile cache. */
  readonly cacheDir: string;
  /** Default root of fs-read and git (the session's working directory). */
  readonly cwd: string;
  readonly complete: ((plugin: string, request: CompletionRequest) => Promise<string>) | undefined;
  /** Called for each log line of a plugin (besides the store), e.g. to print it in `plugin test`. */
  readonly onPluginLog?: (plugin: string, level: LogLevel, message: string) => void;
}

export type PluginState = 'running' | 'restarting' | 'failed' | 'disabled' | 'refused' | 'not-built' | 'stopped' | 'starting';

export interface PluginStatus {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly shipped: boolean;
  readonly state: PluginState;
  readonly detail: string | undefined;
  readonly statusLine: string | undefined;
  readonly permissions: readonly PluginPermission[];
  readonly granted: readonly PluginPermission[];
  readonly events: readonly string[];
  readonly gates: readonly string[];
  readonly tools: readonly string[];
  readonly contextProviders: readonly string[];
  readonly queued: number;
  readonly stats: PluginStats;
  /** Disabled after repeated failures: when it is tried again (epoch ms). */
  readonly retryAt?: number;
  /** Throttled under load: batches and their deadline are this many times the configured ones. */
  readonly throttle?: number;
}

export interface DeliveryResult {
  readonly actions: Action[];
  readonly decision?: GateDecision;
}

export interface PluginTool {
  readonly plugin: string;
  readonly name: string;
  readonly description: string;
  readonly inputSchema: unknown;
}

interface Loaded {
  readonly manifest: PluginManifest;
  readonly supervisor: PluginSupervisor;
  readonly grants: ReadonlySet<PluginPermission>;
  readonly description: Description;
  readonly entry: PluginEntryConfig | undefined;
  readonly maxActions: number;
  readonly unsubscribe: Unsubscribe[];
  /** Ids of the events this plugin emitted: never delivered back to it (no loops). */
  readonly emitted: Set<number>;
  /** Items added with the add-context action, by source (latest wins). */
  readonly contextPool: Map<string, ContextItem>;
  statusLine: string | undefined;
  /** The status line changed since it was last written to the store (written by flush). */
  statusLineDirty: boolean;
  /** Counters since the plugin was loaded (kept across hot reloads). */
  totals: PluginStats;
  /** Counters the runtime keeps itself (actions, rejected) not yet written to the store. */
  pending: PluginStats;
}

interface Unloaded {
  readonly manifest: PluginManifest;
  readonly state: PluginState;
  readonly detail: string | undefined;
}

const maxPoolItems = 50;
const maxWireData = 1 << 20;

function matches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : p === type));
}

export function toWireEvent(event: PicodeEvent): WireEvent {
  let data = JSON.stringify(event.data ?? null) ?? 'null';
  if (data.length > maxWireData) data = JSON.stringify({ truncated: true, bytes: data.length });
  return { id: event.id, type: event.type, time: event.time, pane: event.pane, paneName: event.paneName, data };
}

export class PluginRuntime {
  private readonly loaded = new Map<string, Loaded>();
  private readonly unloaded = new Map<string, Unloaded>();
  private readonly recorder: PluginRecorder;
  private readonly settings: PluginSettings;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly loading = new Map<string, Promise<void>>();
  private readonly lastDropReport = new Map<string, number>();
  private readonly workers = new PluginWorkerPool();
  private allLoaded: Promise<void> = Promise.resolve();

  constructor(private readonly env: RuntimeEnvironment) {
    this.settings = new PluginSettings(env.db, env.config);
    this.recorder = new PluginRecorder(env);
    this.flushTimer = setInterval(() => this.flush(), 1000);
    this.flushTimer.unref();
  }

  /**
   * Loads every enabled plugin (or those `only` picks: the gating plugins of a command that
   * runs without a host); a plugin that cannot load is reported, never fatal.
   */
  loadAll(only?: (manifest: PluginManifest) => boolean): Promise<void> {
    const { plugins, problems } = discoverPlugins({ dirs: this.settings.config?.dirs, cwd: this.env.cwd });
    for (const p of problems) this.env.log.warn(`plugin directory skipped: ${p.message}`, { dir: p.dir });
    this.allLoaded = Promise.all(plugins.filter((m) => !only || only(m)).map((m) => this.loadManifest(m).catch(() => { /* status recorded */ }))).then(() => undefined);
    return this.allLoaded;
  }

  /**
   * Applies a changed `plugins` section to the running plugins: each plugin whose entry or the
   * defaults changed is loaded again (keeping its kv), which applies enable/disable, grants,
   * roots and limits; a plugin a new directory brings is loaded. Resolves with the names of
   * the plugins it reloaded.
   */
  async reconfigure(config: PluginsConfig | undefined): Promise<string[]> {
    const changes = this.settings.replace(config);
    const { plugins } = discoverPlugins({ dirs: config?.dirs, cwd: this.env.cwd });
    const known = new Set([...this.loaded.keys(), ...this.unloaded.keys()]);
    const affected = plugins.filter((m) => !known.has(m.name) || changes(m.name));
    await Promise.all(affected.map((m) => this.loadManifest(m).catch(() => { /* status recorded */ })));
    return affected.map((m) => m.name);
  }

  /**
   * Whether a plugin's gate is in place, once its loading (and loadAll) has settled: `gating`
   * when it runs and its gate is registered, `disabled` when the user turned it off, else
   * `unavailable` with why. The required-gates guard (host/llm/requiredGates.ts) refuses a
   * blocking event a declared gate cannot decide.
   */
  /** Whether a plugin's gate is registered right now (no waiting). */
  isGating(name: string): boolean {
    return (this.loaded.get(name)?.description.gates.length ?? 0) > 0;
  }

  async gateState(manifest: PluginManifest): Promise<{ state: 'gating' | 'disabled' | 'unavailable'; detail?: string }> {
    await this.allLoaded;
    await this.loading.get(manifest.name)?.catch(() => undefined);
    // A loaded plugin's own gate decides, with its gateFailure verdict when it has failed since.
    if (this.loaded.has(manifest.name)) return { state: 'gating' };
    if (!this.settings.isEnabled(manifest)) return { state: 'disabled' };
    const un = this.unloaded.get(manifest.name);
    return { state: 'unavailable', detail: un?.detail ?? `it is ${un?.state ?? 'not loaded'}` };
  }

  /** Loads (or reloads, keeping kv) one plugin from its manifest. Rejects with a PicodeError. */
  loadManifest(manifest: PluginManifest, options: { force?: boolean } = {}): Promise<void> {
    const previous = this.loading.get(manifest.name) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.doLoad(manifest, options.force === true));
    this.loading.set(manifest.name, next);
    return next;
  }

  /** Plugins restarting or retrying: their next `ready` is reported as running again. */
  private readonly recovering = new Set<string>();

  private setUnloaded(manifest: PluginManifest, state: PluginState, detail: string | undefined): void {
    this.unloaded.set(manifest.name, { manifest, state, detail });
    if (this.env.db) writePluginStatus(this.env.db, manifest.name, state, detail);
    if (state === 'refused' || state === 'failed') this.env.log.warn(`plugin ${manifest.name} ${state}: ${detail ?? ''}`);
  }

  private async doLoad(manifest: PluginManifest, force: boolean): Promise<void> {
    const name = manifest.name;
    if (!force && !this.settings.isEnabled(manifest)) {
      await this.unload(name);
      this.setUnloaded(manifest, 'disabled', 'disabled (picode plugin enable ' + name + ')');
      return;
    }
    if (!existsSync(manifest.component)) {
      await this.unload(name);
      const detail = `no component at ${manifest.component}`;
      this.setUnloaded(manifest, 'not-built', detail);
      throw new PicodeError(`plugin ${name} is not built: ${detail}`, { hint: `build it with: picode plugin build ${manifest.dir}` });
    }
    const entry = this.settings.entryOf(name);
    const grants = this.settings.grantsOf(manifest);
    // The worker thread boots on the other core while this one hashes and compiles the component.
    let reserved: Worker | undefined = this.workers.take();
    let supervisor: PluginSupervisor | undefined;
    try {
      const transpiled = await transpileCachedFile(manifest.component, this.env.cacheDir);
      const needed = checkGrants(name, transpiled.imports, grants);
      prepareWorker(reserved, transpiled.jsFile);
      const modules = await compileCoreModules(transpiled, this.settings.limit(entry, 'memoryMiB'));
      const roots = (entry?.roots ?? [this.env.cwd]).map((r) => resolve(this.env.cwd, expandHome(r)));
      const kv = this.env.db ? pluginKv(this.env.db, name) : memoryKv();
      const hostCall = createCapabilityHandler({
        plugin: name,
        grants,
        roots,
        kv,
        panes: this.env.panes,
        log: (level, message) => this.recorder.log(name, level, message),
        notify: (level, title, body) => this.recorder.notify(name, level, title, body),
        complete: this.env.complete ? (request) => this.env.complete!(name, request) : undefined,
        llmBudget: { maxTokensPerCall: entry?.llm?.maxTokensPerCall ?? 1024, maxCallsPerHour: entry?.llm?.maxCallsPerHour ?? 30 },
      });
      let loaded: Loaded | undefined;
      supervisor = new PluginSupervisor({
        plugin: name,
        explain: (message) => explainAmbientUse(message, manifest.source, manifest.dir),
        jsFile: transpiled.jsFile,
        modules,
        interfaces: needed.map(permissionInterface),
        limits: {
          eventDeadlineMs: this.settings.limit(entry, 'eventDeadlineMs'),
          callDeadlineMs: this.settings.limit(entry, 'callDeadlineMs'),
          initDeadlineMs: defaultLimits.initDeadlineMs,
          queueSize: this.settings.limit(entry, 'queueSize'),
          batchSize: this.settings.limit(entry, 'batchSize'),
          maxFailures: this.settings.limit(entry, 'maxFailures'),
          failureWindowMs: this.settings.limit(entry, 'failureWindowMs'),
          cooldownMs: this.settings.limit(entry, 'cooldownMs'),
        },
        hostCall,
        onActions: (actions) => { if (loaded) this.applyActions(loaded, actions, false); },
        onStatus: (state, detail) => this.onSupervisorStatus(name, state, detail),
        workers: this.workers,
      });
      const worker = reserved;
      reserved = undefined;
      const description = normaliseDescription(await supervisor.start(worker), manifest);
      const undeclared = description.gates.filter((g) => !manifest.gates.includes(g) && (g.endsWith('*') || !matches(manifest.gates, g)));
      if (undeclared.length > 0) {
        throw new PicodeError(`plugin ${name} gates ${undeclared.join(', ')}, which its package.json does not declare`, {
          hint: `add "gates": ${JSON.stringify(description.gates)} to picodePlugin in ${join(manifest.dir, 'package.json')} (commands that run without a host load only declared gates)`,
        });
      }
      loaded = {
        manifest, supervisor, grants, description, entry,
        maxActions: this.settings.limit(entry, 'maxActions'),
        unsubscribe: [], emitted: new Set(), contextPool: new Map(), statusLine: undefined, statusLineDirty: false, totals: emptyStats(), pending: emptyStats(),
      };
      // Swap (hot reload): only once the new instance is ready, and in one synchronous step
      // (the bus delivers on a later turn), so no event falls between the two; the events
      // still queued for the old one move to the new one, the counters and context carry over.
      const old = this.loaded.get(name);
      let carried: WireEvent[] = [];
      if (old) {
        for (const u of old.unsubscribe.splice(0)) u();
        carried = old.supervisor.drainQueue();
        loaded.totals = old.totals;
        loaded.statusLine = old.statusLine;
        loaded.statusLineDirty = old.statusLineDirty;
        for (const [k, v] of old.contextPool) loaded.contextPool.set(k, v);
      }
      this.loaded.set(name, loaded);
      this.unloaded.delete(name);
      this.subscribe(loaded);
      if (carried.length > 0) loaded.supervisor.enqueue(carried);
      if (old) await this.stopLoaded(old, 'was replaced by its new version (hot reload): ask again');
      if (this.env.db) writePluginStatus(this.env.db, name, 'running', undefined);
      this.env.bus?.emit({ type: 'plugin.loaded', data: { plugin: name, version: manifest.version, permissions: needed } });
    } catch (error) {
      if (reserved) this.workers.giveBack(reserved);
      await supervisor?.stop();
      const refused = error instanceof PicodeError;
      const message = error instanceof Error ? error.message : String(error);
      if (!this.loaded.has(name)) this.setUnloaded(manifest, refused ? 'refused' : 'failed', message);
      this.env.bus?.emit({ type: 'plugin.failed', data: { plugin: name, reason: message } });
      throw refused ? error : new PicodeError(`plugin ${name} could not be loaded: ${message}`, {
        hint: `rebuild it (picode plugin build ${manifest.dir}) and see picode plugin logs ${name}`,
      });
    }
  }

  private subscribe(loaded: Loaded): void {
    const { bus, gates } = this.env;
    const { description, supervisor } = loaded;
    if (bus && description.events.length > 0) {
      loaded.unsubscribe.push(bus.subscribe({ types: description.events }, (event) => {
        if (loaded.emitted.delete(event.id)) return;
        if (description.gates.length > 0 && matches(description.gates, event.type)) return; // handled by the gate
        this.countDrops(loaded, supervisor.enqueue([toWireEvent(event)]));
      }));
    }
    if (gates && description.gates.length > 0) {
      loaded.unsubscribe.push(gates.register(`plugin:${loaded.manifest.name}`, async (event) => {
        if (!matches(description.gates, event.type)) return undefined;
        return (await this.runGate(loaded, event)).decision;
      }));
    }
  }

  private countDrops(loaded: Loaded, dropped: number): void {
    if (dropped === 0) return;
    const name = loaded.manifest.name;
    const now = Date.now();
    if (now - (this.lastDropReport.get(name) ?? 0) > 5000) {
      this.lastDropReport.set(name, now);
      this.recorder.log(name, 'warn', `event queue full (${loaded.supervisor.queued} waiting): dropping the oldest events`);
      this.env.bus?.emit({ type: 'plugin.dropped', data: { plugin: name, queued: loaded.supervisor.queued } });
    }
  }

  private onSupervisorStatus(name: string, state: SupervisorStatus, detail: string | undefined): void {
    const retryAt = state === 'failed' ? this.loaded.get(name)?.supervisor.retryAt : undefined;
    const report = (reported: 'restarting' | 'throttled' | 'eased' | 'failed' | 'retrying' | 'running'): void => {
      this.env.bus?.emit({ type: 'plugin.state', data: { plugin: name, state: reported, ...(detail ? { detail } : {}), ...(retryAt ? { retryAt } : {}) } });
    };
    switch (state) {
      case 'ready': {
        if (this.env.db && this.loaded.has(name)) writePluginStatus(this.env.db, name, 'running', undefined);
        // Started again after a restart or a retry (the first start is plugin.loaded).
        if (this.recovering.delete(name)) {
          this.recorder.log(name, 'info', 'running again');
          report('running');
        }
        return;
      }
      case 'restarting':
        this.recorder.log(name, 'error', `restarting: ${detail ?? ''}`);
        if (this.env.db) writePluginStatus(this.env.db, name, 'restarting', detail);
        this.recovering.add(name);
        report('restarting');
        return;
      case 'throttled':
      case 'eased':
        this.recorder.log(name, 'warn', `${state}: ${detail ?? ''}`);
        if (state === 'throttled') {
          if (this.env.db) writePluginStatus(this.env.db, name, 'restarting', detail);
          this.recovering.add(name);
        }
        report(state);
        return;
      case 'retrying':
        this.recorder.log(name, 'info', `retrying ${detail ?? ''}`);
        if (this.env.db) writePluginStatus(this.env.db, name, 'restarting', detail);
        this.recovering.add(name);
        report('retrying');
        return;
      case 'failed': {
        const when = retryAt ? `; retried at ${new Date(retryAt).toISOString().slice(11, 19)} UTC (or \`picode plugin enable ${name}\`)` : '';
        this.recorder.log(name, 'error', `disabled after repeated failures: ${detail ?? ''}${when}`);
        if (this.env.db) writePluginStatus(this.env.db, name, 'failed', detail);
        this.env.bus?.emit({ type: 'plugin.failed', data: { plugin: name, reason: detail ?? 'failed' } });
        report('failed');
        return;
      }
      default:
        return;
    }
  }

  /**
   * Asks a gate plugin for its verdict on a blocking event. The call has the gate deadline
   * (gateDeadlineMs, default 1 s: the decision precedes an LLM call or a tool run that takes
   * seconds, so a loaded machine must not turn a slow verdict into a denial), not the
   * on-event one. A plugin that cannot decide (deadline, trap, disabled after repeated
   * failures) gets its `gateFailure` verdict, deny by default, with a reason that tells the
   * user which plugin blocked and what to do about it.
   */
  private async runGate(loaded: Loaded, event: PicodeEvent): Promise<DeliveryResult> {
    const deadlineMs = this.settings.limit(loaded.entry, 'gateDeadlineMs');
    try {
      const raw = await loaded.supervisor.call('on-event', [toWireEvent(event)], deadlineMs);
      return this.applyActions(loaded, raw, true);
    } catch (error) {
      const failure = loaded.entry?.gateFailure ?? 'deny';
      const reason = gateFailureReason(loaded.manifest.name, event.type, failure, deadlineMs, error);
      this.recorder.log(loaded.manifest.name, 'error', reason);
      return { actions: [], decision: { decision: failure, reason } };
    }
  }

  /** Applies checked actions; returns them with the gate decision (last `decide` wins). */
  private applyActions(loaded: Loaded, raw: unknown, gate: boolean): DeliveryResult {
    const name = loaded.manifest.name;
    const { actions, rejected } = checkActions(raw, loaded.grants, loaded.maxActions);
    loaded.pending.actions += actions.length;
    loaded.pending.rejected += rejected.length;
    if (rejected.length > 0) {
      const sample = rejected.slice(0, 3).map((r) => `${r.tag}: ${r.reason}`).join('; ');
      this.recorder.log(name, 'warn', `rejected ${rejected.length} action(s): ${sample}`);
    }
    let decision: GateDecision | undefined;
    for (const action of actions) {
      try {
        decision = this.applyAction(loaded, action, gate) ?? decision;
      } catch (error) {
        this.recorder.log(name, 'warn', `action ${action.tag} failed: ${(error as Error).message}`);
      }
    }
    return decision ? { actions, decision } : { actions };
  }

  private applyAction(loaded: Loaded, action: Action, gate: boolean): GateDecision | undefined {
    const name = loaded.manifest.name;
    const { panes, bus } = this.env;
    return applyPluginAction(action, {
      plugin: name,
      origin: `plugin:${name}`,
      gate,
      panes,
      emit: (event) => {
        if (!bus) return undefined;
        const emitted = bus.emit(event);
        loaded.emitted.add(emitted.id);
        if (loaded.emitted.size > 10_000) loaded.emitted.clear();
        return emitted;
      },
      notify: (level, title, body) => this.recorder.notify(name, level, title, body),
      addContext: (item) => {
        loaded.contextPool.delete(item.source);
        loaded.contextPool.set(item.source, item);
        while (loaded.contextPool.size > maxPoolItems) loaded.contextPool.delete(loaded.contextPool.keys().next().value!);
      },
      // Kept in memory (what a running host shows) and written to the store with the counters
      // (flush, every second): a plugin setting its status on every event must not cost a
      // SQLite write per event.
      setStatus: (text) => {
        if (loaded.statusLine === text) return;
        loaded.statusLine = text;
        loaded.statusLineDirty = true;
      },
      failed: (what) => (error) => this.recorder.log(name, 'warn', `${what} failed: ${(error as Error).message}`),
    });
  }


  /** Writes buffered logs and stats to the store. */
  flush(): void {
    for (const loaded of this.loaded.values()) this.recorder.absorb(loaded);
    this.recorder.flushLogs();
  }

  // ---- what the rest of picode uses -------------------------------------------------------

  /** Names of loaded plugins. */
  names(): string[] {
    return [...this.loaded.keys()].sort();
  }

  description(plugin: string): Description | undefined {
    return this.loaded.get(plugin)?.description;
  }

  private get(plugin: string): Loaded {
    const loaded = this.loaded.get(plugin);
    if (!loaded) {
      const un = this.unloaded.get(plugin);
      throw new PicodeError(`plugin ${plugin} is not running${un ? ` (${un.state}: ${un.detail ?? ''})` : ''}`, {
        hint: un?.state === 'disabled' ? `enable it with: picode plugin enable ${plugin}` : 'see picode plugin list',
      });
    }
    return loaded;
  }

  /**
   * Delivers one event to a plugin now (ahead of its queue) and applies its actions with the
   * plugin's grants; returns the actions and, for a blocking event, the plugin's decision.
   * This is how a hook targets a WASM plugin.
   */
  async deliver(plugin: string, event: PicodeEvent): Promise<DeliveryResult> {
    const loaded = this.get(plugin);
    if (matches(loaded.description.gates, event.type)) return this.runGate(loaded, event);
    const raw = await loaded.supervisor.call('on-event', [toWireEvent(event)], this.settings.limit(loaded.entry, 'eventDeadlineMs'));
    return this.applyActions(loaded, raw, false);
  }

  /** Delivers a batch through the plugin's ordered queue (what the bus does); for tests and benchmarks. */
  enqueue(plugin: string, events: readonly PicodeEvent[]): number {
    const loaded = this.get(plugin);
    const dropped = loaded.supervisor.enqueue(events.map(toWireEvent));
    this.countDrops(loaded, dropped);
    return dropped;
  }

  /** Runs on-event on a batch and returns the raw checked actions without applying them (plugin test). */
  async dryRun(plugin: string, events: readonly PicodeEvent[]): Promise<{ actions: Action[]; rejected: Array<{ tag: string; reason: string }> }> {
    const loaded = this.get(plugin);
    const raw = await loaded.supervisor.call('on-event', events.map(toWireEvent), this.settings.limit(loaded.entry, 'eventDeadlineMs'));
    return checkActions(raw, loaded.grants, loaded.maxActions);
  }

  /** Context from every plugin with context providers (or the named ones), each within the budget. */
  async gatherContext(request: { task?: string; tokenBudget: number; targets?: readonly string[]; plugins?: readonly string[] }): Promise<ContextItem[]> {
    const wit: ContextRequest = { task: request.task ?? '', tokenBudget: Math.max(0, Math.floor(request.tokenBudget)), targets: [...(request.targets ?? [])] };
    const chosen = [...this.loaded.values()].filter((l) => (request.plugins ? request.plugins.includes(l.manifest.name) : true));
    const results = await Promise.all(chosen.map(async (loaded) => {
      const name = loaded.manifest.name;
      const pooled = [...loaded.contextPool.values()];
      let gathered: unknown = [];
      if (loaded.description.contextProviders.length > 0) {
        try {
          gathered = await loaded.supervisor.call('gather-context', wit, this.settings.limit(loaded.entry, 'callDeadlineMs'));
        } catch (error) {
          this.recorder.log(name, 'warn', `gather-context failed: ${(error as Error).message}`);
        }
      }
      const { items, rejected } = checkContextItems([...(Array.isArray(gathered) ? gathered : []), ...pooled], name, wit.tokenBudget);
      if (rejected > 0) loaded.pending.rejected += rejected;
      return items;
    }));
    return results.flat();
  }

  listTools(): PluginTool[] {
    return [...this.loaded.values()].flatMap((l) => l.description.tools.map((t: Tool) => ({
      plugin: l.manifest.name, name: t.name, description: t.description, inputSchema: parseSchema(t.inputSchema),
    })));
  }

  async callTool(plugin: string, tool: string, argsJson: string): Promise<string> {
    const loaded = this.get(plugin);
    if (!loaded.description.tools.some((t) => t.name === tool)) {
      throw new PicodeError(`plugin ${plugin} has no tool ${tool}`, { hint: `its tools: ${loaded.description.tools.map((t) => t.name).join(', ') || '(none)'}` });
    }
    try {
      const result = await loaded.supervisor.call('call-tool', { name: tool, args: argsJson }, this.settings.limit(loaded.entry, 'callDeadlineMs'));
      return typeof result === 'string' ? result : JSON.stringify(result);
    } catch (error) {
      if (error instanceof PluginCallError && error.kind === 'plugin-error') throw new Error(`tool ${plugin}/${tool} failed: ${error.message}`);
      throw error;
    }
  }

  list(): PluginStatus[] {
    const { plugins } = discoverPlugins({ dirs: this.settings.config?.dirs, cwd: this.env.cwd });
    const manifests = new Map(plugins.map((m) => [m.name, m]));
    for (const l of this.loaded.values()) manifests.set(l.manifest.name, l.manifest);
    for (const u of this.unloaded.values()) if (!manifests.has(u.manifest.name)) manifests.set(u.manifest.name, u.manifest);
    return [...manifests.values()].sort((a, b) => a.name.localeCompare(b.name)).map((m) => this.statusOf(m));
  }

  private statusOf(manifest: PluginManifest): PluginStatus {
    const loaded = this.loaded.get(manifest.name);
    const base = {
      name: manifest.name, version: manifest.version, dir: manifest.dir, shipped: manifest.shipped,
      granted: [...this.settings.grantsOf(manifest)].sort(),
    };
    if (loaded) {
      const sup = loaded.supervisor;
      this.recorder.absorb(loaded);
      const state: PluginState = sup.state === 'ready' ? 'running' : sup.state === 'restarting' ? 'restarting' : sup.state === 'failed' ? 'failed' : sup.state === 'stopped' ? 'stopped' : 'starting';
      return {
        ...base,
        state,
        detail: state === 'running' ? undefined : sup.failureDetail,
        statusLine: loaded.statusLine,
        permissions: [...manifest.permissions],
        events: loaded.description.events,
        gates: loaded.description.gates,
        tools: loaded.description.tools.map((t) => t.name),
        contextProviders: loaded.description.contextProviders,
        queued: sup.queued,
        stats: { ...loaded.totals },
        ...(sup.retryAt !== undefined ? { retryAt: sup.retryAt } : {}),
        ...(sup.loadFactor > 1 ? { throttle: sup.loadFactor } : {}),
      };
    }
    const un = this.unloaded.get(manifest.name);
    return {
      ...base,
      state: un?.state ?? 'stopped',
      detail: un?.detail,
      statusLine: undefined,
      permissions: [...manifest.permissions],
      events: [], gates: [], tools: [], contextProviders: [],
      queued: 0,
      stats: emptyStats(),
    };
  }

  /** Stops a plugin (disable). */
  async unload(plugin: string): Promise<void> {
    const loaded = this.loaded.get(plugin);
    if (!loaded) return;
    this.loaded.delete(plugin);
    await this.stopLoaded(loaded);
    this.unloaded.set(plugin, { manifest: loaded.manifest, state: 'stopped', detail: undefined });
  }

  private async stopLoaded(loaded: Loaded, why?: string): Promise<void> {
    for (const u of loaded.unsubscribe.splice(0)) u();
    this.recorder.absorb(loaded);
    await loaded.supervisor.stop(why);
  }

  /** The manifest of a known plugin (loaded or not). */
  manifestOf(plugin: string): PluginManifest | undefined {
    return this.loaded.get(plugin)?.manifest ?? this.unloaded.get(plugin)?.manifest
      ?? discoverPlugins({ dirs: this.settings.config?.dirs, cwd: this.env.cwd }).plugins.find((m) => m.name === plugin);
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    for (const name of [...this.loaded.keys()]) {
      const loaded = this.loaded.get(name)!;
      this.loaded.delete(name);
      await this.stopLoaded(loaded);
      if (this.env.db) writePluginStatus(this.env.db, name, 'stopped', undefined);
    }
    await this.workers.stop();
    this.flush();
  }
}

/** Why a gate plugin's verdict was its gateFailure one: which plugin, what happened, what to do. */
export function gateFailureReason(plugin: string, type: string, failure: 'allow' | 'deny', deadlineMs: number, error: unknown): string {
  const verdict = failure === 'deny' ? 'denied (fail closed)' : 'allowed (gateFailure: allow)';
  const kind = error instanceof PluginCallError ? error.kind : 'crash';
  const message = error instanceof Error ? error.message : String(error);
  if (kind === 'timeout') {
    return `plugin ${plugin} did not decide on ${type} within its ${deadlineMs} ms gate deadline, so ${type} was ${verdict}; `
      + `if the machine is just busy, raise plugins.entries.${plugin}.gateDeadlineMs; picode plugin list shows its state`;
  }
  if (kind === 'unavailable') {
    return `${message}; it gates ${type}, so ${type} was ${verdict}; `
      + `see why with picode plugin logs ${plugin}, then restart it with picode plugin enable ${plugin} (or disable it: picode plugin disable ${plugin})`;
  }
  return `plugin ${plugin} could not decide on ${type} (${message}), so ${type} was ${verdict}; `
    + `see picode plugin logs ${plugin} and picode plugin list for its state`;
}

function parseSchema(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { type: 'object' };
  }
}

function normaliseDescription(raw: unknown, manifest: PluginManifest): Description {
  const d = (raw ?? {}) as Partial<Description>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string').slice(0, 100) : []);
  const tools = Array.isArray(d.tools) ? d.tools.filter((t): t is Tool => typeof t?.name === 'string' && typeof t.description === 'string').slice(0, 50) : [];
  return {
    name: typeof d.name === 'string' ? d.name : manifest.name,
    version: typeof d.version === 'string' ? d.version : manifest.version,
    summary: typeof d.summary === 'string' ? d.summary.slice(0, 500) : '',
    events: strings(d.events),
    gates: strings(d.gates),
    contextProviders: strings(d.contextProviders),
    tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: typeof t.inputSchema === 'string' ? t.inputSchema : '{}' })),
  };
}

