import type { PicodeEvent } from '../bus/envelope.js';
import type { GateDecision } from '../api/hostApi.js';
import type { HookConfig, HookLimits } from '../config/sections/hooks.js';
import { describeAction, dryRunHookAction, runHookAction, type ActionResult } from './actions.js';
import { specOf } from './actionKinds.js';
import { processTreesEnded } from './processTree.js';
import { compileHooks, HookIndex, type CompiledHook } from './compile.js';
import { combineVerdicts, type HookVerdict, type RankedVerdict } from './decisions.js';
import { Semaphore, TokenBucket } from './limits.js';
import type { HookRunRow } from './runLog.js';
import type { HookServices } from './services.js';

/**
 * The hook engine: matches events against the configured hooks and runs what they say.
 *
 * Non-blocking events (`dispatch`) never wait: matching is synchronous and cheap (hooks are
 * indexed by exact event type), runs start in the background. Per hook, a token bucket
 * limits runs per window, and while a run is in progress further events are coalesced to the
 * latest one (`concurrency: coalesce`, the default) so a storm becomes at most one extra run.
 * Shell hooks share a process pool with a bounded queue. What is dropped is counted and
 * reported as `hook.dropped` (at most once per second per hook).
 *
 * Blocking events (`decide`, called by the host's gate) run every matching `command` and
 * `plugin` hook in parallel, outside the rate limit and the pool (a guard must always run
 * and must never queue behind a slow test hook), and combine their verdicts
 * (see decisions.ts). `notify`/`emit` hooks on blocking events run without being waited for.
 */
export interface EngineOptions {
  readonly hooks: readonly HookConfig[];
  readonly limits: HookLimits;
  readonly services: HookServices;
  /** Event types that are blocking (from the catalog): `dispatch` ignores them, the gate handles them. */
  readonly blockingTypes: ReadonlySet<string>;
  readonly runLog?: { record(row: HookRunRow): void } | undefined;
  readonly now?: () => number;
}

type DropReason = 'rate-limit' | 'coalesced' | 'queue-full';

interface HookState {
  readonly bucket: TokenBucket;
  running: number;
  pending: PicodeEvent | undefined;
  runs: number;
  failures: number;
  lastOutcome: string | undefined;
  lastRunAt: number | undefined;
  readonly dropped: Map<DropReason, number>;
  readonly droppedTotal: Map<DropReason, number>;
}

export interface HookStats {
  readonly name: string;
  readonly event: string | readonly string[];
  readonly action: string;
  readonly enabled: boolean;
  readonly running: number;
  readonly runs: number;
  readonly failures: number;
  readonly dropped: Record<string, number>;
  readonly lastOutcome: string | undefined;
  readonly lastRunAt: number | undefined;
}

export interface DryRunEntry {
  readonly hook: string;
  readonly action: string;
  readonly matched: boolean;
  /** Why it did not match: `disabled`, `event type`, `conditions`. */
  readonly why?: string;
  /** For built-in actions and plugins: what would happen (not performed in a dry run). */
  readonly wouldDo?: string;
  readonly outcome?: string;
  readonly decision?: string | undefined;
  readonly reason?: string | undefined;
  readonly output?: string;
  readonly durationMs?: number;
}

export interface DryRunReport {
  readonly event: PicodeEvent;
  readonly blocking: boolean;
  readonly hooks: readonly DryRunEntry[];
  /** The combined decision of the hooks that decided (blocking events only). */
  readonly decision: (GateDecision & { data: unknown }) | undefined;
}

export class HookEngine {
  readonly index: HookIndex;
  private readonly states = new Map<string, HookState>();
  private readonly pool: Semaphore;
  private readonly inflight = new Set<Promise<unknown>>();
  private dropTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Aborted when the stop grace runs out: shell hooks still running are killed. */
  private readonly kill = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? Date.now;
    this.index = new HookIndex(compileHooks(options.hooks, options.blockingTypes));
    const { limits } = options;
    for (const hook of this.index.hooks) {
      this.states.set(hook.name, {
        bucket: new TokenBucket(limits.maxRuns, limits.perSeconds * 1000, this.now),
        running: 0,
        pending: undefined,
        runs: 0,
        failures: 0,
        lastOutcome: undefined,
        lastRunAt: undefined,
        dropped: new Map(),
        droppedTotal: new Map(),
      });
    }
    this.pool = new Semaphore(limits.maxProcesses, limits.maxQueued);
  }

  get hooks(): readonly CompiledHook[] {
    return this.index.hooks;
  }

  /** Handles a non-blocking event; returns at once. */
  dispatch(event: PicodeEvent): void {
    if (this.stopped || this.options.blockingTypes.has(event.type)) return;
    const matched = this.index.match(event);
    for (const hook of matched) this.schedule(hook, event);
  }

  /** Runs the hooks of a blocking event and combines their verdicts (undefined = no hook had an opinion). */
  async decide(event: PicodeEvent): Promise<(GateDecision & { data: unknown }) | undefined> {
    if (this.stopped) return undefined;
    const matched = this.index.match(event);
    if (matched.length === 0) return undefined;
    const verdicts: Array<Promise<RankedVerdict>> = [];
    for (const hook of matched) {
      if (specOf(hook.action).onBlocking === 'decides') {
        verdicts.push(this.execute(hook, event, true).then((r) => ({ hook: hook.name, order: hook.order, verdict: r?.verdict })));
      } else {
        this.track(this.execute(hook, event, true));
      }
    }
    return combineVerdicts(await Promise.all(verdicts), event.data);
  }

  /**
   * Dry run: which hooks match the event and what they decide. Shell hooks are run for real
   * (their exit code and output ARE their decision); plugins answer through the runtime's dry
   * run when the services offer one (in the host), without their actions being applied;
   * built-in actions are only described. Nothing is recorded.
   */
  async test(event: PicodeEvent): Promise<DryRunReport> {
    const blocking = this.options.blockingTypes.has(event.type);
    const done = await Promise.all(this.index.hooks.map((hook) => this.dryRunOne(hook, event)));
    const ranked: RankedVerdict[] = done
      .filter((d) => d.verdict !== undefined)
      .map((d, i) => ({ hook: d.entry.hook, order: this.index.hooks.find((h) => h.name === d.entry.hook)?.order ?? i, verdict: d.verdict }));
    return { event, blocking, hooks: done.map((d) => d.entry), decision: blocking ? combineVerdicts(ranked, event.data) : undefined };
  }

  private async dryRunOne(hook: CompiledHook, event: PicodeEvent): Promise<{ entry: DryRunEntry; verdict?: HookVerdict | undefined }> {
    const base = { hook: hook.name, action: hook.action.kind };
    if (!hook.config.enabled) return { entry: { ...base, matched: false, why: 'disabled' } };
    if (!hook.eventTest(event.type)) return { entry: { ...base, matched: false, why: 'event type' } };
    if (!hook.matches(event)) return { entry: { ...base, matched: false, why: 'conditions' } };
    const services = this.options.services;
    const started = performance.now();
    const finished = (r: { outcome: string; verdict?: HookVerdict | undefined; reason?: string | undefined; output?: string }) => ({
      entry: { ...base, matched: true, outcome: r.outcome, decision: r.verdict?.decision, reason: r.reason, output: r.output ?? '', durationMs: performance.now() - started },
      verdict: r.verdict,
    });
    const dryRun = dryRunHookAction(hook, event, services, this.options.limits);
    if (dryRun) return finished(await dryRun);
    return { entry: { ...base, matched: true, wouldDo: describeAction(hook, event) } };
  }

  stats(): HookStats[] {
    return this.index.hooks.map((hook) => {
      const s = this.states.get(hook.name)!;
      return {
        name: hook.name,
        event: hook.config.event,
        action: hook.action.kind,
        enabled: hook.config.enabled,
        running: s.running,
        runs: s.runs,
        failures: s.failures,
        dropped: Object.fromEntries(s.droppedTotal),
        lastOutcome: s.lastOutcome,
        lastRunAt: s.lastRunAt,
      };
    });
  }

  /** Resolves when every run started so far (and the runs they queued) has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Stops accepting events and waits (up to `graceMs`) for runs in progress; shell hooks still
   * running then are killed with their process groups, so none outlives the host.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    this.reportDrops();
    for (const s of this.states.values()) s.pending = undefined;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), graceMs); });
    const outcome = await Promise.race([this.idle().then(() => 'idle' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.kill.abort();
      // The killed hooks settle at once; give them a moment to be recorded.
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 500).unref())]);
    }
    // What runs left behind (setsid children, daemons) is being ended: wait for it.
    await processTreesEnded(3000);
  }

  private schedule(hook: CompiledHook, event: PicodeEvent): void {
    const state = this.states.get(hook.name)!;
    if (state.running > 0 && (hook.config.concurrency ?? 'coalesce') === 'coalesce') {
      if (state.pending) this.drop(hook, 'coalesced');
      state.pending = event;
      return;
    }
    if (!state.bucket.take()) {
      this.drop(hook, 'rate-limit');
      return;
    }
    state.running++;
    const run = this.execute(hook, event, false).finally(() => {
      state.running--;
      const next = state.pending;
      if (next && state.running === 0 && !this.stopped) {
        state.pending = undefined;
        this.schedule(hook, next);
      }
    });
    this.track(run);
  }

  private track(promise: Promise<unknown>): void {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise));
  }

  private async execute(hook: CompiledHook, event: PicodeEvent, blocking: boolean): Promise<ActionResult | undefined> {
    let release: (() => void) | undefined;
    if (specOf(hook.action).pooled && !blocking) {
      release = await this.pool.acquire();
      if (!release) {
        this.drop(hook, 'queue-full');
        return undefined;
      }
    }
    const state = this.states.get(hook.name)!;
    const startedAt = this.now();
    const t0 = performance.now();
    let res: ActionResult;
    try {
      res = await runHookAction(hook, event, this.options.services, this.options.limits, this.kill.signal);
    } finally {
      release?.();
    }
    const durationMs = performance.now() - t0;
    state.runs++;
    if (res.outcome === 'error' || res.outcome === 'timeout') state.failures++;
    state.lastOutcome = res.outcome;
    state.lastRunAt = startedAt;
    if (res.outcome === 'error' || res.outcome === 'timeout') {
      this.options.services.log.warn(`hook ${hook.name} ${res.outcome}`, { event: event.type, reason: res.reason });
    }
    this.options.runLog?.record({
      session: this.options.services.session,
      eventId: event.id,
      eventType: event.type,
      hook: hook.name,
      action: hook.action.kind,
      startedAt,
      durationMs,
      outcome: res.outcome,
      // A decision only means something on a blocking event; elsewhere it is not recorded.
      decision: blocking ? res.verdict?.decision : undefined,
      reason: res.reason,
      exitCode: res.exitCode,
      output: res.output,
      truncated: res.truncated,
    });
    if (!event.type.startsWith('hook.') && !this.stopped) {
      this.options.services.emit({
        type: 'hook.run',
        pane: event.pane,
        data: {
          hook: hook.name,
          action: hook.action.kind,
          eventId: event.id,
          eventType: event.type,
          outcome: res.outcome,
          ...(blocking && res.verdict?.decision ? { decision: res.verdict.decision } : {}),
          ...(res.reason ? { reason: res.reason.slice(0, 500) } : {}),
          durationMs,
        },
      });
    }
    return res;
  }

  private drop(hook: CompiledHook, reason: DropReason): void {
    const state = this.states.get(hook.name)!;
    state.dropped.set(reason, (state.dropped.get(reason) ?? 0) + 1);
    state.droppedTotal.set(reason, (state.droppedTotal.get(reason) ?? 0) + 1);
    if (!this.dropTimer) {
      this.dropTimer = setTimeout(() => this.reportDrops(), 1000);
      this.dropTimer.unref();
    }
  }

  private reportDrops(): void {
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    for (const [name, state] of this.states) {
      for (const [reason, count] of state.dropped) {
        this.options.services.emit({ type: 'hook.dropped', data: { hook: name, reason, count } });
      }
      state.dropped.clear();
    }
  }
}
