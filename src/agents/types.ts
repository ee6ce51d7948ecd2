import type { ZodType } from 'zod';
import type { JsonSchemaObject, Message, ToolCall } from '../providers/types.js';
import type { ToolDecision } from './policy.js';
import type { RunUsage } from './limits.js';

/**
 * A tool the agent can call. Tools are injected by whoever runs the loop (the host gives
 * tools that act through its panes; tests give their own), so the loop knows nothing about
 * tmux, files or plugins.
 */
export interface AgentTool {
  readonly name: string;
  readonly description: string;
  /** A zod object schema (arguments are validated with it) or a plain JSON Schema object. */
  readonly parameters: ZodType | JsonSchemaObject;
  execute(args: unknown, context: ToolContext): Promise<ToolOutput>;
}

export interface ToolContext {
  readonly callId: string;
  /** Aborted when the run is stopped. */
  readonly signal: AbortSignal;
}

export interface ToolOutput {
  /** What the model is told. */
  readonly content: string;
  readonly isError?: boolean;
  /** What a person is shown instead, when it differs (the diff of a file write). */
  readonly display?: string;
}

/**
 * The run's state, exactly as the loop is in it: `working` (calling the model or a tool),
 * `waiting_approval` (a person must allow a tool call), `waiting_input` (the model answered
 * and an interactive run waits for the next message), then `done`, `failed` or `stopped`.
 */
export type AgentStatus = 'working' | 'waiting_approval' | 'waiting_input' | 'done' | 'failed' | 'stopped';
export const agentStatuses: readonly AgentStatus[] = ['working', 'waiting_approval', 'waiting_input', 'done', 'failed', 'stopped'];

/** Who decided whether a tool call runs. */
export type ApprovalSource = 'policy' | 'gate' | 'person' | 'remembered';

export type AgentEvent =
  | { readonly type: 'status'; readonly status: AgentStatus; readonly detail?: string | undefined }
  | { readonly type: 'text-delta'; readonly text: string }
  /** Every message added to the conversation, in order (the transcript). */
  | { readonly type: 'message'; readonly message: Message }
  | { readonly type: 'approval-request'; readonly call: ToolCall; readonly reason: string | undefined }
  | {
      readonly type: 'approval';
      readonly call: ToolCall;
      readonly decision: 'allow' | 'deny';
      readonly by: ApprovalSource;
      readonly reason?: string | undefined;
    }
  | { readonly type: 'tool-start'; readonly call: ToolCall }
  | { readonly type: 'tool-end'; readonly call: ToolCall; readonly output: ToolOutput; readonly durationMs: number }
  | { readonly type: 'usage'; readonly usage: RunUsage; readonly model: string }
  | { readonly type: 'finished'; readonly status: 'done' | 'failed' | 'stopped'; readonly reason?: string | undefined };

/**
 * The `agent.tool.before` hook point, as a function: the host passes each call through its
 * gates (hooks) before it runs. The gate may deny, ask for a person, replace the arguments
 * or add context for the model.
 */
export type ToolGate = (call: ToolCall) => Promise<{
  readonly decision: ToolDecision;
  readonly reason?: string | undefined;
  readonly args?: unknown;
  readonly additionalContext?: string | undefined;
}>;
