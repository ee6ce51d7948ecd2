import type { FailoverConfig } from './configSchema.js';
import { findPrice, costOf, uncachedCostOf } from './cost.js';
import { effortFor } from './reasoning.js';
import { classifyError, isTransient } from './errors.js';
import { resolveKey, keySourceDescription, redact } from './keys.js';
import { resolveChain, resolveTarget, type ModelTarget } from './registry.js';
import type { Adapter, AdapterCall, AdapterPart } from './adapters/adapter.js';
import { emptyUsage, toJsonSchema } from './adapters/adapter.js';
import {
  LlmError,
  type CallRecord,
  type CompletionRequest,
  type CompletionResult,
  type JsonSchemaObject,
  type LlmErrorInfo,
  type ProviderDeps,
  type StreamPart,
  type ToolCall,
  type Usage,
} from './types.js';

/**
 * The reliability layer over the adapters: resolves the failover chain, runs one attempt at a
 * time with the idle-stall watchdog, retries transient failures with backoff and jitter
 * (honouring Retry-After up to a cap), fails over to the next model, never retries silently
 * once output has reached the caller, and records every attempt.
 */
export function failoverSettings(config: ProviderDeps['config']): Required<FailoverConfig> {
  const f = config.failover ?? {};
  return {
    retries: f.retries ?? 2,
    baseDelayMs: f.baseDelayMs ?? 500,
    maxDelayMs: f.maxDelayMs ?? 8000,
    maxRetryAfterMs: f.maxRetryAfterMs ?? 20_000,
    stallMs: f.stallMs ?? 30_000,
    headersTimeoutMs: f.headersTimeoutMs ?? 60_000,
  };
}

async function loadAdapter(target: ModelTarget): Promise<Adapter> {
  // Each adapter (and so each SDK) is imported only when a call needs it.
  if (target.provider.type === 'anthropic') return (await import('./adapters/anthropic.js')).anthropicAdapter;
  return (await import('./adapters/openai.js')).openaiAdapter;
}

export async function* streamCompletion(request: CompletionRequest, deps: ProviderDeps): AsyncGenerator<StreamPart, void, undefined> {
  const settings = failoverSettings(deps.config);
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const signal = request.signal;

  let chain: string[];
  let toolSchemas: JsonSchemaObject[];
  let outputSchema: JsonSchemaObject | undefined;
  try {
    chain = resolveChain(request.model, request.purpose, deps.config, deps.env);
    toolSchemas = await Promise.all((request.tools ?? []).map((t) => toJsonSchema(t.parameters)));
    outputSchema = request.output ? await toJsonSchema(request.output as never) : undefined;
  } catch (error) {
    yield { type: 'error', error: asInfo(error, 'bad-request') };
    return;
  }

  let last: LlmErrorInfo | undefined;
  let attemptNo = 0;
  chain: for (const id of chain) {
    let target: ModelTarget;
    let apiKey: string | undefined;
    let adapter: Adapter;
    try {
      target = resolveTarget(id, deps.config, deps.env);
      apiKey = await resolveKey(target.provider, deps.env);
    } catch (error) {
      last = asInfo(error, 'auth', id);
      continue;
    }
    if (!apiKey && target.provider.keyRequired) {
      // An unusable link of the chain is skipped, with the reason kept for the final error.
      last = { kind: 'auth', model: target.id, message: `no API key for ${target.provider.name}: set ${keySourceDescription(target.provider)}` };
      continue;
    }
    try {
      adapter = await loadAdapter(target);
    } catch (error) {
      last = asInfo(error, 'bad-request', target.id);
      continue;
    }
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) {
        yield { type: 'error', error: { kind: 'aborted', model: target.id, message: 'aborted' } };
        return;
      }
      attemptNo++;
      yield { type: 'attempt', model: target.id, attempt: attemptNo, ...(last ? { reason: last } : {}) };
      const attempt = new Attempt(target, apiKey, request, toolSchemas, outputSchema, settings, deps, attemptNo);
      let thrown: { error: unknown } | undefined;
      let outcome: AttemptFailure | undefined;
      let iterated = false;
      try {
        const events = await adapter.open(attempt.call);
        const translator = adapter.translator(attempt.call);
        const parts: AdapterPart[] = [];
        for await (const event of events) {
          translator.event(event, parts);
          for (let k = 0; k < parts.length; k++) yield attempt.accept(parts[k]!);
          parts.length = 0;
        }
        translator.end(parts);
        for (const part of parts) yield attempt.accept(part);
        iterated = true;
      } catch (error) {
        thrown = { error };
      } finally {
        // Also reached when the consumer stops early (`break`): recorded as aborted.
        outcome = attempt.end(thrown ?? (iterated ? undefined : { error: { name: 'AbortError' } }));
      }
      if (outcome === undefined) return; // finished
      last = outcome.error;
      if (outcome.error.kind === 'aborted' || outcome.outputStarted || !isTransient(outcome.error.kind)) {
        yield { type: 'error', error: outcome.error };
        return;
      }
      const wait = outcome.error.retryAfterMs;
      if (retry >= settings.retries || (wait !== undefined && wait > settings.maxRetryAfterMs)) continue chain;
      const backoff = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry) * random();
      try {
        await sleep(wait ?? backoff, signal);
      } catch {
        yield { type: 'error', error: { kind: 'aborted', model: target.id, message: 'aborted while waiting to retry' } };
        return;
      }
    }
  }
  yield { type: 'error', error: last ?? { kind: 'bad-request', message: 'no model to try' } };
}

interface AttemptFailure {
  readonly error: LlmErrorInfo;
  readonly outputStarted: boolean;
}

/**
 * One attempt against one model: owns the watchdog and the abort wiring, turns adapter parts
 * into stream parts, and records the call when it ends. It is driven by streamCompletion's
 * own loop (not a nested generator) so each token crosses a single async-generator boundary.
 */
class Attempt {
  readonly controller = new AbortController();
  readonly call: AdapterCall;
  private readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  private lastActivity = this.t0;
  private stalled = false;
  private responseStarted = false;
  private readonly watchdog: NodeJS.Timeout;
  private readonly onUserAbort = (): void => this.controller.abort();
  private ttftMs: number | undefined;
  private usage: Usage = emptyUsage;
  private text = '';
  private readonly toolCalls: ToolCall[] = [];
  finished = false;

  constructor(
    private readonly target: ModelTarget,
    apiKey: string | undefined,
    private readonly request: CompletionRequest,
    toolSchemas: readonly JsonSchemaObject[],
    outputSchema: JsonSchemaObject | undefined,
    private readonly settings: Required<FailoverConfig>,
    private readonly deps: ProviderDeps,
    private readonly attempt: number,
  ) {
    request.signal?.addEventListener('abort', this.onUserAbort, { once: true });
    // The watchdog compares a timestamp instead of re-arming a timer per event: cheap per token.
    const interval = Math.max(25, Math.min(1000, Math.floor(settings.stallMs / 4)));
    this.watchdog = setInterval(() => {
      if (performance.now() - this.lastActivity > settings.stallMs) {
        this.stalled = true;
        this.controller.abort();
      }
    }, interval);
    this.watchdog.unref?.();
    this.call = {
      target, apiKey, request, toolSchemas, outputSchema,
      signal: this.controller.signal,
      headersTimeoutMs: settings.headersTimeoutMs,
      // Importing an SDK can take longer than the stall limit on a loaded machine: not a stall.
      ready: () => { this.lastActivity = performance.now(); },
      touch: () => { this.lastActivity = performance.now(); this.responseStarted = true; },
    };
  }

  /** Translates one adapter part; tool calls get their arguments parsed here. */
  accept(part: AdapterPart): StreamPart {
    switch (part.type) {
      case 'text-delta':
        this.ttftMs ??= performance.now() - this.t0;
        // Kept only for the transcript, when one is wanted.
        if (this.deps.transcript) this.text += part.text;
        return part;
      case 'tool-call': {
        this.ttftMs ??= performance.now() - this.t0;
        const parsed = parseArgs(part.argsText);
        this.toolCalls.push({ id: part.id, name: part.name, args: parsed.args });
        return {
          type: 'tool-call', id: part.id, name: part.name, args: parsed.args, argsText: part.argsText,
          ...(parsed.error ? { argsError: parsed.error } : {}),
        };
      }
      case 'usage':
        this.usage = part.usage;
        return part;
      case 'thinking':
        return part;
      case 'finish':
        this.finished = true;
        return { type: 'finish', reason: part.reason, model: this.target.id };
    }
  }

  /** Ends the attempt (thrown error or end of iteration), records it; returns the failure if any. */
  end(thrown: { error: unknown } | undefined): AttemptFailure | undefined {
    const { target, settings, request } = this;
    clearInterval(this.watchdog);
    request.signal?.removeEventListener('abort', this.onUserAbort);
    // Stop the HTTP body if the consumer left early (break out of for-await) or it failed.
    if (!this.finished) this.controller.abort();
    let failure: LlmErrorInfo | undefined;
    if (thrown) {
      failure = classifyError(thrown.error, {
        model: target.id, aborted: request.signal?.aborted ?? false, stalled: this.stalled,
        responseStarted: this.responseStarted, stallMs: settings.stallMs,
      });
    } else if (!this.finished) {
      // Raw SDK iteration ends silently on abort and on a clean close without the final event.
      failure = this.stalled ? { kind: 'stalled', model: target.id, message: `no data from ${target.id} for ${settings.stallMs} ms` }
        : request.signal?.aborted ? { kind: 'aborted', model: target.id, message: 'aborted' }
          : { kind: 'truncated', model: target.id, message: `the stream from ${target.id} ended without its final event` };
    }
    const outputStarted = this.ttftMs !== undefined;
    if (failure && outputStarted) failure = { ...failure, afterOutput: true };
    const price = this.deps.prices ? findPrice(this.deps.prices, target.id) : undefined;
    const effort = effortFor(request.reasoning, target.id);
    const record: CallRecord = {
      provider: target.provider.name,
      model: target.model,
      purpose: request.purpose ?? 'unspecified',
      startedAt: this.startedAt,
      usage: this.usage,
      costUsd: costOf(this.usage, price),
      uncachedCostUsd: uncachedCostOf(this.usage, price),
      reasoning: effort === 'off' ? undefined : effort,
      ttftMs: this.ttftMs,
      durationMs: performance.now() - this.t0,
      outcome: failure ? failure.kind : 'ok',
      error: failure ? redact(failure.message) : undefined,
      attempt: this.attempt,
      sources: request.sources ?? [],
    };
    safely(() => this.deps.record?.(record));
    if (!failure) safely(() => this.deps.transcript?.(record, request, { text: this.text, toolCalls: this.toolCalls }));
    return failure ? { error: failure, outputStarted } : undefined;
  }
}

function parseArgs(text: string): { args: unknown; error?: string } {
  if (!text.trim()) return { args: {} };
  try {
    return { args: JSON.parse(text) as unknown };
  } catch (error) {
    return { args: {}, error: `the tool arguments are not valid JSON: ${(error as Error).message}` };
  }
}

function safely(fn: () => void): void {
  try { fn(); } catch { /* a failing recorder must never break a call */ }
}

function asInfo(error: unknown, fallback: LlmErrorInfo['kind'], model?: string): LlmErrorInfo {
  if (error instanceof LlmError) {
    return { kind: error.kind, message: redact(error.message), ...(error.model ?? model ? { model: error.model ?? model } : {}) };
  }
  return { kind: fallback, message: redact(error instanceof Error ? error.message : String(error)), ...(model ? { model } : {}) };
}

export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new Error('aborted')); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Collects a stream into a result; throws an LlmError when it ends with an error. With
 * `request.output`, the JSON text is parsed and validated by the schema into `object`.
 */
export async function collect(stream: AsyncIterable<StreamPart>, request: CompletionRequest, prices?: ProviderDeps['prices']): Promise<CompletionResult> {
  let text = '';
  const toolCalls: Array<Extract<StreamPart, { type: 'tool-call' }>> = [];
  let usage: Usage = emptyUsage;
  let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
  for await (const part of stream) {
    switch (part.type) {
      case 'text-delta': text += part.text; break;
      case 'tool-call': toolCalls.push(part); break;
      case 'usage': usage = part.usage; break;
      case 'attempt':
        // A retry starts from scratch (a failed attempt never streamed output: stream.ts).
        usage = emptyUsage; text = ''; toolCalls.length = 0;
        break;
      case 'finish': finish = part; break;
      case 'error': throw new LlmError(part.error);
    }
  }
  if (!finish) throw new LlmError({ kind: 'truncated', message: 'the stream ended without a result' });
  const result: CompletionResult = {
    model: finish.model,
    text,
    toolCalls,
    usage,
    finishReason: finish.reason,
    costUsd: prices ? costOf(usage, findPrice(prices, finish.model)) : undefined,
  };
  if (!request.output) return result;
  return { ...result, object: parseStructured(text, request, finish.model) };
}

function parseStructured(text: string, request: CompletionRequest, model: string): unknown {
  const json = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new LlmError({ kind: 'bad-request', model, message: `the structured answer is not valid JSON: ${(error as Error).message}` });
  }
  const parsed = request.output!.safeParse(value);
  if (!parsed.success) {
    throw new LlmError({ kind: 'bad-request', model, message: `the structured answer does not match the schema: ${parsed.error.message}` });
  }
  return parsed.data;
}

/** `complete(request, deps)`: the whole answer at once (see collect). */
export function complete(request: CompletionRequest, deps: ProviderDeps): Promise<CompletionResult> {
  return collect(streamCompletion(request, deps), request, deps.prices);
}
