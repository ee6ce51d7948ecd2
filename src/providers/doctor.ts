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
  const unavailable: string[] = [];
  for (const name of ['anthropic', 'openai', 'openrouter', 'gemini']) {
    const p = presets[name]!;
    const found = p.keyEnv.find((v) => env[v]?.trim());
    const baseVar = p.baseUrlEnv && env[p.baseUrlEnv] ? p.baseUrlEnv : undefined;
    const base = baseVar ? `; base URL from ${baseVar}: ${env[baseVar]}` : '';
    if (found) {
      checks.push({ name: `provider ${name}`, status: 'ok', detail: `key in ${found}${base}` });
    } else {
      unavailable.push(`${name} (${p.keyEnv.join(' or ')})`);
      if (baseVar) {
        checks.push({ name: `provider ${name}`, status: 'warn', detail: `${baseVar} is set but no ${p.keyEnv.join(' or ')}`, fix: p.enable });
      }
    }
  }
  const locals = await Promise.all(['ollama', 'lmstudio', 'vllm'].map(async (name) => {
    const p = presets[name]!;
    const fromEnv = p.baseUrlEnv ? env[p.baseUrlEnv] : undefined;
    const baseUrl = fromEnv ? ollamaBase(fromEnv) : p.baseUrl!;
    return { name, baseUrl, models: await probeModels(baseUrl) };
  }));
  for (const l of locals) {
    if (l.models !== undefined) {
      const list = l.models.length ? `: ${l.models.slice(0, 5).join(', ')}${l.models.length > 5 ? ', ...' : ''}` : '';
      checks.push({ name: `provider ${l.name}`, status: 'ok', detail: `server at ${l.baseUrl} answers (${l.models.length} models${list}); use --model ${l.name}:MODEL` });
    } else {
      unavailable.push(`${l.name} (no server at ${l.baseUrl.replace(/\/v1$/, '')})`);
    }
  }
  const usable = checks.filter((c) => c.status === 'ok').length;
  checks.push(usable > 0
    ? { name: 'llm', status: 'ok', detail: `${usable} provider(s) usable from the environment; not set up: ${unavailable.join(', ') || 'none'}` }
    : {
        name: 'llm', status: 'warn',
        detail: `no provider usable from the environment (configured ones are checked when used); not set up: ${unavailable.join(', ')}`,
        fix: 'set ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY or GEMINI_API_KEY, or start Ollama and set models: "ollama:MODEL" in the config',
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
