/**
 * Lookup in a table keyed by `provider:model`, where a key ending in `*` matches a prefix
 * (`ollama:*`, `openai:gpt-5*`): the exact key first, else the longest matching prefix.
 * Prices and per-model reasoning efforts use it.
 */
export function lookupModel<T>(table: Readonly<Record<string, T>>, model: string): T | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: { length: number; value: T } | undefined;
  for (const [key, value] of Object.entries(table)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, value };
  }
  return best?.value;
}
