import type { HostApi } from '../api/hostApi.js';
import type { Store } from '../store/db.js';
import type { ProvidersConfig } from '../../src/providers/configSchema.js';
import type { PriceTable } from '../../src/providers/cost.js';
import { createProviderService, type RequestGuard } from '../../src/providers/service.js';
import type { CompletionRequest, LlmService, ProviderDeps, StreamPart } from '../../src/providers/types.js';
import { createApprovalGuard, type ApprovalPrompt } from './approval.js';
import { createGateGuard, newRequestId, type GatePass } from './gate.js';
import { loadPrices } from './prices.js';
import { createCallRecorder } from './recorder.js';

/**
 * The LLM service as picode's parts use it: the provider layer (src/providers) with the call
 * recorder (`llm_calls`, transcripts when `transcripts: true`), prices, the `llm.request` gate
 * and the approval policy wired in. The host builds one at start (`createLlmService(host)`,
 * handed to other extensions by `host.services.get('llm')`); commands that run without a host build
 * their own with `buildLlmService` and a local store.
 */
export interface LlmServiceOptions {
  readonly config: ProvidersConfig;
  readonly env: NodeJS.ProcessEnv;
  /** Where calls are recorded; undefined = not recorded. */
  readonly store?: Store | undefined;
  readonly session?: string | undefined;
  /** The `llm.request` hook point; undefined = no gate (no hooks). */
  readonly gate?: GatePass | undefined;
  /** Who answers approval prompts; undefined = requests that need approval are refused. */
  readonly prompt?: ApprovalPrompt | undefined;
  readonly prices?: PriceTable;
  /** Observes every part of every stream (the host turns them into events). */
  readonly observe?: ((request: CompletionRequest, requestId: string, part: StreamPart) => void) | undefined;
}

export function buildLlmService(options: LlmServiceOptions): LlmService {
  const recorder = options.store
    ? createCallRecorder(options.store.db, { session: options.session, transcripts: options.config.transcripts === true })
    : undefined;
  const deps: ProviderDeps = {
    config: options.config,
    env: options.env,
    prices: options.prices ?? loadPrices(options.env),
    ...(recorder ? { record: (c) => recorder.record(c), transcript: (c, req, res) => recorder.transcript(c, req, res) } : {}),
  };
  const guards: RequestGuard[] = [];
  // The gate runs first, so the approval prompt shows the request as the hooks left it.
  if (options.gate) guards.push(createGateGuard(options.gate, { prompt: options.prompt }));
  guards.push(createApprovalGuard({
    policy: options.config.approval?.approve ?? 'never',
    db: options.store?.db,
    prompt: options.prompt,
  }));
  const inner = createProviderService(deps, guards);
  const observe = options.observe;
  if (!observe) return inner;
  const stream = async function* (request: CompletionRequest): AsyncGenerator<StreamPart, void, undefined> {
    const id = newRequestId();
    for await (const part of inner.stream(request)) {
      observe(request, id, part);
      yield part;
    }
  };
  return {
    stream,
    complete: async (request) => {
      const { collect } = await import('../../src/providers/stream.js');
      return collect(stream(request), request, deps.prices);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Inside the host
// ---------------------------------------------------------------------------------------------

export function createLlmService(host: HostApi, options: { config?: ProvidersConfig; prompt?: ApprovalPrompt; observe?: LlmServiceOptions['observe']; env?: NodeJS.ProcessEnv } = {}): LlmService {
  return buildLlmService({
    config: options.config ?? host.config,
    env: options.env ?? process.env,
    store: host.store,
    session: host.session,
    gate: (event) => host.gates.pass(event),
    prompt: options.prompt,
    observe: options.observe,
  });
}
