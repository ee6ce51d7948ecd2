import { z } from 'zod';

/**
 * Config keys of the LLM providers (owned by src/providers): `providers`, `models`, `aliases`,
 * `failover`, `approval`, `transcripts`. The plain ProvidersConfig interface below is what the
 * provider layer reads (every key optional, defaults applied in code), so tests and other areas
 * can build one without zod.
 */

/** A model name, or a failover chain of them tried in order. */
const chain = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe('`provider:model` or an alias, or a list of them tried in order (failover chain).');

const providerEntry = z.object({
  type: z.enum(['openai', 'anthropic', 'openai-compatible']).optional()
    .describe('Wire format. Needed only for providers that are not built in (a custom name).'),
  baseUrl: z.string().url().optional()
    .describe('API base URL (for openai-compatible: the URL ending in /v1). Overrides OPENAI_BASE_URL / ANTHROPIC_BASE_URL.'),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional()
    .describe('Name of the environment variable holding the key (never the key itself).'),
  apiKeyCommand: z.string().min(1).optional()
    .describe('A shell command that prints the key (e.g. `pass show openai`); run once per process.'),
  headers: z.record(z.string(), z.string()).optional().describe('Extra HTTP headers sent with every request.'),
  defaultModel: z.string().min(1).optional().describe('Model used when only the provider is named (`ollama:`).'),
  cache: z.enum(['auto', 'off']).optional()
    .describe('Prompt caching: `auto` (default) places Anthropic cache breakpoints where they pay and sends OpenAI\'s prompt_cache_key per run; `off` sends neither.'),
  cacheTtl: z.enum(['5m', '1h']).optional()
    .describe('Anthropic cache lifetime: 5m (default; writes cost 1.25x input) or 1h (writes cost 2x input; pays when turns are minutes apart).'),
}).strict();

export const providersSection = {
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), providerEntry).optional()
    .describe('Per-provider settings: base URL, where the key comes from, extra headers. Built in: openai, anthropic, ollama, openrouter, vllm, lmstudio, gemini.'),
  models: z.union([chain, z.record(z.string(), chain)]).optional()
    .describe('The default model chain, or chains per purpose: `{ default: [...], ask: ..., plan: ..., agent: ... }`.'),
  aliases: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), chain).optional()
    .describe('Short names for models or chains: `{ fast: "openai:gpt-4.1-mini", smart: ["anthropic:claude-sonnet-4-5", "openai:gpt-4.1"] }`.'),
  failover: z.object({
    retries: z.number().int().min(0).max(10).optional().describe('Retries per model on rate limits, overload and network errors (default 2).'),
    baseDelayMs: z.number().int().min(0).optional().describe('First backoff delay; doubles per retry, with full jitter (default 500).'),
    maxDelayMs: z.number().int().min(0).optional().describe('Cap of one backoff delay (default 8000).'),
    maxRetryAfterMs: z.number().int().min(0).optional()
      .describe('Longest Retry-After picode waits; a longer one fails over to the next model at once (default 20000).'),
    stallMs: z.number().int().min(100).optional().describe('Idle watchdog: abort a stream silent for this long (default 30000).'),
    headersTimeoutMs: z.number().int().min(100).optional().describe('Wait for the response headers at most this long (default 60000).'),
  }).strict().optional().describe('Retries, backoff and the stall watchdog (picode owns them; the SDKs never retry).'),
  approval: z.object({
    approve: z.enum(['never', 'always', 'first-time-per-source']).optional()
      .describe('Ask before anything is sent: never, always, or the first time each source (pane, file) goes to a provider.'),
  }).strict().optional().describe('Approval policy for LLM requests.'),
  transcripts: z.boolean().optional().describe('Keep full prompts and responses in the database (off by default).'),
} satisfies Record<string, z.ZodType>;

export type ModelChain = string | readonly string[];

export interface ProviderEntry {
  readonly type?: 'openai' | 'anthropic' | 'openai-compatible' | undefined;
  readonly baseUrl?: string | undefined;
  readonly apiKeyEnv?: string | undefined;
  readonly apiKeyCommand?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly defaultModel?: string | undefined;
  readonly cache?: 'auto' | 'off' | undefined;
  readonly cacheTtl?: '5m' | '1h' | undefined;
}

export interface FailoverConfig {
  readonly retries?: number | undefined;
  readonly baseDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  readonly maxRetryAfterMs?: number | undefined;
  readonly stallMs?: number | undefined;
  readonly headersTimeoutMs?: number | undefined;
}

export type ApprovalPolicy = 'never' | 'always' | 'first-time-per-source';

export interface ProvidersConfig {
  readonly providers?: Readonly<Record<string, ProviderEntry>> | undefined;
  readonly models?: ModelChain | Readonly<Record<string, ModelChain>> | undefined;
  readonly aliases?: Readonly<Record<string, ModelChain>> | undefined;
  readonly failover?: FailoverConfig | undefined;
  readonly approval?: { readonly approve?: ApprovalPolicy | undefined } | undefined;
  readonly transcripts?: boolean | undefined;
}
