import { z } from 'zod';
import type { EventDefinition } from './index.js';

/** Events of the llm area (host/llm): the request gate, streamed answers and approvals. */

const message = z.object({
  role: z.enum(['user', 'assistant', 'tool']).describe('Who said it; `tool` = a tool result.'),
  content: z.string().describe('The text.'),
}).passthrough();

export const llmRequestData = z.object({
  requestId: z.string().describe('Id shared by the `llm.response*` events of this request.'),
  models: z.array(z.string()).describe('The failover chain, `provider:model`, in the order it will be tried.'),
  purpose: z.string().describe('Who asks: `ask`, `plan`, `agent`, `plugin:NAME`, `hook:NAME`.'),
  sources: z.array(z.string()).describe('Where the context came from (`pane:%3`, `file:src/a.ts`, `command:...`).'),
  system: z.string().optional().describe('The system prompt. A hook may return a redacted one in `updatedInput`.'),
  messages: z.array(message).describe('Exactly what will be sent. A hook may return redacted messages in `updatedInput`.'),
  tools: z.array(z.string()).describe('Names of the tools offered to the model.'),
});

export const llmResponseDeltaData = z.object({
  requestId: z.string().describe('The request this text belongs to.'),
  purpose: z.string().describe('Who asked.'),
  question: z.string().optional().describe('For `ask`, on the first delta of a request: the question as the user typed it.'),
  text: z.string().describe('New text since the previous delta (deltas are coalesced, at most ~10 per second).'),
});

export const llmResponseData = z.object({
  requestId: z.string().describe('The request answered.'),
  purpose: z.string().describe('Who asked.'),
  question: z.string().optional().describe('For `ask`: the question as the user typed it.'),
  model: z.string().optional().describe('`provider:model` that answered (or failed last).'),
  text: z.string().describe('The full answer text (empty on failure).'),
  toolCalls: z.number().int().describe('Number of tool calls in the answer.'),
  sources: z.array(z.string()).describe('Context sources that were sent.'),
  usage: z.object({
    input: z.number().int(), cachedInput: z.number().int(), cacheWrite: z.number().int(),
    output: z.number().int(), reasoning: z.number().int(),
  }).describe('Normalised token usage.'),
  costUsd: z.number().optional().describe('Cost in USD from config/prices.json, when the model has a price.'),
  outcome: z.string().describe('`ok`, or the error kind (`rate-limited`, `denied`, `truncated`, ...).'),
  error: z.string().optional().describe('The error message (keys redacted).'),
});

export const llmApprovalData = z.object({
  approvalId: z.string().describe('Answer with the IPC method `llm.approve { approvalId, approve }`.'),
  models: z.array(z.string()).describe('Where it would go.'),
  sources: z.array(z.string()).describe('The sources that need approval.'),
  preview: z.string().describe('Exactly what will be sent, as text.'),
});

export const llmEvents = [
  {
    type: 'llm.request',
    description: 'Before anything is sent to a model. Hooks may redact (`updatedInput` with `system`/`messages`), add context, or block it.',
    data: llmRequestData,
    blocking: true,
    source: 'llm',
  },
  {
    type: 'llm.response.delta',
    description: 'Streamed answer text of a request made through the host (coalesced); the agent pane shows `ask` answers live.',
    data: llmResponseDeltaData,
    blocking: false,
    source: 'llm',
  },
  {
    type: 'llm.response',
    description: 'A request made through the host finished (or failed): the answer, tokens, cost.',
    data: llmResponseData,
    blocking: false,
    source: 'llm',
  },
  {
    type: 'llm.approval.requested',
    description: 'The approval policy holds a request until someone answers `llm.approve` (the asking terminal, or a pane).',
    data: llmApprovalData,
    blocking: false,
    source: 'llm',
  },
] as const satisfies readonly EventDefinition[];
