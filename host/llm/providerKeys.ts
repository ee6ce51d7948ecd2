import type { ProvidersConfig } from '../../src/providers/configSchema.js';

/**
 * The environment variables that hold provider keys: the presets' (OPENAI_API_KEY, ...) and
 * each configured provider's `apiKeyEnv`. `picode ask` through a host sends the caller's
 * values of these (and only these) with the request, over the 0600 socket, when the host
 * has none of its own; they live for that request only and are never stored or logged.
 */
export async function providerKeyNames(config: ProvidersConfig): Promise<Set<string>> {
  const { presets } = await import('../../src/providers/registry.js');
  const names = new Set<string>();
  for (const preset of Object.values(presets)) for (const n of preset.keyEnv) names.add(n);
  for (const entry of Object.values(config.providers ?? {})) if (entry?.apiKeyEnv) names.add(entry.apiKeyEnv);
  return names;
}
