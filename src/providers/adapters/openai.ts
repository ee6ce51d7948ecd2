import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FinishReason, Message } from '../types.js';
import { effortFor } from '../reasoning.js';
import { openaiClient } from './clients.js';
import { activityFetchOptions, type Adapter, type AdapterCall, type Translator } from './adapter.js';

/**
 * OpenAI and every OpenAI-compatible server (Ollama, OpenRouter, vLLM, LM Studio, Gemini),
 * through Chat Completions. Why Chat Completions and not Responses: it is the one wire format
 * all the compatible servers implement, so one adapter serves seven providers; picode keeps
 * the conversation itself (no server-side state needed); and it streams tool calls and usage
 * (with `stream_options.include_usage`) in a shape that is cheap to translate.
 */
export const openaiAdapter: Adapter = { open, translator };

async function open(call: AdapterCall): Promise<AsyncIterable<unknown>> {
  const { target, request } = call;
  const client = await openaiClient({
    baseUrl: target.provider.baseUrl,
    // Local servers ignore the key, but the SDK refuses to start without one.
    apiKey: call.apiKey ?? 'no-key',
    headers: target.provider.headers,
    timeoutMs: call.headersTimeoutMs,
  });
  const official = target.provider.type === 'openai';
  const body: ChatCompletionCreateParamsStreaming = {
    model: target.model,
    messages: toChatMessages(request.system, request.messages),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.maxTokens !== undefined) {
    // The official API deprecated max_tokens (reasoning models reject it); compatible servers
    // mostly know only max_tokens.
    if (official) body.max_completion_tokens = request.maxTokens;
    else body.max_tokens = request.maxTokens;
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.tools?.length) {
    body.tools = request.tools.map((t, i): ChatCompletionTool => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: call.toolSchemas[i] as Record<string, unknown> },
    }));
    const choice = request.toolChoice;
    if (choice !== undefined) {
      body.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
    }
  }
  if (call.outputSchema) {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: 'output', schema: call.outputSchema as Record<string, unknown>, strict: false },
    };
  }

  // Prompt caching is automatic on OpenAI for a byte-identical prefix (the messages are built
  // from the conversation in order, never reshuffled); the key keeps a run's requests on one
  // cache. Compatible servers may refuse unknown fields, so only the official API gets it.
  if (official && request.cacheKey && target.provider.cache !== 'off') body.prompt_cache_key = request.cacheKey;
  const effort = effortFor(request.reasoning, target.id);
  if (effort !== 'off') body.reasoning_effort = effort;

  call.ready();
  return client.chat.completions.create(body, { signal: call.signal, fetchOptions: activityFetchOptions(call) });
}

function translator(): Translator {
  // Tool-call fragments arrive by index; they are complete only when the choice finishes.
  const tools: Array<{ id: string; name: string; args: string }> = [];
  let finish: FinishReason | undefined;
  return {
    event(event, out) {
      const chunk = event as ChatCompletionChunk;
      const choice = chunk.choices[0];
      if (choice) {
        const delta = choice.delta;
        if (delta?.content) out.push({ type: 'text-delta', text: delta.content });
        if (delta?.tool_calls) {
          for (const tc of delta.tool_calls) {
            // Some compatible servers omit `index`: a new id opens a slot, fragments extend the last.
            const index = typeof tc.index === 'number' ? tc.index : tc.id ? tools.length : Math.max(0, tools.length - 1);
            const slot = (tools[index] ??= { id: '', name: '', args: '' });
            if (tc.id) slot.id = tc.id;
            if (tc.function?.name) slot.name += tc.function.name;
            if (tc.function?.arguments) slot.args += tc.function.arguments;
          }
        }
        if (choice.finish_reason) {
          // Some compatible servers (older Ollama) finish a tool-calling turn with `stop`.
          finish = tools.length && choice.finish_reason === 'stop' ? 'tool-calls' : mapFinish(choice.finish_reason);
          for (const [i, t] of tools.entries()) {
            if (t) out.push({ type: 'tool-call', id: t.id || `call_${i}`, name: t.name, argsText: t.args });
          }
          tools.length = 0;
        }
      }
      const usage = chunk.usage;
      if (usage) {
        out.push({
          type: 'usage',
          usage: {
            // prompt_tokens already includes the cached tokens.
            input: usage.prompt_tokens ?? 0,
            cachedInput: usage.prompt_tokens_details?.cached_tokens ?? 0,
            cacheWrite: 0,
            output: usage.completion_tokens ?? 0,
            reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
          },
        });
      }
    },
    end(out) {
      // The SDK ends iteration silently both on `[DONE]` and on a clean close without it: only a
      // finish_reason proves the answer is complete. Without one the caller reports `truncated`.
      if (finish) out.push({ type: 'finish', reason: finish });
    },
  };
}

function mapFinish(reason: string): FinishReason {
  switch (reason) {
    case 'stop': return 'stop';
    case 'length': return 'length';
    case 'tool_calls':
    case 'function_call': return 'tool-calls';
    case 'content_filter': return 'content-filter';
    default: return 'other';
  }
}

function toChatMessages(system: string | undefined, messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'assistant') {
      out.push({
        role: 'assistant',
        content: m.content || null,
        ...(m.toolCalls?.length ? {
          tool_calls: m.toolCalls.map((tc) => ({
            id: tc.id,
            type: 'function' as const,
            function: { name: tc.name, arguments: JSON.stringify(tc.args ?? {}) },
          })),
        } : {}),
      });
    } else {
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.isError ? `Error: ${m.content}` : m.content });
    }
  }
  return out;
}
