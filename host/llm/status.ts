import type { ProvidersConfig } from '../../src/providers/configSchema.js';

/**
 * Whether the host could send a request for a purpose now, and if not, why and what would
 * enable a provider: what the plan and agent views say as soon as they start, rather than
 * after the first request fails. A model whose provider needs a key counts when the key's
 * variable is set in the host's environment or a key command is configured; a local server
 * counts as configured (it is checked when used).
 */
export interface LlmStatus {
  readonly usable: boolean;
  /** The `provider:model` ids the purpose would try, in order. */
  readonly models: readonly string[];
  /** Why none is usable (undefined when usable). */
  readonly problem?: string;
  /** What would enable one. */
  readonly hint?: string;
}

export async function llmStatus(purpose: string, config: ProvidersConfig, env: NodeJS.ProcessEnv): Promise<LlmStatus> {
  const { resolveChain, resolveTarget, enableHint } = await import('../../src/providers/registry.js');
  const hint = enableHint();
  let chain: string[];
  try {
    chain = resolveChain(undefined, purpose, config, env);
  } catch (error) {
    return { usable: false, models: [], problem: (error as Error).message.replace(/ Set one of.*$/s, ''), hint };
  }
  const missing: string[] = [];
  for (const id of chain) {
    try {
      const { provider } = resolveTarget(id, config, env);
      if (!provider.keyRequired || provider.keyCommand || provider.keyEnv.some((name) => env[name]?.trim())) return { usable: true, models: chain };
      missing.push(`${id} needs ${provider.keyEnv.join(' or ')} in the host's environment`);
    } catch (error) {
      missing.push(`${id}: ${(error as Error).message}`);
    }
  }
  return {
    usable: false,
    models: chain,
    problem: `no LLM provider is usable by the host: ${missing.join('; ')}`,
    hint: `${hint} (the host reads keys from the environment it was started in: restart it with \`picode down\` and \`picode up\` after setting one)`,
  };
}
