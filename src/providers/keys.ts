import { execFile } from 'node:child_process';
import type { ResolvedProvider } from './registry.js';
import { LlmError } from './types.js';

/**
 * API keys: from a command named in the config (run once per process, cached in memory), else
 * the environment variables users expect. Every key picode resolves is remembered so `redact`
 * can strip it from anything that is about to be written (errors, records, transcripts, logs).
 */
const knownKeys = new Set<string>();
const commandCache = new Map<string, Promise<string>>();

export async function resolveKey(provider: ResolvedProvider, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let key: string | undefined;
  if (provider.keyCommand) {
    key = await runKeyCommand(provider, env);
  } else {
    for (const name of provider.keyEnv) {
      const value = env[name]?.trim();
      if (value) { key = value; break; }
    }
  }
  if (key) rememberSecret(key);
  return key;
}

export function rememberSecret(secret: string): void {
  if (secret.length >= 6) knownKeys.add(secret);
}

/** Where the key of a provider would come from, for messages and `doctor` (never the key). */
export function keySourceDescription(provider: ResolvedProvider): string {
  if (provider.keyCommand) return `the command \`${provider.keyCommand}\` (providers.${provider.name}.apiKeyCommand)`;
  return provider.keyEnv.length ? provider.keyEnv.join(' or ') : '(no key needed)';
}

function runKeyCommand(provider: ResolvedProvider, env: NodeJS.ProcessEnv): Promise<string> {
  const command = provider.keyCommand!;
  let pending = commandCache.get(command);
  if (!pending) {
    pending = new Promise<string>((resolve, reject) => {
      execFile('/bin/sh', ['-c', command], { env, timeout: 15_000, maxBuffer: 64 * 1024 }, (error, stdout) => {
        const key = String(stdout).trim().split('\n')[0]?.trim() ?? '';
        if (error || !key) {
          // Never include stdout here: a half-printed key must not reach an error message.
          reject(new LlmError({
            kind: 'auth',
            message: `the key command for provider "${provider.name}" (providers.${provider.name}.apiKeyCommand) ` +
              (error ? `failed: ${error.killed ? 'timed out after 15 s' : `exit ${String(error.code)}`}` : 'printed nothing'),
          }));
        } else {
          resolve(key);
        }
      });
    });
    commandCache.set(command, pending);
    pending.catch(() => commandCache.delete(command));
  }
  return pending;
}

/** Common key shapes, redacted even when picode did not resolve the key itself. */
const keyPattern = /\b(sk-(?:ant-|proj-|or-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,})\b/g;

export function redact(text: string): string {
  let out = text;
  for (const key of knownKeys) if (out.includes(key)) out = out.split(key).join('[redacted]');
  return out.replace(keyPattern, '[redacted]');
}
