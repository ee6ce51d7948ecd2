import type { RunStatus } from '../runStore.js';

/**
 * What one hook call of an external agent means for picode, whatever agent sent it. Claude
 * Code and Codex CLI share the hook names and snake_case fields; Codex's `notify` program
 * gets `{ type: "agent-turn-complete", "last-assistant-message": ... }` instead.
 */
export type HookMeaning =
  | { readonly kind: 'prompt'; readonly text: string }
  | { readonly kind: 'tool.before'; readonly tool: string; readonly callId: string; readonly input: unknown }
  | { readonly kind: 'permission'; readonly tool: string; readonly callId: string; readonly input: unknown }
  | { readonly kind: 'tool.after'; readonly tool: string; readonly callId: string; readonly input: unknown; readonly ok: boolean; readonly output: string }
  | { readonly kind: 'notification'; readonly status: RunStatus | undefined; readonly text: string }
  | { readonly kind: 'turn.end'; readonly text: string; readonly failed: string | undefined }
  | { readonly kind: 'session.start' }
  | { readonly kind: 'session.end'; readonly reason: string }
  | { readonly kind: 'other'; readonly name: string };

export interface HookIdentity {
  readonly sessionId: string | undefined;
  readonly transcriptPath: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function identityOf(payload: Record<string, unknown>): HookIdentity {
  return {
    sessionId: str(payload.session_id) ?? str(payload['thread-id']) ?? str(payload.thread_id),
    transcriptPath: str(payload.transcript_path) ?? str(payload.rollout_path),
  };
}

/** The name a payload reports itself as (`hook_event_name`, or `type` for Codex's notify). */
export function eventName(payload: Record<string, unknown>): string | undefined {
  return str(payload.hook_event_name) ?? (str(payload.type) === 'agent-turn-complete' ? 'agent-turn-complete' : undefined);
}

export function meaningOf(payload: Record<string, unknown>): HookMeaning {
  const name = eventName(payload) ?? 'unknown';
  const tool = str(payload.tool_name) ?? 'unknown';
  const callId = str(payload.tool_use_id) ?? str(payload.call_id) ?? '';
  switch (name) {
    case 'UserPromptSubmit': return { kind: 'prompt', text: str(payload.prompt) ?? '' };
    case 'PreToolUse': return { kind: 'tool.before', tool, callId, input: payload.tool_input };
    case 'PermissionRequest': return { kind: 'permission', tool, callId, input: payload.tool_input };
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return { kind: 'tool.after', tool, callId, input: payload.tool_input, ok: name === 'PostToolUse', output: outputText(payload.tool_response ?? payload.error ?? payload.tool_output) };
    case 'Notification': {
      const type = str(payload.notification_type);
      const status = type === 'permission_prompt' ? 'waiting_approval' : type === 'idle_prompt' ? 'waiting_input' : undefined;
      return { kind: 'notification', status, text: str(payload.message) ?? '' };
    }
    case 'Stop': return { kind: 'turn.end', text: str(payload.last_assistant_message) ?? '', failed: undefined };
    case 'agent-turn-complete': return { kind: 'turn.end', text: str(payload['last-assistant-message']) ?? '', failed: undefined };
    case 'StopFailure': return { kind: 'turn.end', text: str(payload.last_assistant_message) ?? '', failed: str(payload.error) ?? str(payload.error_type) ?? 'the turn failed' };
    case 'SessionStart': return { kind: 'session.start' };
    case 'SessionEnd': return { kind: 'session.end', reason: str(payload.reason) ?? 'other' };
    default: return { kind: 'other', name };
  }
}

/** A tool's output as text, shortened for events and the pane (the full output stays in the agent's own transcript). */
export function outputText(value: unknown, max = 4000): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const parts = [str(v.stdout), str(v.stderr), str(v.output), str(v.content)].filter((p): p is string => Boolean(p));
    text = parts.length ? parts.join('\n') : JSON.stringify(value);
  } else text = value === undefined ? '' : String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
