import { presets } from './registry.js';

/**
 * `picode doctor` checks for LLM providers: which hosted providers have a key in the
 * environment, which local servers answer, and where base URLs are overridden. Keys are
 * never printed, not even in part. Config-level providers (apiKeyCommand, custom base URLs)
 * are resolved at call time; `picode ask` reports them precisely when they fail.
 */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'missing';
  readonly detail: string;
  readonly fix?: string;
}

const probeTimeoutMs = 400;

export async function doctorChecks(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let usable = 0;
  for (const name of ['anthropic', 'openai', 'openrouter', 'gemini']) {
    const p = presets[name]!;
    const found = p.keyEnv.find((v) => env[v]?.trim());
    const base = p.baseUrlEnv && env[p.baseUrlEnv] ? `; base URL from ${p.baseUrlEnv}: ${env[p.baseUrlEnv]}` : '';
    if (found) {
      usable++;
      checks.push({ name: `provider ${name}`, status: 'ok', detail: `key in ${found}${base}` });
    } else {
      checks.push({ name: `provider ${name}`, status: 'missing', detail: `no ${p.keyEnv.join(' or ')} in the environment${base}`, fix: p.enable });
    }
  }
  const locals = await Promise.all(['ollama', 'lmstudio', 'vllm'].map(async (name) => {
    const p = presets[name]!;
    const fromEnv = p.baseUrlEnv ? env[p.baseUrlEnv] : undefined;
    const baseUrl = fromEnv ? ollamaBase(fromEnv) : p.baseUrl!;
    const models = await probeModels(baseUrl);
    return { name, baseUrl, models, enable: p.enable };
  }));
  for (const l of locals) {
    if (l.models !== undefined) {
      usable++;
      const list = l.models.length ? `: ${l.models.slice(0, 5).join(', ')}${l.models.length > 5 ? ', ...' : ''}` : '';
      checks.push({ name: `provider ${l.name}`, status: 'ok', detail: `server at ${l.baseUrl} answers (${l.models.length} models${list})` });
    } else {
      checks.push({ name: `provider ${l.name}`, status: 'missing', detail: `no server at ${l.baseUrl}`, fix: l.enable });
    }
  }
  checks.push(usable > 0
    ? { name: 'llm', status: 'ok', detail: `${usable} provider(s) usable from the environment (configured ones are checked when used)` }
    : {
        name: 'llm', status: 'warn',
        detail: 'no provider usable from the environment: `picode ask`, plans and agents need one (unless the config names one)',
        fix: 'set ANTHROPIC_API_KEY or OPENAI_API_KEY, or start Ollama and set models: "ollama:MODEL" in the config',
      });
  return checks;
}

function ollamaBase(value: string): string {
  const url = /^https?:\/\//.test(value) ? value : `http://${value}`;
  return url.replace(/\/+$/, '').replace(/\/v1$/, '') + '/v1';
}

/** GET {base}/models (the OpenAI-compatible listing): the model ids, or undefined when nothing answers. */
async function probeModels(baseUrl: string): Promise<string[] | undefined> {
  try {
    const res = await fetch(`${baseUrl}/models`, { signal: AbortSignal.timeout(probeTimeoutMs) });
    if (!res.ok) return res.status === 401 ? [] : undefined;
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => String(m.id));
  } catch {
    return undefined;
  }
}
