import type { Database } from '../store/db.js';
import { redact } from '../../src/providers/keys.js';
import type { CallRecord, CompletionRequest, ToolCall } from '../../src/providers/types.js';

/**
 * Writes `llm_calls` (every attempt) and, when transcripts are on, `llm_transcripts`. Every
 * text that reaches the database passes through `redact`, so a key that leaked into an error
 * message or a pasted prompt is not stored.
 */
export interface CallRecorder {
  record(call: CallRecord): void;
  transcript(call: CallRecord, request: CompletionRequest, response: { text: string; toolCalls: readonly ToolCall[] }): void;
}

export function createCallRecorder(db: Database, options: { session?: string | undefined; transcripts: boolean }): CallRecorder {
  const insert = db.prepare(`INSERT INTO llm_calls (started_at, session, provider, model, purpose, attempt,
      input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      cost_usd, ttft_ms, duration_ms, outcome, error, sources, uncached_cost_usd, reasoning_effort)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertTranscript = db.prepare('INSERT INTO llm_transcripts (call_id, request_json, response_json) VALUES (?, ?, ?)');
  // The provider layer calls transcript() right after record() for the same call object.
  const ids = new WeakMap<CallRecord, number>();
  return {
    record(call) {
      const u = call.usage;
      const info = insert.run(
        call.startedAt, options.session ?? null, call.provider, call.model, call.purpose, call.attempt,
        u.input, u.cachedInput, u.cacheWrite, u.output, u.reasoning,
        call.costUsd ?? null, call.ttftMs ?? null, call.durationMs, call.outcome,
        call.error === undefined ? null : redact(call.error), JSON.stringify(call.sources),
        call.uncachedCostUsd ?? null, call.reasoning ?? null,
      );
      ids.set(call, Number(info.lastInsertRowid));
    },
    transcript(call, request, response) {
      if (!options.transcripts) return;
      const id = ids.get(call);
      if (id === undefined) return;
      const req = {
        model: `${call.provider}:${call.model}`,
        purpose: request.purpose,
        sources: request.sources ?? [],
        system: request.system,
        messages: request.messages,
        tools: (request.tools ?? []).map((t) => ({ name: t.name, description: t.description })),
        maxTokens: request.maxTokens,
        temperature: request.temperature,
      };
      insertTranscript.run(id, redact(JSON.stringify(req)), redact(JSON.stringify(response)));
    },
  };
}
