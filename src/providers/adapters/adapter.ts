import type { ModelTarget } from '../registry.js';
import { activityOption } from './clients.js';
import type { CompletionRequest, FinishReason, JsonSchemaObject, ToolDefinition, Usage } from '../types.js';

/**
 * What an adapter does: one attempt against one model, translated to and from one wire
 * format. It yields parts as they arrive and `finish` only after it saw the stream's final
 * event; it throws the SDK's errors unchanged (errors.ts classifies them). Retries, failover,
 * the watchdog and recording are the caller's (stream.ts).
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
  | { readonly type: 'finish'; readonly reason: FinishReason };

export type Adapter = (call: AdapterCall) => AsyncIterable<AdapterPart>;

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
