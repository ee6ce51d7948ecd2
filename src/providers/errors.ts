import { redact } from './keys.js';
import type { LlmErrorInfo, LlmErrorKind } from './types.js';

/**
 * Turns whatever an SDK threw into a typed error. Duck-typed on `status`, `headers` and the
 * error body, so neither SDK has to be imported to classify its errors.
 */
export interface ClassifyContext {
  readonly model: string;
  /** The caller's signal fired. */
  readonly aborted: boolean;
  /** The idle watchdog fired. */
  readonly stalled: boolean;
  /** Some wire event had arrived before the failure (the response had started). */
  readonly responseStarted: boolean;
  readonly stallMs: number;
}

interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly status?: number;
  readonly headers?: { get?(name: string): string | null } | Record<string, string>;
  readonly error?: { readonly type?: string; readonly error?: { readonly type?: string; readonly message?: string }; readonly message?: string; readonly code?: string };
  readonly cause?: unknown;
}

const contextTooLong = /context[ _-]?(length|window)|too many tokens|prompt is too long|maximum context|input is too long|exceeds the (?:max|context)/i;

export function classifyError(error: unknown, ctx: ClassifyContext): LlmErrorInfo {
  const e = (error ?? {}) as SdkErrorShape;
  const message = redact(errorMessage(e));
  const base = { model: ctx.model, message };
  if (ctx.stalled) return { ...base, kind: 'stalled', message: `no data from ${ctx.model} for ${ctx.stallMs} ms` };
  if (ctx.aborted || e.name === 'APIUserAbortError' || e.name === 'AbortError') return { ...base, kind: 'aborted', message: 'aborted' };
  if (e.name === 'APIConnectionTimeoutError') return { ...base, kind: 'stalled', message: `no response headers from ${ctx.model} in time` };

  // An `event: error` inside an Anthropic stream has no HTTP status, only a typed body.
  const bodyType = e.error?.error?.type ?? e.error?.type;
  const status = e.status;
  const kind = kindFor(status, bodyType, message, ctx.responseStarted);
  const retryAfterMs = kind === 'rate-limited' || kind === 'overloaded' ? retryAfter(e.headers) : undefined;
  return { ...base, kind, ...(status !== undefined ? { status } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function kindFor(status: number | undefined, bodyType: string | undefined, message: string, started: boolean): LlmErrorKind {
  if (bodyType === 'overloaded_error' || bodyType === 'api_error') return 'overloaded';
  if (bodyType === 'rate_limit_error') return 'rate-limited';
  if (bodyType === 'authentication_error' || bodyType === 'permission_error') return 'auth';
  if (status === undefined) {
    if (bodyType === 'invalid_request_error') return contextTooLong.test(message) ? 'context-too-long' : 'bad-request';
    // A connection that broke after the response began is a cut stream, not a failed connect.
    return started ? 'truncated' : 'network';
  }
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limited';
  if (status === 413) return 'context-too-long';
  if (status === 408) return 'network';
  if (status >= 500) return 'overloaded';
  if (contextTooLong.test(message)) return 'context-too-long';
  return 'bad-request';
}

/** `retry-after-ms` (OpenAI, Anthropic) wins over `retry-after` (seconds or an HTTP date). */
export function retryAfter(headers: SdkErrorShape['headers'], now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | null | undefined =>
    typeof headers.get === 'function' ? headers.get(name) : (headers as Record<string, string>)[name];
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorMessage(e: SdkErrorShape): string {
  const inner = e.error?.error?.message ?? e.error?.message;
  const main = inner ?? e.message ?? String(e);
  const cause = e.cause instanceof Error && e.cause.message && !main.includes(e.cause.message) ? ` (${e.cause.message})` : '';
  return `${main}${cause}`.slice(0, 2000);
}

/** Kinds worth another attempt (same model after a wait, or the next model of the chain). */
export function isTransient(kind: LlmErrorKind): boolean {
  return kind === 'rate-limited' || kind === 'overloaded' || kind === 'network' || kind === 'stalled' || kind === 'truncated';
}
