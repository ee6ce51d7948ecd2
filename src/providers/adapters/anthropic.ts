import type { MessageCreateParamsStreaming, MessageParam, ContentBlockParam, RawMessageStreamEvent, Tool } from '@anthropic-ai/sdk/resources/messages';
import type { FinishReason, Message, ThinkingBlock, Usage } from '../types.js';
import { anthropicThinkingBudget, effortFor } from '../reasoning.js';
import { anthropicClient } from './clients.js';
import { activityFetchOptions, structuredOutputTool, type Adapter, type AdapterCall, type Translator } from './adapter.js';
import { placeCacheBreakpoints, type CacheHints } from './anthropicCache.js';

/** Messages API requires max_tokens; this is used when the caller gives none. */
const defaultMaxTokens = 8192;

/**
 * Anthropic Messages, streamed. Structured output goes through a forced tool (`respond`)
 * whose input is the JSON answer: its argument fragments are passed on as text deltas, so
 * callers see structured output the same way for every provider.
 */
export const anthropicAdapter: Adapter = { open, translator };

async function open(call: AdapterCall): Promise<AsyncIterable<unknown>> {
  const { target, request } = call;
  const client = await anthropicClient({
    baseUrl: target.provider.baseUrl,
    apiKey: call.apiKey ?? 'no-key',
    headers: target.provider.headers,
    timeoutMs: call.headersTimeoutMs,
  });
  const converted = toAnthropicMessages(request.messages);
  const body: MessageCreateParamsStreaming = {
    model: target.model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages: converted.messages,
    stream: true,
  };
  if (request.system) body.system = request.system;
  // The 1.x SDK types no longer list temperature (newer models fix it); pass it only when asked.
  if (request.temperature !== undefined) (body as unknown as Record<string, unknown>).temperature = request.temperature;
  const tools: Tool[] = (request.tools ?? []).map((t, i) => ({
    name: t.name,
    description: t.description,
    input_schema: call.toolSchemas[i] as Tool['input_schema'],
  }));
  const structured = call.outputSchema !== undefined;
  if (structured) {
    tools.push({
      name: structuredOutputTool,
      description: 'Give the final answer as JSON matching the schema.',
      input_schema: call.outputSchema as Tool['input_schema'],
    });
    body.tool_choice = { type: 'tool', name: structuredOutputTool };
  } else if (request.toolChoice !== undefined && tools.length) {
    const c = request.toolChoice;
    body.tool_choice = c === 'required' ? { type: 'any' } : c === 'auto' ? { type: 'auto' } : c === 'none' ? { type: 'none' }
      : { type: 'tool', name: c.name };
  }
  if (tools.length) body.tools = tools;

  // Extended thinking cannot be combined with a forced tool (structured output) or a temperature.
  const effort = effortFor(request.reasoning, target.id);
  if (effort !== 'off' && !structured && request.temperature === undefined && !resumesToolTurnWithoutThinking(request.messages)) {
    const budget = anthropicThinkingBudget[effort];
    body.thinking = { type: 'enabled', budget_tokens: budget };
    // The budget counts against max_tokens: leave the asked-for room for the answer after it.
    body.max_tokens = Math.max(body.max_tokens, budget + (request.maxTokens ?? defaultMaxTokens));
    if (body.tool_choice && body.tool_choice.type !== 'auto' && body.tool_choice.type !== 'none') delete body.tool_choice;
  }
  if (target.provider.cache !== 'off') {
    placeCacheBreakpoints(body, { ...converted.hints, continued: request.cacheKey !== undefined }, target.provider.cacheTtl);
  }

  call.ready();
  return client.messages.create(body, { signal: call.signal, fetchOptions: activityFetchOptions(call) });
}

function translator(call: AdapterCall): Translator {
  const structured = call.outputSchema !== undefined;
  let input = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  let cacheWrite1h = 0;
  let output = 0;
  let reasoning = 0;
  let stop: FinishReason | undefined;
  let stopped = false;
  // input_tokens EXCLUDES cache reads and writes: add them back (types.ts Usage).
  const usage = (): Usage => ({
    input: input + cacheRead + cacheWrite, cachedInput: cacheRead, cacheWrite, output, reasoning,
    ...(cacheWrite1h ? { cacheWrite1h } : {}),
  });
  // The request's TTL prices writes when the response does not split them by TTL.
  const ttl = call.target.provider.cacheTtl;
  const writes1h = (u: { cache_creation?: { ephemeral_1h_input_tokens?: number } | null }, total: number): number =>
    u.cache_creation?.ephemeral_1h_input_tokens ?? (ttl === '1h' ? total : 0);
  // The open content block, by index: tool input JSON accumulates until content_block_stop.
  const blocks = new Map<number, { id: string; name: string; json: string }>();
  const thinking = new Map<number, { thinking: string; signature: string }>();
  return {
    event(raw, out) {
      const event = raw as RawMessageStreamEvent;
      switch (event.type) {
        case 'message_start': {
          const u = event.message.usage;
          input = u.input_tokens ?? 0;
          cacheRead = u.cache_read_input_tokens ?? 0;
          cacheWrite = u.cache_creation_input_tokens ?? 0;
          cacheWrite1h = writes1h(u, cacheWrite);
          output = u.output_tokens ?? 0;
          break;
        }
        case 'content_block_start': {
          const b = event.content_block;
          if (b.type === 'tool_use') blocks.set(event.index, { id: b.id, name: b.name, json: '' });
          else if (b.type === 'thinking') thinking.set(event.index, { thinking: b.thinking ?? '', signature: b.signature ?? '' });
          else if (b.type === 'redacted_thinking') out.push({ type: 'thinking', block: { type: 'redacted_thinking', data: b.data } });
          break;
        }
        case 'content_block_delta': {
          const d = event.delta;
          if (d.type === 'text_delta') {
            if (!structured) out.push({ type: 'text-delta', text: d.text });
          } else if (d.type === 'thinking_delta' || d.type === 'signature_delta') {
            const block = thinking.get(event.index);
            if (block && d.type === 'thinking_delta') block.thinking += d.thinking;
            else if (block && d.type === 'signature_delta') block.signature += d.signature;
          } else if (d.type === 'input_json_delta') {
            const block = blocks.get(event.index);
            if (block) {
              block.json += d.partial_json;
              if (structured && block.name === structuredOutputTool && d.partial_json) out.push({ type: 'text-delta', text: d.partial_json });
            }
          }
          break;
        }
        case 'content_block_stop': {
          const reasoningBlock = thinking.get(event.index);
          if (reasoningBlock) {
            thinking.delete(event.index);
            out.push({ type: 'thinking', block: { type: 'thinking', ...reasoningBlock } });
          }
          const block = blocks.get(event.index);
          if (block) {
            blocks.delete(event.index);
            if (!(structured && block.name === structuredOutputTool)) {
              out.push({ type: 'tool-call', id: block.id, name: block.name, argsText: block.json });
            }
          }
          break;
        }
        case 'message_delta': {
          // Cumulative counts; input fields are present only when they changed (server tools).
          const u = event.usage;
          if (u.input_tokens != null) input = u.input_tokens;
          if (u.cache_read_input_tokens != null) cacheRead = u.cache_read_input_tokens;
          if (u.cache_creation_input_tokens != null) {
            cacheWrite = u.cache_creation_input_tokens;
            cacheWrite1h = writes1h(u as never, cacheWrite);
          }
          output = u.output_tokens ?? output;
          reasoning = u.output_tokens_details?.thinking_tokens ?? reasoning;
          if (event.delta.stop_reason) stop = mapStop(event.delta.stop_reason, structured);
          break;
        }
        case 'message_stop':
          stopped = true;
          out.push({ type: 'usage', usage: usage() });
          out.push({ type: 'finish', reason: stop ?? 'stop' });
          break;
        default:
          break;
      }
    },
    end(out) {
      // Ended without message_stop: report the usage seen so far; the caller reports `truncated`.
      if (!stopped && (input || output)) out.push({ type: 'usage', usage: usage() });
    },
  };
}

function mapStop(reason: string, structured: boolean): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence': return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded': return 'length';
    // A forced structured-output tool call is the answer, not a request to run a tool.
    case 'tool_use': return structured ? 'stop' : 'tool-calls';
    case 'refusal': return 'content-filter';
    default: return 'other';
  }
}

/**
 * Tool results become `tool_result` blocks of a user turn; consecutive user-side messages
 * (results, then a follow-up question) are merged, as the API wants alternating turns. The
 * blocks of `volatile` messages and the last block of `stable` ones are noted for the cache
 * breakpoints (anthropicCache.ts). Thinking blocks go back first in their assistant turn.
 */
function toAnthropicMessages(messages: readonly Message[]): { messages: MessageParam[]; hints: Omit<CacheHints, 'continued'> } {
  const out: MessageParam[] = [];
  const volatile = new Set<object>();
  const stableEnds = new Set<object>();
  const pushUser = (block: ContentBlockParam): void => {
    const last = out.at(-1);
    if (last?.role === 'user' && Array.isArray(last.content)) last.content.push(block);
    else out.push({ role: 'user', content: [block] });
  };
  for (const m of messages) {
    if (m.role === 'user') {
      const block: ContentBlockParam = { type: 'text', text: m.content };
      if (m.cache === 'volatile') volatile.add(block);
      else if (m.cache === 'stable') stableEnds.add(block);
      pushUser(block);
    } else if (m.role === 'tool') {
      pushUser({ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content, ...(m.isError ? { is_error: true } : {}) });
    } else {
      const content: ContentBlockParam[] = (m.thinking ?? []).map(thinkingParam);
      if (m.content) content.push({ type: 'text', text: m.content });
      for (const tc of m.toolCalls ?? []) content.push({ type: 'tool_use', id: tc.id, name: tc.name, input: tc.args ?? {} });
      out.push({ role: 'assistant', content: content.length ? content : [{ type: 'text', text: '' }] });
    }
  }
  return { messages: out, hints: { volatile, stableEnds } };
}

/**
 * With thinking on, the API refuses a tool loop whose last assistant turn lacks its thinking
 * blocks. A run resumed from a stored transcript (which keeps text and tool calls only) is in
 * that state: that one call goes without thinking rather than fail.
 */
function resumesToolTurnWithoutThinking(messages: readonly Message[]): boolean {
  if (messages.at(-1)?.role !== 'tool') return false;
  const assistant = messages.findLast((m) => m.role === 'assistant');
  return assistant?.role === 'assistant' && !assistant.thinking?.length;
}

function thinkingParam(block: ThinkingBlock): ContentBlockParam {
  return block.type === 'thinking'
    ? { type: 'thinking', thinking: block.thinking, signature: block.signature }
    : { type: 'redacted_thinking', data: block.data };
}
