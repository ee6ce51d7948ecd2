import { MessageChannel, type Worker, type MessagePort } from 'node:worker_threads';
import { HostCallChannel } from '../callChannel.js';
import type {
  CallFailureKind, CallOp, CallReply, CallRequest, CapabilityReply, CapabilityRequest, ComponentToRun, WireEvent, WorkerInit, WorkerSetup, WorkerStartReply,
} from '../protocol.js';
import { emptyStats, type PluginStats } from './state.js';
import type { PluginWorkerPool } from './workerPool.js';

/**
 * Runs one plugin in its own worker thread and keeps it healthy:
 * - calls are serialised; events queue in a bounded queue (oldest dropped and counted when
 *   full) and are handed over in batches when they pile up, so a slow plugin never blocks
 *   the bus or the other plugins;
 * - each call has a deadline; V8 cannot pre-empt wasm, so a call past it is cut off by
 *   terminating the worker, which is respawned after a backoff (compiled modules are reused);
 * - a trap or a crash restarts only this plugin; after `maxFailures` failures within
 *   `failureWindowMs` the plugin is marked failed, and retried after `cooldownMs` (doubling
 *   while it keeps failing, up to 30 min); `plugin enable` retries at once;
 * - a queued batch that misses its deadline is load, not a fault (a flood on a loaded
 *   machine): the plugin is throttled first — bigger batches with a deadline that grows with
 *   them, after a backoff — and only misses at the largest step count as failures. The
 *   throttle eases again as the plugin keeps up.
 * Time spent in host capabilities (git, llm, panes) does not count against the deadline.
 */

export interface SupervisorLimits {
  readonly eventDeadlineMs: number;
  readonly callDeadlineMs: number;
  readonly initDeadlineMs: number;
  readonly queueSize: number;
  readonly batchSize: number;
  readonly maxFailures: number;
  readonly failureWindowMs: number;
  /** Wait before a plugin disabled after repeated failures is tried again (doubles while it keeps failing). */
  readonly cooldownMs?: number;
}

export const defaultLimits = {
  eventDeadlineMs: 100,
  gateDeadlineMs: 1000,
  callDeadlineMs: 2000,
  initDeadlineMs: 5000,
  memoryMiB: 64,
  queueSize: 1000,
  batchSize: 64,
  maxFailures: 5,
  failureWindowMs: 60_000,
  cooldownMs: 60_000,
  maxActions: 256,
} as const;

/** Deadline of the first call of a fresh worker (see pump). */
const coldCallDeadlineMs = 2000;
/** Largest throttle step: batches and their deadline up to 8 times the configured ones. */
const maxLoadFactor = 8;
/** Longest cool-down between retries of a disabled plugin. */
const maxCooldownMs = 30 * 60_000;

export type HostCallHandler = (iface: string, fn: string, args: unknown[]) => Promise<unknown>;

export interface SupervisorOptions extends ComponentToRun {
  readonly limits: SupervisorLimits;
  readonly hostCall: HostCallHandler;
  /** Actions (raw, unvalidated) returned for a batch of events. */
  readonly onActions: (actions: unknown, events: readonly WireEvent[]) => void;
  /**
   * A state change worth showing to the user: ready, restarting, failed (disabled), throttled
   * (deadline missed under load: bigger batches), retrying (after the cool-down), eased.
   */
  readonly onStatus: (status: SupervisorStatus, detail: string | undefined) => void;
  /** Where worker threads come from (shared by the plugins of a runtime). */
  readonly workers: PluginWorkerPool;
  /** Adds what a failure means to its message (a plugin that used the clock: ambientUse.ts). */
  readonly explain?: (message: string) => string;
}

export type { WireEvent } from '../protocol.js';

export type SupervisorState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';
export type SupervisorStatus = SupervisorState | 'throttled' | 'retrying' | 'eased';

export class PluginCallError extends Error {
  constructor(readonly plugin: string, readonly kind: CallFailureKind, message: string) {
    super(message);
    this.name = 'PluginCallError';
  }
}

interface PendingCall {
  readonly op: CallOp;
  readonly arg: unknown;
  readonly deadlineMs: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: PluginCallError) => void;
  /** A batch from the event queue (its deadline misses are throttled before they count). */
  readonly queued?: boolean;
}

interface RunningCall extends PendingCall {
  readonly id: number;
  /** Deadline budget left (ms) when the timer was last armed. */
  remaining: number;
  armedAt: number;
  startedAt: number;
  hostTime: number;
}

export class PluginSupervisor {
  state: SupervisorState = 'starting';
  description: unknown;
  /** Counters since the last `takeStats()`. */
  private stats: PluginStats = emptyStats();
  private worker: Worker | undefined;
  private calls: HostCallChannel | undefined;
  private hostPort: MessagePort | undefined;
  private signal: Int32Array | undefined;
  private readonly events: WireEvent[] = [];
  private readonly priority: PendingCall[] = [];
  private current: RunningCall | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private failures: number[] = [];
  private consecutiveFailures = 0;
  private respawnTimer: NodeJS.Timeout | undefined;
  private lastFailure: string | undefined;
  private generation = 0;
  /** False until the first call of the current worker. */
  private warm = false;
  /** Throttle step: queued batches carry up to batchSize × load events, with eventDeadlineMs × load. */
  private load = 1;
  /** Retries after a disable in a row (the cool-down doubles with each). */
  private disables = 0;
  private cooldownTimer: NodeJS.Timeout | undefined;
  /** When the cool-down retry happens (epoch ms), while failed. */
  retryAt: number | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  get name(): string {
    return this.options.plugin;
  }

  get queued(): number {
    return this.events.length + this.priority.length;
  }

  get failureDetail(): string | undefined {
    return this.lastFailure;
  }

  get loadFactor(): number {
    return this.load;
  }

  /**
   * Starts the plugin in `worker` (taken from the pool, not yet given an `init`) or in one the
   * pool gives; rejects when the plugin cannot start (bad component, describe traps).
   */
  async start(worker?: Worker): Promise<unknown> {
    await this.spawn(worker);
    return this.description;
  }

  /** Queues events for on-event; never blocks. Returns how many were dropped to make room. */
  enqueue(events: readonly WireEvent[]): number {
    if (this.state === 'failed' || this.state === 'stopped') {
      this.stats.dropped += events.length;
      return events.length;
    }
    this.events.push(...events);
    const over = this.events.length - this.options.limits.queueSize;
    if (over > 0) {
      this.events.splice(0, over);
      this.stats.dropped += over;
    }
    this.pump();
    return Math.max(0, over);
  }

  /** A call ahead of queued events (gates, context, tools). */
  call(op: CallOp, arg: unknown, deadlineMs: number): Promise<unknown> {
    if (this.state === 'failed' || this.state === 'stopped') {
      return Promise.reject(new PluginCallError(this.name, 'unavailable', this.unavailableMessage()));
    }
    return new Promise((resolve, reject) => {
      this.priority.push({ op, arg, deadlineMs, resolve, reject });
      this.pump();
    });
  }

  /** Hands over the events still waiting (a hot reload moves them to the new instance). */
  drainQueue(): WireEvent[] {
    return this.events.splice(0);
  }

  takeStats(): PluginStats {
    const stats = this.stats;
    this.stats = emptyStats();
    return stats;
  }

  /** Stops the worker; every call not answered yet fails with `why` (the one in flight too: its deadline is cleared here). */
  async stop(why = 'was stopped'): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.respawnTimer);
    clearTimeout(this.cooldownTimer);
    clearTimeout(this.timer);
    const inFlight = this.current;
    this.current = undefined;
    inFlight?.reject(new PluginCallError(this.name, 'unavailable', `plugin ${this.name} ${why}`));
    this.rejectAll('unavailable', `plugin ${this.name} ${why}`);
    const worker = this.worker;
    this.worker = undefined;
    this.hostPort?.close();
    this.calls?.close();
    if (worker) await worker.terminate();
  }

  private spawn(given?: Worker): Promise<void> {
    const generation = ++this.generation;
    this.warm = false;
    const { port1, port2 } = new MessageChannel();
    const signalBuffer = new SharedArrayBuffer(4);
    const calls = HostCallChannel.create();
    const init: WorkerInit = {
      plugin: this.name,
      jsFile: this.options.jsFile,
      modules: this.options.modules,
      interfaces: this.options.interfaces,
      signal: signalBuffer,
      hostPort: port2,
      calls: calls.init,
    };
    const worker = given ?? this.options.workers.take();
    worker.postMessage({ type: 'init', ...init } satisfies WorkerSetup, [port2, calls.init.port]);
    this.worker = worker;
    this.calls = calls.host;
    this.hostPort = port1;
    this.signal = new Int32Array(signalBuffer);
    port1.on('message', (request: CapabilityRequest) => this.serveHostCall(generation, port1, request));

    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const initTimer = setTimeout(() => {
        if (ready) return;
        this.onWorkerFailure(generation, 'timeout', `did not start within ${this.options.limits.initDeadlineMs} ms`);
        reject(new PluginCallError(this.name, 'timeout', `plugin ${this.name} did not start within ${this.options.limits.initDeadlineMs} ms`));
      }, this.options.limits.initDeadlineMs);
      worker.on('message', (reply: WorkerStartReply) => {
        if (generation !== this.generation) return;
        if (reply.type === 'ready') {
          ready = true;
          clearTimeout(initTimer);
          this.description = reply.description;
          this.state = 'ready';
          this.options.onStatus('ready', undefined);
          resolve();
          this.pump();
          // Booted now, while this plugin is idle: the next load or restart will not wait for it.
          this.options.workers.prestart();
        } else if (reply.type === 'fatal') {
          clearTimeout(initTimer);
          this.onWorkerFailure(generation, 'crash', `failed to start: ${reply.error}`);
          reject(new PluginCallError(this.name, 'crash', `plugin ${this.name} failed to start: ${reply.error}`));
        }
      });
      worker.on('error', (error) => {
        clearTimeout(initTimer);
        const message = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'ran out of memory' : `crashed: ${error.message}`;
        this.onWorkerFailure(generation, 'crash', message);
        if (!ready) reject(new PluginCallError(this.name, 'crash', `plugin ${this.name} ${message}`));
      });
      worker.on('exit', (code) => {
        clearTimeout(initTimer);
        if (generation === this.generation && this.worker === worker && this.state !== 'stopped') {
          this.onWorkerFailure(generation, 'crash', `worker exited (code ${code})`);
          if (!ready) reject(new PluginCallError(this.name, 'crash', `plugin ${this.name} exited while starting`));
        }
      });
    });
  }

  private pump(): void {
    if (this.current || this.state !== 'ready' || !this.worker || !this.calls) return;
    let next = this.priority.shift();
    if (!next && this.events.length > 0) {
      const batch = this.events.splice(0, this.options.limits.batchSize * this.load);
      next = {
        op: 'on-event',
        arg: batch,
        deadlineMs: this.options.limits.eventDeadlineMs * this.load,
        resolve: (actions) => {
          this.options.onActions(actions, batch);
          this.ease();
        },
        reject: () => { /* counted and logged by the failure path */ },
        queued: true,
      };
      this.stats.events += batch.length;
    }
    if (!next) return;
    const id = this.nextId++;
    const now = performance.now();
    // V8 compiles wasm functions lazily, on their first run: the first call of a fresh worker
    // pays for compiling the paths it takes (hundreds of ms on a loaded machine), so it gets
    // a grace deadline instead of failing for a cost that is not the plugin's.
    const deadline = this.warm ? next.deadlineMs : Math.max(next.deadlineMs, coldCallDeadlineMs);
    this.warm = true;
    // Built field by field: `{ ...next, deadlineMs }` (a spread that overrides one of the copied
    // properties) takes V8's slow path, a visible share of the round trip (docs/benchmarks.md).
    this.current = {
      op: next.op, arg: next.arg, resolve: next.resolve, reject: next.reject,
      deadlineMs: deadline, id, remaining: deadline, armedAt: now, startedAt: now, hostTime: 0,
      ...(next.queued ? { queued: true } : {}),
    };
    this.stats.calls++;
    const generation = this.generation;
    this.arm();
    void this.calls.call({ id, op: next.op, arg: next.arg } as CallRequest).then((reply) => {
      // undefined: the worker was stopped or replaced, and the call already failed.
      if (reply) this.onResult(generation, reply);
    });
  }

  private arm(): void {
    const call = this.current;
    if (!call) return;
    call.armedAt = performance.now();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.current !== call) return;
      this.stats.timeouts++;
      this.onWorkerFailure(this.generation, 'timeout', `${call.op} passed its ${call.deadlineMs} ms deadline`);
    }, Math.max(0, call.remaining));
  }

  private serveHostCall(generation: number, port: MessagePort, request: CapabilityRequest): void {
    const call = this.current;
    // Pause the deadline while the host works for the plugin.
    if (call) {
      clearTimeout(this.timer);
      call.remaining -= performance.now() - call.armedAt;
    }
    const started = performance.now();
    void this.options.hostCall(request.iface, request.fn, request.args).then(
      (value): CapabilityReply => ({ ok: true, value }),
      (error: unknown): CapabilityReply => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    ).then((reply) => {
      if (generation !== this.generation || !this.signal) return;
      try {
        port.postMessage(reply);
      } catch (error) {
        port.postMessage({ ok: false, error: `host reply could not be sent: ${(error as Error).message}` } satisfies CapabilityReply);
      }
      Atomics.store(this.signal, 0, 1);
      Atomics.notify(this.signal, 0);
      if (call && this.current === call) {
        call.hostTime += performance.now() - started;
        this.arm();
      }
    });
  }

  private onResult(generation: number, reply: CallReply): void {
    const call = this.current;
    if (generation !== this.generation || !call || call.id !== reply.id) return;
    clearTimeout(this.timer);
    this.current = undefined;
    this.stats.busyMs += performance.now() - call.startedAt - call.hostTime;
    if (reply.ok) {
      this.consecutiveFailures = 0;
      this.disables = 0;
      call.resolve(reply.value);
      this.pump();
    } else if (reply.kind === 'plugin-error') {
      // The plugin returned `err`: its instance is fine.
      this.stats.failures++;
      call.reject(new PluginCallError(this.name, 'plugin-error', this.options.explain?.(reply.error) ?? reply.error));
      this.pump();
    } else {
      const error = this.options.explain?.(reply.error) ?? reply.error;
      call.reject(new PluginCallError(this.name, reply.kind, error));
      this.onWorkerFailure(generation, reply.kind, `${reply.kind === 'trap' ? 'trapped' : 'crashed'} in ${call.op}: ${error}`);
    }
  }

  /** The worker is unusable: stop it, fail the call in flight, respawn later or give up. */
  private onWorkerFailure(generation: number, kind: PluginCallError['kind'], message: string): void {
    if (generation !== this.generation || this.state === 'stopped' || this.state === 'failed') return;
    this.generation++;
    clearTimeout(this.timer);
    const call = this.current;
    this.current = undefined;
    if (call) {
      this.stats.busyMs += performance.now() - call.startedAt - call.hostTime;
      call.reject(new PluginCallError(this.name, kind, `plugin ${this.name}: ${message}`));
    }
    this.stats.failures++;
    this.lastFailure = message;
    const worker = this.worker;
    this.worker = undefined;
    this.hostPort?.close();
    this.calls?.close();
    this.calls = undefined;
    void worker?.terminate();

    const now = Date.now();
    // A queued batch past its deadline under load: throttle (bigger batches, longer deadline,
    // after the backoff below) before counting it as a failure.
    const throttled = kind === 'timeout' && call?.queued === true && this.load < maxLoadFactor;
    if (throttled) {
      this.load *= 2;
      this.state = 'restarting';
      this.options.onStatus('throttled', `${message}: under load, batches of up to ${this.options.limits.batchSize * this.load} events with a ${this.options.limits.eventDeadlineMs * this.load} ms deadline`);
    } else {
      this.failures = [...this.failures.filter((t) => now - t < this.options.limits.failureWindowMs), now];
      if (this.failures.length >= this.options.limits.maxFailures) {
        this.disable(`${this.failures.length} failures within ${Math.round(this.options.limits.failureWindowMs / 1000)} s; last: ${message}`);
        return;
      }
      this.state = 'restarting';
      this.options.onStatus('restarting', message);
    }
    this.consecutiveFailures++;
    const backoff = Math.min(5000, 50 * 2 ** (this.consecutiveFailures - 1));
    this.respawnTimer = setTimeout(() => {
      if (this.state !== 'restarting') return;
      this.stats.restarts++;
      this.spawn().catch(() => { /* handled by onWorkerFailure */ });
    }, backoff);
  }

  /** Stops delivering until the cool-down passes, then tries again (reported at each step). */
  private disable(detail: string): void {
    this.state = 'failed';
    this.lastFailure = detail;
    this.stats.dropped += this.events.length;
    this.events.length = 0;
    const cooldown = Math.min(maxCooldownMs, (this.options.limits.cooldownMs ?? defaultLimits.cooldownMs) * 2 ** this.disables);
    this.disables++;
    this.retryAt = Date.now() + cooldown;
    this.rejectAll('unavailable', this.unavailableMessage());
    this.options.onStatus('failed', detail);
    this.cooldownTimer = setTimeout(() => {
      if (this.state !== 'failed') return;
      this.retryAt = undefined;
      this.failures = [];
      this.consecutiveFailures = 0;
      this.state = 'restarting';
      this.options.onStatus('retrying', `after a ${Math.round(cooldown / 1000)} s cool-down (disabled for: ${detail})`);
      this.stats.restarts++;
      this.spawn().catch(() => { /* handled by onWorkerFailure */ });
    }, cooldown);
    this.cooldownTimer.unref?.();
  }

  /** The plugin keeps up again: step the throttle back down. */
  private ease(): void {
    if (this.load === 1 || this.events.length >= this.options.limits.batchSize * this.load) return;
    this.load /= 2;
    this.options.onStatus('eased', `keeping up: batches of up to ${this.options.limits.batchSize * this.load} events with a ${this.options.limits.eventDeadlineMs * this.load} ms deadline`);
  }

  private unavailableMessage(): string {
    return this.state === 'failed'
      ? `plugin ${this.name} was disabled after repeated failures (${this.lastFailure ?? 'no detail'})`
      : `plugin ${this.name} is ${this.state}`;
  }

  private rejectAll(kind: PluginCallError['kind'], message: string): void {
    for (const pending of this.priority.splice(0)) pending.reject(new PluginCallError(this.name, kind, message));
  }
}
