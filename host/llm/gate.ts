import type { EventInput, GateDecision } from '../api/hostApi.js';
import type { EventData } from '../bus/catalog/index.js';
import type { RequestGuard } from '../../src/providers/service.js';
import { LlmError, type CompletionRequest, type Message } from '../../src/providers/types.js';
import type { ApprovalPrompt } from './approval.js';
import { isMessage } from '../../src/providers/messages.js';
import { renderPreview } from './approval.js';

/**
 * The `llm.request` hook point. Before anything leaves the machine the request is offered to
 * the gate (in the host: HostApi.gates, i.e. the hook engine and any other gate; standalone:
 * the same hook engine run in-process). A `deny` refuses it; `updatedData` with `system`
 * and/or `messages` replaces them (redaction); `additionalContext` is appended to the system
 * prompt; `ask` needs a yes from the approval prompt.
 */
export type GatePass = (event: EventInput<'llm.request'>) => Promise<GateDecision & { readonly data: LlmRequestData }>;

/** The payload of `llm.request`, as the catalog defines it. */
export type LlmRequestData = EventData<'llm.request'>;

let counter = 0;
export function newRequestId(): string {
  counter = (counter + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${counter.toString(36)}`;
}

export function createGateGuard(pass: GatePass, options: { prompt?: ApprovalPrompt | undefined; requestId?: () => string } = {}): RequestGuard {
  return async (request, chain) => {
    const data: LlmRequestData = {
      requestId: options.requestId?.() ?? newRequestId(),
      models: chain,
      purpose: request.purpose ?? 'unspecified',
      sources: request.sources ?? [],
      ...(request.system !== undefined ? { system: request.system } : {}),
      messages: request.messages,
      tools: (request.tools ?? []).map((t) => t.name),
    };
    const decision = await pass({ type: 'llm.request', data });
    if (decision.decision === 'deny') {
      throw new LlmError({ kind: 'denied', message: `blocked by the llm.request gate${decision.reason ? `: ${decision.reason}` : ''}` });
    }
    let out: CompletionRequest = applyUpdate(request, decision.data);
    if (decision.additionalContext) {
      out = { ...out, system: out.system ? `${out.system}\n\n${decision.additionalContext}` : decision.additionalContext };
    }
    if (decision.decision === 'ask') {
      const why = decision.reason ? ` (${decision.reason})` : '';
      if (!options.prompt) throw new LlmError({ kind: 'denied', message: `a hook asked for confirmation${why} and nobody can answer here` });
      const yes = await options.prompt({ models: chain, sources: out.sources ?? [], preview: `A hook asks for confirmation${why}.\n${renderPreview(out, chain)}` }, out);
      if (!yes) throw new LlmError({ kind: 'denied', message: 'not approved: nothing was sent' });
    }
    return out;
  };
}

/** Takes the (possibly redacted) system prompt and messages a hook returned. */
function applyUpdate(request: CompletionRequest, data: unknown): CompletionRequest {
  if (typeof data !== 'object' || data === null) return request;
  const d = data as { system?: unknown; messages?: unknown };
  let out = request;
  if (typeof d.system === 'string' && d.system !== request.system) out = { ...out, system: d.system };
  if (Array.isArray(d.messages) && d.messages !== request.messages && d.messages.every(isMessage)) {
    out = { ...out, messages: d.messages as Message[] };
  }
  return out;
}
