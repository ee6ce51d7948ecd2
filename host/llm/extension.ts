import type { HostApi, HostExtension, IpcCallContext } from '../api/hostApi.js';
import { PicodeError } from '../core/errors.js';
import { costOf, findPrice, type PriceTable } from '../../src/providers/cost.js';
import type { CompletionRequest, Message, StreamPart, Usage } from '../../src/providers/types.js';
import type { ApprovalPrompt, ApprovalRequest } from './approval.js';
import { newRequestId } from './gate.js';
import { isMessage } from '../../src/providers/messages.js';
import { loadPrices } from './prices.js';
import { createLlmService } from './service.js';
import { providerKeyNames } from './providerKeys.js';
import { llmStatus } from './status.js';
import { providersSection } from '../../src/providers/configSchema.js';
import type { PicodeConfig } from '../config/schema.js';
import type { LlmService } from '../../src/providers/types.js';

/** The config sections the LLM service is built from: a change to any of them rebuilds it. */
const llmSections = Object.keys(providersSection);

declare module '../api/hostApi.js' {
  interface HostServices {
    /** The host's LLM service (plugins' `llm` capability, agents, plans, hooks). */
    llm: LlmService;
  }
}

/**
 * The llm part of the host: starts the LLM service other extensions get from
 * `host.services` (as `llm`), serves it over IPC, and puts answers on the bus.
 *
 * IPC methods:
 * - `llm.stream { request, question? }`: runs a request (gate, approval, recording) and sends
 *   each StreamPart back as a `llm.part` notification; used by `picode ask` when a host runs.
 *   If approval is needed, the caller gets a `llm.approval` notification (ApprovalRequest +
 *   `approvalId`) and answers with `llm.approve`.
 * - `llm.approvals`: the requests waiting for a yes (id, destination, sources, full preview).
 * - `llm.approvals.watch`: the same list, then `llm.approvals.changed { pending }`
 *   notifications whenever it changes (the agent pane shows and answers them).
 * - `llm.status.watch { purpose }`: whether a request for the purpose (`plan`, `agent`) could be
 *   sent, and if not why and what would enable a provider (host/llm/status.ts); then
 *   `llm.status.changed { purpose, status }` notifications when a config reload changes it.
 * - `llm.approve { approvalId, approve }`: answers a pending approval (from the asking
 *   terminal, or any client that saw the `llm.approval.requested` event).
 *
 * A config reload that changes the provider sections (providers, models, aliases, failover,
 * approval, transcripts) builds a new service: the next request uses it, requests already
 * streaming finish on the one they started with.
 *
 * Events: `llm.response.delta` (coalesced text of `ask` answers, for the agent pane),
 * `llm.response` (every request's outcome, tokens, cost), `llm.approval.requested`.
 */
const approvalTimeoutMs = 10 * 60_000;
const deltaFlushMs = 100;
/** How long a gated request waits for the plugin runtime at host start before it is refused. */
const runtimeStartMs = 60_000;

export function createLlmExtension(): HostExtension {
  const pending = new Map<string, (approve: boolean) => void>();
  const waiting = new Map<string, ApprovalRequest & { approvalId: string; since: number }>();
  // The IPC call a request came from, keyed by the call's signal (which the request carries):
  // approvals go back to that caller, and `ask` answers are published with their question.
  const callers = new WeakMap<AbortSignal, { ctx: IpcCallContext; question: string | undefined }>();
  const callerOf = (request: CompletionRequest | undefined) => (request?.signal ? callers.get(request.signal) : undefined);
  const timers = new Set<NodeJS.Timeout>();
  const approvalWatchers = new Set<() => void>();
  const approvalsChanged = (): void => { for (const send of approvalWatchers) send(); };
  let prices: PriceTable = {};
  const unregister: Array<() => void> = [];
  // The views watching whether a provider is usable, told again after a config reload.
  const statusWatchers = new Set<() => Promise<void>>();
  // Rebuilt by `reconfigure`; undefined until `start`.
  let rebuild: ((config: PicodeConfig) => Promise<void>) | undefined;

  return {
    name: 'llm',
    async start(host: HostApi): Promise<void> {
      prices = loadPrices(process.env);
      const prompt: ApprovalPrompt = (req, sending) => waitForApproval(host, req, callerOf(sending)?.ctx);
      const observer = createObserver(host, () => prices, (request) => callerOf(request)?.question, timers);
      let service = createLlmService(host, { prompt, observe: observer });
      let keyNames = await providerKeyNames(host.config);
      // One service object for the host's life, reading the current build per request: whoever
      // holds it gets the rebuilt one on their next request, and streams already running finish on theirs.
      const current: LlmService = {
        stream: (request) => service.stream(request),
        complete: (request) => service.complete(request),
      };
      unregister.push(host.services.provide('llm', current));
      rebuild = async (config) => {
        const names = await providerKeyNames(config);
        service = createLlmService(host, { config, prompt, observe: observer });
        keyNames = names;
      };
      unregister.push(await registerRequiredGates(host));

      host.ipc.register('llm.stream', async (params, ctx) => {
        const { request, question } = parseStreamParams(params);
        callers.set(ctx.signal, { ctx, question });
        // The caller's provider keys, for the ones this host lacks: a service for this request only.
        const keys = callerKeys(params, keyNames);
        const use = keys ? createLlmService(host, { prompt, observe: observer, env: { ...keys, ...definedOnly(process.env) } }) : service;
        for await (const part of use.stream({ ...request, signal: ctx.signal })) ctx.notify('llm.part', { part });
        return { done: true };
      });
      host.ipc.register('llm.approvals', () => ({ pending: [...waiting.values()] }));
      // The same list, then `llm.approvals.changed { pending }` on the same connection whenever a
      // request starts or stops waiting (answered, timed out, its caller gone): the agent pane.
      host.ipc.register('llm.approvals.watch', (_params, ctx) => {
        const send = (): void => ctx.notify('llm.approvals.changed', { pending: [...waiting.values()] });
        approvalWatchers.add(send);
        ctx.signal.addEventListener('abort', () => approvalWatchers.delete(send), { once: true });
        if (ctx.signal.aborted) approvalWatchers.delete(send);
        return { pending: [...waiting.values()] };
      });
      host.ipc.register('llm.status.watch', async (params, ctx) => {
        const purpose = typeof (params as { purpose?: unknown } | null)?.purpose === 'string' ? (params as { purpose: string }).purpose : 'ask';
        const send = async (): Promise<void> => ctx.notify('llm.status.changed', { purpose, status: await llmStatus(purpose, host.config, process.env) });
        statusWatchers.add(send);
        ctx.signal.addEventListener('abort', () => statusWatchers.delete(send), { once: true });
        if (ctx.signal.aborted) statusWatchers.delete(send);
        return llmStatus(purpose, host.config, process.env);
      });
      host.ipc.register('llm.approve', (params) => {
        const p = (params ?? {}) as { approvalId?: unknown; approve?: unknown };
        const resolve = typeof p.approvalId === 'string' ? pending.get(p.approvalId) : undefined;
        if (!resolve) throw new PicodeError(`no pending approval ${String(p.approvalId)}`, { hint: 'it was answered already, or timed out' });
        resolve(p.approve === true);
        return { ok: true };
      });
    },
    async reconfigure(config: PicodeConfig, changed: ReadonlySet<string>): Promise<readonly string[]> {
      const mine = llmSections.filter((k) => changed.has(k));
      if (!rebuild || mine.length === 0) return [];
      await rebuild(config);
      await Promise.all([...statusWatchers].map((send) => send().catch(() => undefined)));
      return mine;
    },
    async stop(): Promise<void> {
      rebuild = undefined;
      statusWatchers.clear();
      for (const u of unregister.splice(0)) u();
      for (const resolve of pending.values()) resolve(false);
      pending.clear();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };

  function waitForApproval(host: HostApi, req: ApprovalRequest, ctx: IpcCallContext | undefined): Promise<boolean> {
    const approvalId = newRequestId();
    host.bus.emit({ type: 'llm.approval.requested', data: { approvalId, models: req.models, sources: req.sources, preview: req.preview } });
    ctx?.notify('llm.approval', { approvalId, ...req });
    return new Promise<boolean>((resolve) => {
      const finish = (yes: boolean): void => {
        pending.delete(approvalId);
        waiting.delete(approvalId);
        clearTimeout(timer);
        timers.delete(timer);
        ctx?.signal.removeEventListener('abort', onAbort);
        approvalsChanged();
        resolve(yes);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), approvalTimeoutMs);
      timer.unref();
      timers.add(timer);
      ctx?.signal.addEventListener('abort', onAbort, { once: true });
      pending.set(approvalId, finish);
      waiting.set(approvalId, { approvalId, ...req, since: Date.now() });
      approvalsChanged();
    });
  }
}

/**
 * Registered here, before any request can be served, rather than by the plugins extension
 * (which starts later): a request that arrives while plugins load waits for the gating ones.
 */
async function registerRequiredGates(host: HostApi): Promise<() => void> {
  const [{ discoverPlugins }, { requiredGatesGuard }] = await Promise.all([import('../plugins/manifest.js'), import('./requiredGates.js')]);
  const manifests = discoverPlugins({ dirs: host.config.plugins?.dirs, cwd: process.cwd() }).plugins.filter((m) => m.gates.length > 0);
  if (manifests.length === 0) return () => undefined;
  return host.gates.register('required-plugin-gates', requiredGatesGuard({
    manifests, config: host.config.plugins, runtimeNow: () => host.services.get('plugins'), runtime: () => host.services.when('plugins', runtimeStartMs),
  }));
}

/** Turns stream parts into bus events: coalesced deltas for `ask`, one `llm.response` per request. */
function createObserver(host: HostApi, prices: () => PriceTable, question: (request: CompletionRequest) => string | undefined, timers: Set<NodeJS.Timeout>) {
  interface Acc { text: string; unsent: string; timer: NodeJS.Timeout | undefined; toolCalls: number; usage: Usage | undefined; model: string | undefined; announced: boolean }
  const open = new Map<string, Acc>();
  const flush = (id: string, purpose: string, acc: Acc, q: string | undefined): void => {
    if (acc.timer) { clearTimeout(acc.timer); timers.delete(acc.timer); acc.timer = undefined; }
    if (!acc.unsent) return;
    // The first delta of an `ask` carries the question, so a pane shows it while the answer streams.
    const first = !acc.announced && q !== undefined;
    acc.announced = true;
    host.bus.emit({ type: 'llm.response.delta', data: { requestId: id, purpose, ...(first ? { question: q } : {}), text: acc.unsent } });
    acc.unsent = '';
  };
  return (request: CompletionRequest, id: string, part: StreamPart): void => {
    const purpose = request.purpose ?? 'unspecified';
    let acc = open.get(id);
    if (!acc) { acc = { text: '', unsent: '', timer: undefined, toolCalls: 0, usage: undefined, model: undefined, announced: false }; open.set(id, acc); }
    switch (part.type) {
      case 'attempt': acc.model = part.model; acc.text = ''; break;
      case 'text-delta':
        acc.text += part.text;
        if (purpose === 'ask') {
          acc.unsent += part.text;
          if (!acc.timer) {
            const a = acc;
            a.timer = setTimeout(() => flush(id, purpose, a, question(request)), deltaFlushMs);
            timers.add(a.timer);
          }
        }
        break;
      case 'tool-call': acc.toolCalls++; break;
      case 'usage': acc.usage = part.usage; break;
      case 'finish':
      case 'error': {
        flush(id, purpose, acc, question(request));
        open.delete(id);
        const usage = acc.usage ?? { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0 };
        const model = part.type === 'finish' ? part.model : (part.error.model ?? acc.model);
        const cost = model ? costOf(usage, findPrice(prices(), model)) : undefined;
        const q = question(request);
        host.bus.emit({
          type: 'llm.response',
          data: {
            requestId: id, purpose, ...(q ? { question: q } : {}), ...(model ? { model } : {}),
            text: part.type === 'finish' ? acc.text : '', toolCalls: acc.toolCalls, sources: [...(request.sources ?? [])],
            usage, ...(cost !== undefined ? { costUsd: cost } : {}),
            outcome: part.type === 'finish' ? 'ok' : part.error.kind,
            ...(part.type === 'error' ? { error: part.error.message } : {}),
          },
        });
        break;
      }
    }
  };
}

/** `keys` of an `llm.stream` call: provider key variables only (by name), non-empty strings only. */
function callerKeys(params: unknown, names: ReadonlySet<string>): Record<string, string> | undefined {
  const raw = (params as { keys?: unknown } | null)?.keys;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const keys: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (names.has(name) && typeof value === 'string' && value !== '' && value.length < 4096) keys[name] = value;
  }
  return Object.keys(keys).length > 0 ? keys : undefined;
}

/** The host's own variables win; an empty one does not hide the caller's. */
function definedOnly(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

function parseStreamParams(params: unknown): { request: CompletionRequest; question: string | undefined } {
  const p = (params ?? {}) as { request?: Record<string, unknown>; question?: unknown };
  const r = p.request;
  if (!r || !Array.isArray(r.messages) || r.messages.length === 0 || !r.messages.every(isMessage)) {
    throw new PicodeError('llm.stream needs { request: { messages: [{ role: "user", content: "..." }, ...] } }', {
      hint: 'roles: user, assistant (content, toolCalls), tool (toolCallId, toolName, content)',
    });
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const model = Array.isArray(r.model) ? r.model.filter((m): m is string => typeof m === 'string') : str(r.model);
  const request: CompletionRequest = {
    messages: r.messages as Message[],
    ...(model !== undefined ? { model } : {}),
    ...(str(r.system) !== undefined ? { system: str(r.system)! } : {}),
    ...(num(r.maxTokens) !== undefined ? { maxTokens: num(r.maxTokens)! } : {}),
    ...(num(r.temperature) !== undefined ? { temperature: num(r.temperature)! } : {}),
    ...(str(r.cacheKey) !== undefined ? { cacheKey: str(r.cacheKey)! } : {}),
    purpose: str(r.purpose) ?? 'ask',
    sources: Array.isArray(r.sources) ? r.sources.filter((s): s is string => typeof s === 'string') : [],
  };
  return { request, question: str(p.question) };
}
