/**
 * The one provider interface of picode. Every adapter (openai, anthropic, openai-compatible)
 * turns a CompletionRequest into the same stream of StreamParts; retries, failover, the stall
 * watchdog, recording and the `llm.request` gate live above the adapters (see stream.ts), so
 * callers (`picode ask`, plans, agents, the plugin `llm` capability) only ever see this file.
 *
 * This module has no runtime imports: importing the types costs nothing at start-up.
 */
import type { ZodType } from 'zod';

// ---------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------

/** A tool call the model made (in an assistant message, or streamed as a `tool-call` part). */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The parsed JSON arguments (`{}` when the model sent none or they did not parse). */
  readonly args: unknown;
}

/**
 * How a message behaves across the requests of one run, for prompt caching:
 * `stable` = content that will be sent again unchanged (the context of a plan or an ask): a
 * cache breakpoint goes at its end when it is large enough to pay; `volatile` = content that
 * changes from one request to the next (pane tails, the question): never cached, and callers
 * put it last so the stable parts form a byte-identical prefix. Unset = ordinary conversation.
 */
export type CacheHint = 'stable' | 'volatile';

/**
 * A block of the model's reasoning that Anthropic requires back, unchanged, in the assistant
 * message of a tool-use turn when extended thinking is on (the signature proves it is the
 * model's own). Other providers ignore it.
 */
export type ThinkingBlock =
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string };

export type Message =
  | { readonly role: 'user'; readonly content: string; readonly cache?: CacheHint }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly toolCalls?: readonly ToolCall[];
      readonly thinking?: readonly ThinkingBlock[];
    }
  /** The result of a tool call, answered in the next request. */
  | {
      readonly role: 'tool';
      readonly toolCallId: string;
      readonly toolName: string;
      readonly content: string;
      readonly isError?: boolean;
    };

/**
 * A tool, defined once and translated per provider. `parameters` is a zod object schema or a
 * plain JSON Schema object (`{ type: 'object', properties: ... }`).
 */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: ZodType | JsonSchemaObject;
}

export type JsonSchemaObject = { readonly type: 'object'; readonly [key: string]: unknown };

export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

export interface CompletionRequest {
  /**
   * `provider:model` (everything after the first colon is the provider's model name), an alias
   * from config, or a failover chain of those tried in order. Omitted: the configured chain for
   * `purpose`, else `models.default`, else the first provider usable from the environment.
   */
  readonly model?: string | readonly string[];
  readonly system?: string;
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  /**
   * Structured output: the model answers with JSON matching this schema. `complete()` parses and
   * validates it into `object`; streaming callers see the JSON as text deltas.
   */
  readonly output?: ZodType;
  readonly maxTokens?: number;
  readonly temperature?: number;
  /** Aborting ends the stream with an `aborted` error and stops any retry wait. */
  readonly signal?: AbortSignal;
  /** Who is asking, recorded in `llm_calls` and used to pick a model chain: `ask`, `plan`, `agent`, `plugin:NAME`. */
  readonly purpose?: string;
  /** Where the context came from (`pane:%3`, `file:src/a.ts`), for the approval policy and the record. */
  readonly sources?: readonly string[];
  /**
   * Names the run this call belongs to (an agent run, a plan and its revisions): OpenAI's
   * `prompt_cache_key`, so the run's requests reach the same cache. Its presence also tells
   * the Anthropic adapter that the conversation will be continued (worth a cache breakpoint).
   */
  readonly cacheKey?: string;
  /** Reasoning effort: one for every model, or per `provider:model` (see reasoning.ts). */
  readonly reasoning?: ReasoningSetting;
}

export type ReasoningEffort = 'off' | 'low' | 'medium' | 'high';
/** An effort for all models, or a map from `provider:model` (a key ending in `*` = a prefix; `default`) to an effort. */
export type ReasoningSetting = ReasoningEffort | Readonly<Record<string, ReasoningEffort>>;

// ---------------------------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------------------------

/**
 * Token usage, normalised across providers. `input` counts ALL input tokens, including those
 * read from the cache (`cachedInput`) and written to it (`cacheWrite`); `output` counts all
 * output tokens including `reasoning`. (OpenAI's prompt_tokens already include cached tokens;
 * Anthropic's input_tokens exclude cache reads and writes: the adapters add them back.)
 */
export interface Usage {
  readonly input: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
  readonly output: number;
  readonly reasoning: number;
  /** The part of `cacheWrite` written with Anthropic's 1-hour TTL (priced higher); 0 or absent otherwise. */
  readonly cacheWrite1h?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'other';

export type LlmErrorKind =
  /** Missing, invalid or unauthorised key (401/403), or no key configured. */
  | 'auth'
  /** 429; `retryAfterMs` when the provider said how long to wait. */
  | 'rate-limited'
  /** The provider is overloaded or failing (529, 5xx). */
  | 'overloaded'
  /** The prompt does not fit the model's context window. */
  | 'context-too-long'
  /** The request was refused as invalid (400, 404 unknown model, 422). Not retried. */
  | 'bad-request'
  /** No connection, or it broke before any response arrived. */
  | 'network'
  /** No bytes for longer than the idle watchdog allows. */
  | 'stalled'
  /** The caller's signal aborted the call. */
  | 'aborted'
  /** The stream ended (cleanly or by disconnect) without its final event. */
  | 'truncated'
  /** The `llm.request` gate (hooks) or the approval policy refused to send it. */
  | 'denied';

export interface LlmErrorInfo {
  readonly kind: LlmErrorKind;
  readonly message: string;
  /** The `provider:model` that failed. */
  readonly model?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** True when some output had already been streamed to the caller (never retried silently). */
  readonly afterOutput?: boolean;
}

export class LlmError extends Error implements LlmErrorInfo {
  readonly kind: LlmErrorKind;
  readonly model: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly afterOutput: boolean;

  constructor(info: LlmErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = 'LlmError';
    this.kind = info.kind;
    this.model = info.model;
    this.status = info.status;
    this.retryAfterMs = info.retryAfterMs;
    this.afterOutput = info.afterOutput ?? false;
  }
}

export type StreamPart =
  /** An attempt begins against `model` (`provider:model`); later attempts say why. */
  | { readonly type: 'attempt'; readonly model: string; readonly attempt: number; readonly reason?: LlmErrorInfo }
  | { readonly type: 'text-delta'; readonly text: string }
  /**
   * A complete tool call. `argsError` is set when the model's argument JSON did not parse
   * (`args` is then `{}` and `argsText` holds what it sent): answer it with a tool error.
   */
  | {
      readonly type: 'tool-call';
      readonly id: string;
      readonly name: string;
      readonly args: unknown;
      readonly argsText: string;
      readonly argsError?: string;
    }
  | { readonly type: 'usage'; readonly usage: Usage }
  /** A reasoning block to send back with the assistant message (Anthropic extended thinking). */
  | { readonly type: 'thinking'; readonly block: ThinkingBlock }
  | { readonly type: 'finish'; readonly reason: FinishReason; readonly model: string }
  /** The last part of a failed stream. */
  | { readonly type: 'error'; readonly error: LlmErrorInfo };

export interface CompletionResult {
  /** The `provider:model` that answered. */
  readonly model: string;
  readonly text: string;
  readonly toolCalls: ReadonlyArray<Extract<StreamPart, { type: 'tool-call' }>>;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** The validated structured output when the request had `output`. */
  readonly object?: unknown;
  /** Cost in USD from config/prices.json; undefined when the model has no price. */
  readonly costUsd: number | undefined;
}

/**
 * What hosts and commands hold: the configured provider layer with recording, the
 * `llm.request` gate and the approval policy wired in. `stream` never throws: failures are the
 * final `error` part. `complete` collects the stream and throws an LlmError on failure.
 */
export interface LlmService {
  stream(request: CompletionRequest): AsyncIterable<StreamPart>;
  complete(request: CompletionRequest): Promise<CompletionResult>;
}

// ---------------------------------------------------------------------------------------------
// Entry points (src/providers/stream.ts): the plumbing the service is built from
// ---------------------------------------------------------------------------------------------

/** One finished (or failed) attempt against one model, as written to `llm_calls`. */
export interface CallRecord {
  readonly provider: string;
  readonly model: string;
  readonly purpose: string;
  readonly startedAt: number;
  readonly usage: Usage;
  readonly costUsd: number | undefined;
  /** What the same tokens would have cost with no cache (all input at the input price). */
  readonly uncachedCostUsd?: number | undefined;
  /** The reasoning effort sent, when one was. */
  readonly reasoning?: ReasoningEffort | undefined;
  /** Milliseconds from the request to the first text or tool-call part; undefined when none came. */
  readonly ttftMs: number | undefined;
  readonly durationMs: number;
  readonly outcome: 'ok' | LlmErrorKind;
  /** The error message, with every known key redacted. */
  readonly error: string | undefined;
  readonly attempt: number;
  readonly sources: readonly string[];
}

/**
 * What `streamCompletion(request, deps)` / `complete(request, deps)` need besides the request.
 * Everything is injected so src/ never imports host/.
 */
export interface ProviderDeps {
  /** The `providers`, `models`, `aliases`, `failover` config keys (see configSchema.ts). */
  readonly config: import('./configSchema.js').ProvidersConfig;
  readonly env: NodeJS.ProcessEnv;
  /** Called once per attempt when it ends. Must not throw. */
  readonly record?: (call: CallRecord) => void;
  /** Called with the full request of a successful attempt when transcripts are on. */
  readonly transcript?: (call: CallRecord, request: CompletionRequest, response: { text: string; toolCalls: readonly ToolCall[] }) => void;
  /** Prices per model (config/prices.json); omitted = no cost. */
  readonly prices?: import('./cost.js').PriceTable;
  /** For tests: replaces setTimeout-based sleeps and Math.random jitter. */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly random?: () => number;
}
