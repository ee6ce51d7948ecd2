/**
 * Limits of one agent run. A run stops (status `failed`, reason `limit`) before the model
 * call that would exceed the turn limit, and as soon as the tokens or the cost reported by
 * the provider pass theirs: usage is only known after a call, so the last call can overshoot
 * the token or cost limit by at most one response.
 */
export interface AgentLimits {
  /** Model calls (one call = one turn, whether it answers or calls tools). */
  readonly maxTurns: number;
  /** Input + output tokens over the whole run. */
  readonly maxTokens: number;
  /** US dollars over the whole run (0 = no cost limit, for local models without prices). */
  readonly maxCostUsd: number;
  /** The same failing tool call (name and arguments) this many times in a row stops the run (default 3). */
  readonly maxRepeatedFailures?: number;
}

export const defaultMaxRepeatedFailures = 3;

export const defaultLimits: AgentLimits = { maxTurns: 40, maxTokens: 2_000_000, maxCostUsd: 5 };

export interface RunUsage {
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Input tokens read from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  /** Input tokens written to the prompt cache (part of inputTokens). */
  cacheWriteTokens?: number;
  /** What caching saved, in USD, against the same calls uncached (negative until reads pay back the writes). */
  cacheSavedUsd?: number;
}

export function emptyUsage(): RunUsage {
  return { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** Why the run must stop before its next model call, or undefined when it may go on. */
export function limitReached(limits: AgentLimits, usage: RunUsage): string | undefined {
  if (usage.turns >= limits.maxTurns) return `turn limit reached (${limits.maxTurns} model calls)`;
  const tokens = usage.inputTokens + usage.outputTokens;
  if (tokens >= limits.maxTokens) return `token limit reached (${tokens} of ${limits.maxTokens})`;
  if (limits.maxCostUsd > 0 && usage.costUsd >= limits.maxCostUsd) {
    return `cost limit reached ($${usage.costUsd.toFixed(4)} of $${limits.maxCostUsd})`;
  }
  return undefined;
}
