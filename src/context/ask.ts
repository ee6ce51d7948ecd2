import { createHash } from 'node:crypto';
import type { CompletionRequest } from '../providers/types.js';
import { fitBudget, renderContext, type FitResult } from './assemble.js';
import { stableFirst } from './stable.js';
import type { ContextItem, ContextSource } from './types.js';

/** Runs every source (in parallel); a failing source fails the whole gathering with its message. */
export interface GatheredContext extends FitResult {
  /** Every item before fitting, for the record. */
  readonly candidates: readonly ContextItem[];
}

export async function gatherContext(sources: readonly ContextSource[], budgetTokens: number): Promise<GatheredContext> {
  const lists = await Promise.all(sources.map((s) => s()));
  const candidates = lists.flat();
  return { ...fitBudget(candidates, budgetTokens), candidates };
}

const askSystem = [
  'You are picode, a coding assistant answering questions in a terminal.',
  'Context from the user\'s terminal panes and files follows in <context> blocks; use it when it is relevant,',
  'say so when it is not enough, and answer concisely in plain text suitable for a terminal (short code blocks are fine).',
].join(' ');

/**
 * The request `picode ask` sends: stable context (files) first, in a message of its own that is
 * cached when large; then the volatile context (pane tails, the failed command) and the
 * question, which change from one ask to the next and are never cached. Asks about the same
 * stable context share a cache key (OpenAI's prompt_cache_key), so they reach the cache that
 * holds it.
 */
export function buildAskRequest(question: string, context: FitResult, options: { model?: string | undefined; maxTokens?: number | undefined } = {}): CompletionRequest {
  const { stable, volatile } = stableFirst(context.items);
  const stableBlock = renderContext(stable);
  const volatileBlock = renderContext(volatile);
  return {
    ...(options.model ? { model: options.model } : {}),
    system: askSystem,
    messages: [
      ...(stableBlock ? [{ role: 'user' as const, content: stableBlock, cache: 'stable' as const }] : []),
      { role: 'user', content: volatileBlock ? `${volatileBlock}\n\n${question}` : question, cache: 'volatile' },
    ],
    purpose: 'ask',
    ...(stableBlock ? { cacheKey: `picode-ask-${createHash('sha256').update(`${askSystem}\u0000${stableBlock}`).digest('hex').slice(0, 16)}` } : {}),
    sources: context.items.map((i) => i.source),
    ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
  };
}
