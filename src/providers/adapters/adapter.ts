import type { ModelTarget } from '../registry.js';
import { activityOption } from './clients.js';
import type { CompletionRequest, FinishReason, JsonSchemaObject, ThinkingBlock, ToolDefinition, Usage } from '../types.js';

/**
 * What an adapter does: one attempt against one model, translated to and from one wire
 * format. `open` builds the provider's request and returns the SDK's event stream; the
 * translator turns each event, synchronously, into parts (`finish` only once the stream's final
 * event was seen). The caller (stream.ts) iterates the SDK stream itself, so a token crosses a
 * single async-generator boundary on its way out. SDK errors propagate unchanged (errors.ts
 * classifies them); retries, failover, the watchdog and recording are the caller's.
 */
export interface AdapterCall {
  readonly target: ModelTarget;
  readonly apiKey: string | undefined;
  readonly request: CompletionRequest;
  /** Tool parameter schemas already converted to JSON Schema, in `request.tools` order. */
  readonly toolSchemas: readonly JsonSchemaObject[];
  /** JSON Schema of `request.output`, when structured output was asked for. */
  readonly outputSchema: JsonSchemaObject | undefined;
  readonly signal: AbortSignal;
  readonly headersTimeoutMs: number;
  /** Called once the SDK is loaded, right before the request is sent: the watchdog starts counting here. */
  ready(): void;
  /** Called on every chunk of the response body (keep-alives included): the watchdog's clock. */
  touch(): void;
}

export type AdapterPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'tool-call'; readonly id: string; readonly name: string; readonly argsText: string }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'thinking'; readonly block: ThinkingBlock }
  | { readonly type: 'finish'; readonly reason: FinishReason };

export interface Translator {
  /** Appends the parts one wire event produces (often none) to `out`. */
  event(event: unknown, out: AdapterPart[]): void;
  /** Called when the SDK stream ended without throwing: appends what is left (usage, finish). */
  end(out: AdapterPart[]): void;
}

export interface Adapter {
  open(call: AdapterCall): Promise<AsyncIterable<unknown>>;
  translator(call: AdapterCall): Translator;
}

/** Tool name used to get structured output from providers without a JSON-schema response mode. */
export const structuredOutputTool = 'respond';

export const emptyUsage: Usage = { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0 };

/** Converts tool and output schemas once per request (zod is loaded only if a zod schema is given). */
export async function toJsonSchema(schema: ToolDefinition['parameters']): Promise<JsonSchemaObject> {
  if (isZod(schema)) {
    const { z } = await import('zod');
    const json = z.toJSONSchema(schema as unknown as import('zod').ZodType, { io: 'input' }) as Record<string, unknown>;
    delete json.$schema;
    return json as JsonSchemaObject;
  }
  return schema as JsonSchemaObject;
}

function isZod(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function';
}

/** The per-request SDK option that routes body activity to `call.touch` (see clients.ts). */
export function activityFetchOptions(call: AdapterCall): never {
  return { [activityOption]: call.touch } as never;
}
