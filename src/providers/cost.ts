import { lookupModel } from './modelTable.js';
import type { Usage } from './types.js';

/**
 * Prices in USD per million tokens (config/prices.json). `cachedInput` and `cacheWrite`
 * default to `input` when a provider does not price them differently.
 */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
  readonly cacheWrite?: number;
  /** Cache writes with Anthropic's 1-hour TTL (2x input); defaults to cacheWrite. */
  readonly cacheWrite1h?: number;
}

/** Keyed by `provider:model`; a key ending in `*` matches a prefix (`ollama:*` = free). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export function findPrice(prices: PriceTable, model: string): ModelPrice | undefined {
  return lookupModel(prices, model);
}

/**
 * Cost of one call. Usage is normalised (types.ts): `input` includes cached reads and cache
 * writes, so each is billed once at its own rate; reasoning tokens are part of `output`.
 */
export function costOf(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const uncached = Math.max(0, usage.input - usage.cachedInput - usage.cacheWrite);
  const long = Math.min(usage.cacheWrite1h ?? 0, usage.cacheWrite);
  const micro =
    uncached * price.input +
    usage.cachedInput * (price.cachedInput ?? price.input) +
    (usage.cacheWrite - long) * (price.cacheWrite ?? price.input) +
    long * (price.cacheWrite1h ?? price.cacheWrite ?? price.input) +
    usage.output * price.output;
  return micro / 1_000_000;
}

/**
 * What the same call would have cost with no prompt cache: every input token at the input
 * price. `uncachedCostOf - costOf` is what caching saved (negative while writes are not yet
 * paid back by reads).
 */
export function uncachedCostOf(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  return (usage.input * price.input + usage.output * price.output) / 1_000_000;
}
