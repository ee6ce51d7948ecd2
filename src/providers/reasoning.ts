import { lookupModel } from './modelTable.js';
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
  return lookupModel(setting, modelId) ?? setting.default ?? 'off';
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
