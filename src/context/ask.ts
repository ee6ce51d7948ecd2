import type { CompletionRequest } from '../providers/types.js';
import { fitBudget, renderContext, type FitResult } from './assemble.js';
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

/** The request `picode ask` sends: the question with the fitted context before it. */
export function buildAskRequest(question: string, context: FitResult, options: { model?: string | undefined; maxTokens?: number | undefined } = {}): CompletionRequest {
  const block = renderContext(context.items);
  return {
    ...(options.model ? { model: options.model } : {}),
    system: askSystem,
    messages: [{ role: 'user', content: block ? `${block}\n\n${question}` : question }],
    purpose: 'ask',
    sources: context.items.map((i) => i.source),
    ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
  };
}
