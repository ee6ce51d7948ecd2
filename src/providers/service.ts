import { resolveChain } from './registry.js';
import { collect, streamCompletion } from './stream.js';
import { LlmError, type CompletionRequest, type LlmService, type ProviderDeps, type StreamPart } from './types.js';

/**
 * A check that runs before anything leaves the machine: the `llm.request` gate (hooks may
 * redact or block) and the approval policy. It returns the request to send (possibly
 * rewritten) or throws an LlmError of kind `denied`.
 */
export type RequestGuard = (request: CompletionRequest, chain: readonly string[]) => Promise<CompletionRequest>;

/** The provider layer with its guards: what the host service and standalone commands hand out. */
export function createProviderService(deps: ProviderDeps, guards: readonly RequestGuard[] = []): LlmService {
  async function* stream(request: CompletionRequest): AsyncGenerator<StreamPart, void, undefined> {
    let toSend = request;
    if (guards.length) {
      try {
        const chain = resolveChain(request.model, request.purpose, deps.config, deps.env);
        for (const guard of guards) toSend = await guard(toSend, chain);
      } catch (error) {
        const e = error instanceof LlmError ? error : new LlmError({ kind: 'denied', message: (error as Error).message });
        yield { type: 'error', error: { kind: e.kind, message: e.message, ...(e.model ? { model: e.model } : {}) } };
        return;
      }
    }
    yield* streamCompletion(toSend, deps);
  }
  return {
    stream,
    complete: (request) => collect(stream(request), request, deps.prices),
  };
}
