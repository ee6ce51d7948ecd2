import type { Message } from './types.js';

/** Checks untrusted input (IPC params, a hook's rewritten request) is a Message. */
export function isMessage(m: unknown): m is Message {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (typeof r.content !== 'string') return false;
  if (r.role === 'user') return r.cache === undefined || r.cache === 'stable' || r.cache === 'volatile';
  if (r.role === 'assistant') return r.toolCalls === undefined || Array.isArray(r.toolCalls);
  return r.role === 'tool' && typeof r.toolCallId === 'string' && typeof r.toolName === 'string';
}
