import type { PicodeEvent } from '../../bus/envelope.js';
import { line, wrap, type Line } from '../frame.js';

/**
 * What the agent pane shows besides agent runs: `picode ask` exchanges made through the host
 * (rebuilt from the bus events `llm.response.delta` and `llm.response`, purpose `ask`) and the
 * LLM requests the approval policy holds until someone answers (`llm.approvals.watch`).
 * State and pure rendering only; the agent view subscribes and draws.
 */

/** The bus events an ask is made of (what the agent view follows with `events.follow`). */
export const askEventTypes = ['llm.response.delta', 'llm.response'] as const;

export interface AskExchange {
  readonly requestId: string;
  question: string | undefined;
  text: string;
  /** When its first event was emitted (orders asks among agent runs). */
  readonly startedAt: number;
  state: 'streaming' | 'done' | 'failed' | 'interrupted';
  model?: string | undefined;
  usage?: { readonly input: number; readonly output: number } | undefined;
  costUsd?: number | undefined;
  error?: string | undefined;
  outcome?: string | undefined;
  sources: readonly string[];
}

interface DeltaData { requestId: string; purpose: string; question?: string; text: string }
interface ResponseData {
  requestId: string; purpose: string; question?: string; model?: string; text: string; sources?: string[];
  usage?: { input: number; output: number }; costUsd?: number; outcome: string; error?: string;
}

/** Asks, newest last, bounded (an ask is history once a few dozen newer ones exist). */
export class AskLog {
  private readonly asks = new Map<string, AskExchange>();
  /** Id of the newest event applied (where `events.follow` resumes after a reconnection). */
  lastEventId = 0;

  constructor(private readonly keep = 50) {}

  /** Applies one event; returns the ask it started (a request not seen before), if any. */
  apply(event: PicodeEvent): AskExchange | undefined {
    if (event.id <= this.lastEventId) return undefined;
    this.lastEventId = event.id;
    const data = event.data as Partial<DeltaData & ResponseData> | undefined;
    if (!data || data.purpose !== 'ask' || typeof data.requestId !== 'string') return undefined;
    let ask = this.asks.get(data.requestId);
    const started = ask === undefined;
    if (!ask) {
      ask = { requestId: data.requestId, question: undefined, text: '', startedAt: event.time, state: 'streaming', sources: [] };
      this.asks.set(ask.requestId, ask);
      for (const old of [...this.asks.keys()].slice(0, Math.max(0, this.asks.size - this.keep))) this.asks.delete(old);
    }
    if (typeof data.question === 'string') ask.question = data.question;
    if (event.type === 'llm.response.delta') {
      ask.text += data.text ?? '';
    } else if (event.type === 'llm.response') {
      // The final text is the whole answer (a pane that joined mid-stream missed deltas).
      if (data.outcome === 'ok') ask.text = data.text ?? ask.text;
      ask.state = data.outcome === 'ok' ? 'done' : 'failed';
      ask.model = data.model;
      ask.usage = data.usage;
      ask.costUsd = data.costUsd;
      ask.outcome = data.outcome;
      ask.error = data.error;
      ask.sources = data.sources ?? [];
    }
    return started ? ask : undefined;
  }

  get(requestId: string): AskExchange | undefined {
    return this.asks.get(requestId);
  }

  list(): AskExchange[] {
    return [...this.asks.values()];
  }

  newest(): AskExchange | undefined {
    return this.list().at(-1);
  }

  /** The host went away: answers still streaming will never finish. */
  interruptStreaming(): void {
    for (const ask of this.asks.values()) if (ask.state === 'streaming') ask.state = 'interrupted';
  }
}

export function askHeader(ask: AskExchange): string {
  const state = ask.state === 'streaming' ? 'streaming…' : ask.state;
  const parts = [`ask · ${state}`];
  if (ask.model) parts.push(ask.model);
  if (ask.usage) parts.push(`${formatTokens(ask.usage.input + ask.usage.output)} tok`);
  if (ask.costUsd !== undefined) parts.push(`$${ask.costUsd.toFixed(4)}`);
  return parts.join(' · ');
}

/** The exchange: the question, the answer as it streams, then the model, tokens and cost. */
export function askLines(ask: AskExchange, width: number): Line[] {
  const out: Line[] = [];
  out.push(...wrap(`› ${ask.question ?? '(the question arrives with the answer)'}`, width).map((t) => line(t, 'bold')));
  if (ask.text) out.push(...wrap(ask.text.replace(/\s+$/, ''), width).map((t) => line(t)));
  if (ask.state === 'streaming') {
    if (!ask.text) out.push(line('waiting for the answer…', 'dim'));
  } else if (ask.state === 'interrupted') {
    out.push(line('— interrupted: the host went away before the answer finished', 'error'));
  } else {
    const usage = ask.usage ? ` · ${ask.usage.input} in / ${ask.usage.output} out tokens` : '';
    const cost = ask.costUsd !== undefined ? ` · $${ask.costUsd.toFixed(4)}` : '';
    const what = ask.state === 'done' ? '— done' : `— failed (${ask.outcome ?? 'error'})${ask.error ? `: ${ask.error}` : ''}`;
    out.push(...wrap(`${what} · ${ask.model ?? 'no model answered'}${usage}${cost}`, width).map((t) => line(t, ask.state === 'done' ? 'ok' : 'error')));
    if (ask.sources.length) out.push(...wrap(`sources: ${ask.sources.join(', ')}`, width).map((t) => line(t, 'dim')));
  }
  return out;
}

/** A request the approval policy holds (an item of `llm.approvals`). */
export interface LlmApproval {
  readonly approvalId: string;
  readonly models: readonly string[];
  readonly sources: readonly string[];
  readonly preview: string;
  readonly since?: number;
}

/**
 * The oldest waiting request as the terminal prompt of `picode ask` shows it (the whole
 * payload, then who gets what), and how many wait after it. `y`/`n` answer this one.
 */
export function llmApprovalLines(pending: readonly LlmApproval[], width: number): Line[] {
  const first = pending[0];
  if (!first) return [];
  const out: Line[] = [line(''), line('An LLM request waits for your approval:', 'warn')];
  for (const text of first.preview.split('\n')) out.push(...wrap(text, width).map((t) => line(t, 'dim')));
  out.push(...wrap(`Send this (${first.sources.join(', ')}) to ${first.models[0] ?? '(no model)'}? [y/n]`, width).map((t) => line(t, 'warn')));
  if (pending.length > 1) out.push(line(`${pending.length - 1} more LLM request${pending.length > 2 ? 's wait' : ' waits'} after this one`, 'dim'));
  return out;
}

export function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
