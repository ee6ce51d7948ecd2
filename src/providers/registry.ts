import type { ModelChain, ProviderEntry, ProvidersConfig } from './configSchema.js';
import { LlmError } from './types.js';

/**
 * Providers picode knows by name, and how `provider:model` names, aliases and purpose chains
 * resolve to a concrete list of models to try.
 */
export type WireFormat = 'openai' | 'anthropic' | 'openai-compatible';

export interface Preset {
  readonly type: WireFormat;
  /** Undefined = the SDK's own default (api.openai.com, api.anthropic.com). */
  readonly baseUrl: string | undefined;
  /** Environment variable that overrides the base URL, as the SDKs and local servers document it. */
  readonly baseUrlEnv?: string;
  /** Key variables, first set wins. */
  readonly keyEnv: readonly string[];
  /** Local servers accept any key; hosted APIs need one. */
  readonly keyRequired: boolean;
  readonly defaultModel: string;
  /** What to tell a user who has none of this provider (doctor, `ask` without a provider). */
  readonly enable: string;
}

export const presets: Readonly<Record<string, Preset>> = {
  anthropic: {
    type: 'anthropic', baseUrl: undefined, baseUrlEnv: 'ANTHROPIC_BASE_URL', keyEnv: ['ANTHROPIC_API_KEY'],
    keyRequired: true, defaultModel: 'claude-sonnet-4-5', enable: 'set ANTHROPIC_API_KEY',
  },
  openai: {
    type: 'openai', baseUrl: undefined, baseUrlEnv: 'OPENAI_BASE_URL', keyEnv: ['OPENAI_API_KEY'],
    keyRequired: true, defaultModel: 'gpt-4.1-mini', enable: 'set OPENAI_API_KEY',
  },
  openrouter: {
    type: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', keyEnv: ['OPENROUTER_API_KEY'],
    keyRequired: true, defaultModel: 'anthropic/claude-sonnet-4.5', enable: 'set OPENROUTER_API_KEY',
  },
  gemini: {
    type: 'openai-compatible', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    keyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], keyRequired: true, defaultModel: 'gemini-2.5-flash',
    enable: 'set GEMINI_API_KEY',
  },
  ollama: {
    type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', baseUrlEnv: 'OLLAMA_HOST',
    keyEnv: ['OLLAMA_API_KEY'], keyRequired: false, defaultModel: 'qwen2.5-coder',
    enable: 'start Ollama (ollama serve) on 127.0.0.1:11434, or set OLLAMA_HOST',
  },
  vllm: {
    type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', keyEnv: ['VLLM_API_KEY'], keyRequired: false,
    defaultModel: 'default', enable: 'start vLLM (vllm serve MODEL) on 127.0.0.1:8000',
  },
  lmstudio: {
    type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1', keyEnv: ['LMSTUDIO_API_KEY'], keyRequired: false,
    defaultModel: 'default', enable: 'start the LM Studio server on 127.0.0.1:1234',
  },
};

/** Hosted providers tried, in this order, when no model is configured at all. */
const autodetectOrder = ['anthropic', 'openai', 'openrouter', 'gemini'] as const;

export interface ResolvedProvider {
  readonly name: string;
  readonly type: WireFormat;
  readonly baseUrl: string | undefined;
  readonly keyEnv: readonly string[];
  readonly keyCommand: string | undefined;
  readonly keyRequired: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly defaultModel: string;
  /** Prompt caching (`providers.NAME.cache`, default auto). */
  readonly cache: 'auto' | 'off';
  /** Anthropic cache lifetime (`providers.NAME.cacheTtl`, default 5m). */
  readonly cacheTtl: '5m' | '1h';
}

export interface ModelTarget {
  /** `provider:model`, as recorded and priced. */
  readonly id: string;
  readonly provider: ResolvedProvider;
  /** The provider's own model name (everything after the first colon). */
  readonly model: string;
}

export function resolveProvider(name: string, config: ProvidersConfig, env: NodeJS.ProcessEnv): ResolvedProvider {
  const preset = presets[name];
  const entry: ProviderEntry = config.providers?.[name] ?? {};
  const type = entry.type ?? preset?.type;
  if (!type) {
    const known = [...new Set([...Object.keys(presets), ...Object.keys(config.providers ?? {})])].join(', ');
    throw new LlmError({
      kind: 'bad-request',
      message: `unknown provider "${name}" (known: ${known}); a custom provider needs providers.${name}.type and baseUrl in the config`,
    });
  }
  const envBase = preset?.baseUrlEnv ? env[preset.baseUrlEnv] : undefined;
  const baseUrl = entry.baseUrl ?? (envBase ? normaliseEnvBaseUrl(name, envBase) : preset?.baseUrl);
  if (type === 'openai-compatible' && !baseUrl) {
    throw new LlmError({ kind: 'bad-request', message: `provider "${name}" needs providers.${name}.baseUrl in the config` });
  }
  return {
    name,
    type,
    baseUrl,
    keyEnv: entry.apiKeyEnv ? [entry.apiKeyEnv] : (preset?.keyEnv ?? []),
    keyCommand: entry.apiKeyCommand,
    // A custom provider that names a key source needs it; one that names none is a local server.
    keyRequired: preset ? preset.keyRequired || entry.apiKeyEnv !== undefined || entry.apiKeyCommand !== undefined
      : entry.apiKeyEnv !== undefined || entry.apiKeyCommand !== undefined,
    headers: entry.headers ?? {},
    defaultModel: entry.defaultModel ?? preset?.defaultModel ?? 'default',
    cache: entry.cache ?? 'auto',
    cacheTtl: entry.cacheTtl ?? '5m',
  };
}

/** OLLAMA_HOST is `host:port` or a URL without `/v1`; the SDK base URLs are used as they are. */
function normaliseEnvBaseUrl(provider: string, value: string): string {
  if (provider !== 'ollama') return value;
  const url = /^https?:\/\//.test(value) ? value : `http://${value}`;
  return url.replace(/\/+$/, '').replace(/\/v1$/, '') + '/v1';
}

/** Splits `provider:model` at the first colon; `provider:` or `provider` alone = its default model. */
export function parseModelId(id: string): { provider: string; model: string | undefined } {
  const colon = id.indexOf(':');
  if (colon < 0) return { provider: id, model: undefined };
  const model = id.slice(colon + 1);
  return { provider: id.slice(0, colon), model: model || undefined };
}

export function resolveTarget(id: string, config: ProvidersConfig, env: NodeJS.ProcessEnv): ModelTarget {
  const { provider: name, model } = parseModelId(id);
  const provider = resolveProvider(name, config, env);
  const resolvedModel = model ?? provider.defaultModel;
  return { id: `${name}:${resolvedModel}`, provider, model: resolvedModel };
}

/**
 * The list of `provider:model` ids to try for a request: the request's model (or chain), else
 * the configured chain for the purpose, else `models.default`, else the hosted providers whose
 * key is in the environment. Aliases expand recursively (and may themselves be chains).
 */
export function resolveChain(
  requested: ModelChain | undefined,
  purpose: string | undefined,
  config: ProvidersConfig,
  env: NodeJS.ProcessEnv,
): string[] {
  const start = requested ?? configuredChain(purpose, config) ?? autodetected(config, env);
  if (start === undefined || (Array.isArray(start) && start.length === 0)) throw noProviderError(config, env);
  const out: string[] = [];
  const expand = (name: string, seen: readonly string[]): void => {
    const alias = config.aliases?.[name];
    if (alias !== undefined) {
      if (seen.includes(name)) {
        throw new LlmError({ kind: 'bad-request', message: `alias "${name}" refers to itself (${[...seen, name].join(' -> ')})` });
      }
      for (const n of typeof alias === 'string' ? [alias] : alias) expand(n, [...seen, name]);
      return;
    }
    if (!name.includes(':') && !presets[name] && !config.providers?.[name]) {
      throw new LlmError({
        kind: 'bad-request',
        message: `"${name}" is neither provider:model nor an alias (aliases: ${Object.keys(config.aliases ?? {}).join(', ') || 'none'})`,
      });
    }
    const id = name.includes(':') ? name : `${name}:`;
    if (!out.includes(id)) out.push(id);
  };
  for (const name of typeof start === 'string' ? [start] : start) expand(name, []);
  return out;
}

function configuredChain(purpose: string | undefined, config: ProvidersConfig): ModelChain | undefined {
  const models = config.models;
  if (models === undefined) return undefined;
  if (typeof models === 'string' || Array.isArray(models)) return models as ModelChain;
  const byPurpose = models as Readonly<Record<string, ModelChain>>;
  const base = purpose?.split(':')[0];
  return (purpose ? byPurpose[purpose] : undefined) ?? (base ? byPurpose[base] : undefined) ?? byPurpose.default;
}

function autodetected(config: ProvidersConfig, env: NodeJS.ProcessEnv): string[] | undefined {
  const found: string[] = [];
  for (const name of autodetectOrder) {
    const p = resolveProvider(name, config, env);
    if (p.keyCommand || p.keyEnv.some((v) => env[v])) found.push(`${name}:`);
  }
  // Configured local servers count as usable: the user named them.
  for (const [name, entry] of Object.entries(config.providers ?? {})) {
    if (!found.includes(`${name}:`) && (entry.baseUrl || entry.apiKeyCommand || entry.apiKeyEnv)) found.push(`${name}:`);
  }
  return found.length ? found : undefined;
}

export function noProviderError(_config: ProvidersConfig, _env: NodeJS.ProcessEnv): LlmError {
  return new LlmError({ kind: 'auth', message: `no LLM provider is configured or usable. ${enableHint()}` });
}

/** One line naming every way to enable a provider (printed by `ask` and `doctor`). */
export function enableHint(): string {
  const hosted = autodetectOrder.map((n) => presets[n]!.keyEnv[0]).join(', ');
  return `Set one of ${hosted}, or start a local server (Ollama on 127.0.0.1:11434, LM Studio on :1234, vLLM on :8000) ` +
    `and set models: "ollama:MODEL" in the picode config.`;
}
