import type { ReasoningEffort, ReasoningSetting } from './types.js';

/**
 * Reasoning effort, set once (`agents.reasoning: medium`) or per model
 * (`{ "anthropic:claude-sonnet-4-5": high, "openai:*": low, default: off }`), resolved for the
 * model an attempt goes to: a failover chain may mix models that take it and models that
 * reject it (OpenAI answers 400 to `reasoning_effort` on a non-reasoning model).
 */
export function effortFor(setting: ReasoningSetting | undefined, modelId: string): ReasoningEffort {
  if (setting === undefined) return 'off';
  if (typeof setting === 'string') return setting;
  const exact = setting[modelId];
  if (exact) return exact;
  let best: { length: number; effort: ReasoningEffort } | undefined;
  for (const [key, effort] of Object.entries(setting)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (modelId.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, effort };
  }
  return best?.effort ?? setting.default ?? 'off';
}

/**
 * Anthropic extended thinking takes a token budget instead of an effort. The budget must be
 * at least 1,024 and below max_tokens; the adapter raises max_tokens to leave room for the
 * answer after the thinking.
 */
export const anthropicThinkingBudget: Readonly<Record<Exclude<ReasoningEffort, 'off'>, number>> = {
  low: 2_048,
  medium: 8_192,
  high: 24_576,
};
