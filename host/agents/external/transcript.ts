import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ToolCall } from '../../../src/providers/types.js';
import type { TranscriptEntry } from '../runStore.js';

/**
 * Reads an external agent's own session file into picode's transcript entries: Claude Code's
 * transcript JSONL (`transcript_path` from its hooks) and Codex CLI's rollout JSONL (found by
 * its thread id under CODEX_HOME/sessions). Lines it does not understand are skipped: these
 * formats belong to the agents and grow new line types; what picode reads is messages, tool
 * calls and results, and token counts.
 */
export interface ImportedTranscript {
  readonly entries: TranscriptEntry[];
  readonly usage: { inputTokens: number; outputTokens: number };
  readonly path: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function lines(path: string): Json[] {
  const out: Json[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = obj(JSON.parse(line));
      if (value) out.push(value);
    } catch {
      // A line being written as we read, or one we do not know: skipped.
    }
  }
  return out;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c) => str(obj(c)?.text) ?? '').filter(Boolean).join('\n');
}

export function importClaudeTranscript(path: string): ImportedTranscript {
  const entries: TranscriptEntry[] = [];
  const names = new Map<string, string>();
  const usage = { inputTokens: 0, outputTokens: 0 };
  for (const line of lines(path)) {
    if (line.isSidechain === true || line.isMeta === true) continue;
    const message = obj(line.message);
    if (!message) continue;
    const content = message.content;
    if (line.type === 'user') {
      if (typeof content === 'string') { entries.push({ kind: 'user', text: content }); continue; }
      for (const part of Array.isArray(content) ? content : []) {
        const p = obj(part);
        if (p?.type === 'tool_result') {
          const id = str(p.tool_use_id) ?? '';
          entries.push({ kind: 'tool_result', toolCallId: id, toolName: names.get(id) ?? 'tool', content: textOf(p.content), ...(p.is_error === true ? { isError: true } : {}) });
        } else if (p?.type === 'text' && str(p.text)) entries.push({ kind: 'user', text: str(p.text)! });
      }
    } else if (line.type === 'assistant') {
      const u = obj(message.usage);
      if (u) {
        usage.inputTokens += Number(u.input_tokens ?? 0) + Number(u.cache_read_input_tokens ?? 0) + Number(u.cache_creation_input_tokens ?? 0);
        usage.outputTokens += Number(u.output_tokens ?? 0);
      }
      const calls: ToolCall[] = [];
      for (const part of Array.isArray(content) ? content : []) {
        const p = obj(part);
        if (p?.type === 'tool_use') {
          const id = str(p.id) ?? '';
          names.set(id, str(p.name) ?? 'tool');
          calls.push({ id, name: str(p.name) ?? 'tool', args: p.input });
        }
      }
      const text = textOf(content);
      if (text || calls.length) entries.push({ kind: 'assistant', text, ...(calls.length ? { toolCalls: calls } : {}) });
    }
  }
  return { entries, usage, path };
}

export function importCodexRollout(path: string): ImportedTranscript {
  const entries: TranscriptEntry[] = [];
  const names = new Map<string, string>();
  const usage = { inputTokens: 0, outputTokens: 0 };
  for (const line of lines(path)) {
    const payload = obj(line.payload);
    if (!payload) continue;
    if (line.type === 'event_msg' && payload.type === 'token_count') {
      const total = obj(obj(payload.info)?.total_token_usage);
      if (total) { usage.inputTokens = Number(total.input_tokens ?? 0); usage.outputTokens = Number(total.output_tokens ?? 0); }
      continue;
    }
    if (line.type !== 'response_item') continue;
    if (payload.type === 'message') {
      const text = textOf(payload.content);
      // Codex puts its instructions and environment context in user messages: keep only what was typed.
      if (payload.role === 'user' && text && !text.startsWith('<')) entries.push({ kind: 'user', text });
      else if (payload.role === 'assistant' && text) entries.push({ kind: 'assistant', text });
    } else if (payload.type === 'function_call' || payload.type === 'custom_tool_call' || payload.type === 'local_shell_call') {
      const id = str(payload.call_id) ?? '';
      const name = str(payload.name) ?? 'shell';
      names.set(id, name);
      let args: unknown = payload.arguments ?? payload.input ?? payload.action;
      if (typeof args === 'string') { try { args = JSON.parse(args); } catch { /* keep the text */ } }
      entries.push({ kind: 'assistant', text: '', toolCalls: [{ id, name, args }] });
    } else if (payload.type === 'function_call_output' || payload.type === 'custom_tool_call_output') {
      const id = str(payload.call_id) ?? '';
      const output = payload.output;
      entries.push({ kind: 'tool_result', toolCallId: id, toolName: names.get(id) ?? 'tool', content: typeof output === 'string' ? output : textOf(obj(output)?.content) || JSON.stringify(output) });
    }
  }
  return { entries, usage, path };
}

/** Codex's rollout file for a thread: `CODEX_HOME/sessions/Y/M/D/rollout-...-<thread>.jsonl`. */
export function findCodexRollout(threadId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = join(env.CODEX_HOME ?? join(homedir(), '.codex'), 'sessions');
  const walk = (dir: string, depth: number): string | undefined => {
    if (!existsSync(dir)) return undefined;
    for (const name of readdirSync(dir).sort().reverse()) {
      const path = join(dir, name);
      if (depth < 3) { const found = walk(path, depth + 1); if (found) return found; } else if (name.endsWith(`${threadId}.jsonl`)) return path;
    }
    return undefined;
  };
  return walk(root, 0);
}

/** The agent's own transcript of a run, when the agent is one picode can read and the file exists. */
export function importTranscript(kind: string, transcriptPath: string | undefined, agentSession: string | undefined, env: NodeJS.ProcessEnv = process.env): ImportedTranscript | undefined {
  if (kind === 'claude' && transcriptPath && existsSync(transcriptPath)) return importClaudeTranscript(transcriptPath);
  if (kind === 'codex') {
    const path = transcriptPath && existsSync(transcriptPath) ? transcriptPath : agentSession ? findCodexRollout(agentSession, env) : undefined;
    if (path) return importCodexRollout(path);
  }
  return undefined;
}
