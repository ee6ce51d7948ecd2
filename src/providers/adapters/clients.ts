/**
 * SDK clients, imported lazily (importing an SDK is slow: docs/benchmarks.md, "providers") and
 * cached per endpoint and key so connections are reused across calls. `maxRetries: 0`: picode
 * owns retries (the SDKs would otherwise sleep through any Retry-After, ignoring abort).
 * `timeout` is the SDKs' wait for response headers only; the idle watchdog in stream.ts covers
 * the body.
 */
import type OpenAI from 'openai';
import type Anthropic from '@anthropic-ai/sdk';

const cache = new Map<string, Promise<unknown>>();

/**
 * The key under which an adapter passes its activity callback in the SDK's per-request
 * `fetchOptions`; the SDKs spread those into the `fetch` init, where activityFetch finds it.
 */
export const activityOption = 'picodeOnBytes';

/**
 * fetch that reports every chunk of the response body. The SDKs hide keep-alive frames
 * (Anthropic's `ping` events are dropped before iteration), so watching parsed events alone
 * would call a long but healthy wait for the first token (a big prompt) a stall.
 */
async function activityFetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const onBytes = (init as Record<string, unknown> | undefined)?.[activityOption];
  const response = await fetch(url, init);
  if (typeof onBytes !== 'function' || !response.body) return response;
  // A pull-based wrapper (one read per pull, nothing buffered): a pipeThrough(TransformStream)
  // here delayed the first token (docs/benchmarks.md, "providers").
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      (onBytes as () => void)();
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export interface ClientOptions {
  readonly baseUrl: string | undefined;
  readonly apiKey: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

function cacheKey(kind: string, o: ClientOptions): string {
  return `${kind}\0${o.baseUrl ?? ''}\0${o.apiKey}\0${o.timeoutMs}\0${JSON.stringify(o.headers)}`;
}

export function openaiClient(o: ClientOptions): Promise<OpenAI> {
  return cached(cacheKey('openai', o), () => import('openai').then(({ default: OpenAIClient }) => new OpenAIClient({
    apiKey: o.apiKey,
    // null (not undefined) would be ignored; undefined lets the SDK use its default host.
    ...(o.baseUrl ? { baseURL: o.baseUrl } : { baseURL: 'https://api.openai.com/v1' }),
    maxRetries: 0,
    timeout: o.timeoutMs,
    defaultHeaders: { ...o.headers },
    fetch: activityFetch,
  })));
}

export function anthropicClient(o: ClientOptions): Promise<Anthropic> {
  return cached(cacheKey('anthropic', o), () => import('@anthropic-ai/sdk').then(({ default: AnthropicClient }) => new AnthropicClient({
    apiKey: o.apiKey,
    // Explicit null: the SDK would otherwise read ANTHROPIC_AUTH_TOKEN from process.env itself.
    authToken: null,
    baseURL: o.baseUrl ?? 'https://api.anthropic.com',
    maxRetries: 0,
    timeout: o.timeoutMs,
    defaultHeaders: { ...o.headers },
    fetch: activityFetch,
  })));
}

/** One client per provider and settings: the SDK is imported and the client built only once. */
function cached<T>(key: string, create: () => Promise<T>): Promise<T> {
  let client = cache.get(key) as Promise<T> | undefined;
  if (!client) {
    client = create();
    cache.set(key, client);
  }
  return client;
}
