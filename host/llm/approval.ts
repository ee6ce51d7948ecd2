import type { Database } from '../store/db.js';
import type { ApprovalPolicy } from '../../src/providers/configSchema.js';
import type { RequestGuard } from '../../src/providers/service.js';
import { parseModelId } from '../../src/providers/registry.js';
import { LlmError, type CompletionRequest } from '../../src/providers/types.js';

/**
 * The approval policy (`approval.approve`): `never` sends without asking; `always` shows
 * exactly what will be sent and waits for a yes; `first-time-per-source` asks only when a
 * source (a pane, a file; the purpose when there is none) has not yet been approved for the
 * provider it would go to, and remembers the yes in `llm_approvals`.
 */
export interface ApprovalRequest {
  readonly models: readonly string[];
  /** The sources that need a yes (all of them under `always`). */
  readonly sources: readonly string[];
  /** Exactly what will be sent, as text. */
  readonly preview: string;
}

/** Shows the request and resolves true on an explicit yes. `sending` is the request itself (who asks, its signal). */
export type ApprovalPrompt = (request: ApprovalRequest, sending?: CompletionRequest) => Promise<boolean>;

export function createApprovalGuard(options: {
  readonly policy: ApprovalPolicy;
  readonly db?: Database | undefined;
  /** Undefined: nobody can answer (no terminal): requests that need approval are refused. */
  readonly prompt?: ApprovalPrompt | undefined;
  readonly now?: () => number;
}): RequestGuard {
  const { policy, db, prompt } = options;
  const now = options.now ?? Date.now;
  return async (request, chain) => {
    if (policy === 'never') return request;
    const sources = request.sources?.length ? [...request.sources] : [`purpose:${request.purpose ?? 'unspecified'}`];
    const providers = [...new Set(chain.map((id) => parseModelId(id).provider))];
    let pending = sources;
    if (policy === 'first-time-per-source' && db) {
      const approved = db.prepare('SELECT 1 FROM llm_approvals WHERE source = ? AND provider = ?');
      pending = sources.filter((s) => providers.some((p) => approved.get(s, p) === undefined));
      if (pending.length === 0) return request;
    }
    if (!prompt) {
      throw new LlmError({
        kind: 'denied',
        message: `the approval policy (${policy}) needs a yes before sending ${pending.join(', ')} to ${chain.join(', ')}, ` +
          'and nobody can answer here: run in a terminal, pass --yes, or answer with `llm.approve`',
      });
    }
    const yes = await prompt({ models: chain, sources: pending, preview: renderPreview(request, chain) }, request);
    if (!yes) throw new LlmError({ kind: 'denied', message: 'not approved: nothing was sent' });
    if (policy === 'first-time-per-source' && db) {
      const insert = db.prepare('INSERT OR REPLACE INTO llm_approvals (source, provider, approved_at) VALUES (?, ?, ?)');
      db.transaction(() => { for (const s of pending) for (const p of providers) insert.run(s, p, now()); })();
    }
    return request;
  };
}

/** The whole payload, as the model will see it (nothing elided: this is what the user approves). */
export function renderPreview(request: CompletionRequest, chain: readonly string[]): string {
  const lines: string[] = [];
  lines.push(`To: ${chain[0] ?? '(none)'}${chain.length > 1 ? ` (then, if it fails: ${chain.slice(1).join(', ')})` : ''}`);
  if (request.sources?.length) lines.push(`Sources: ${request.sources.join(', ')}`);
  if (request.tools?.length) lines.push(`Tools offered: ${request.tools.map((t) => t.name).join(', ')}`);
  if (request.system) lines.push('----- system -----', request.system);
  for (const m of request.messages) {
    if (m.role === 'tool') lines.push(`----- tool result (${m.toolName}${m.isError ? ', error' : ''}) -----`, m.content);
    else {
      lines.push(`----- ${m.role} -----`);
      if (m.content) lines.push(m.content);
      if (m.role === 'assistant') for (const tc of m.toolCalls ?? []) lines.push(`[tool call ${tc.name} ${JSON.stringify(tc.args)}]`);
    }
  }
  lines.push('------------------');
  return lines.join('\n');
}

/**
 * A prompt on a terminal: prints the preview and reads one line. Resolves false on anything
 * but y/yes (and on end of input).
 */
export function terminalPrompt(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): ApprovalPrompt {
  return async (req) => {
    output.write(`\n${req.preview}\nSend this (${req.sources.join(', ')}) to ${req.models[0]}? [y/N] `);
    const answer = await readLine(input);
    return /^\s*y(es)?\s*$/i.test(answer ?? '');
  };
}

function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) { done(); resolve(buffered.slice(0, nl)); }
    };
    const onEnd = (): void => { done(); resolve(buffered || undefined); };
    const done = (): void => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      (input as NodeJS.ReadStream).pause?.();
    };
    input.on('data', onData);
    input.on('end', onEnd);
    (input as NodeJS.ReadStream).resume?.();
  });
}
