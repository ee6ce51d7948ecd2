import type { ZodType } from 'zod';
import { createHash } from 'node:crypto';
import type { LlmService, Message, ReasoningSetting, ThinkingBlock, ToolCall, ToolDefinition, Usage } from '../providers/types.js';
import type { AgentInbox } from './inbox.js';
import { defaultMaxRepeatedFailures, limitReached, type AgentLimits, type RunUsage } from './limits.js';
import { strictest, type ApprovalAnswer, type RunApprovals, type ToolDecision } from './policy.js';
import type { AgentEvent, AgentStatus, AgentTool, ToolGate, ToolOutput } from './types.js';

export interface AgentRunOptions {
  readonly llm: Pick<LlmService, 'stream'>;
  /** `provider:model`, an alias or a chain; omitted = the configured chain for purpose `agent`. */
  readonly model?: string | readonly string[] | undefined;
  readonly system: string;
  /** The conversation so far: the task as the first user message, or a resumed transcript. */
  readonly messages: readonly Message[];
  readonly tools: readonly AgentTool[];
  readonly approvals: RunApprovals;
  readonly limits: AgentLimits;
  /** Usage already spent (a resumed run keeps counting from where it stopped). */
  readonly usage?: RunUsage | undefined;
  /** The stop signal: aborting ends the run with status `stopped` as soon as possible. */
  readonly signal: AbortSignal;
  readonly gate?: ToolGate | undefined;
  /** Asks a person whether a tool call may run; the run is `waiting_approval` meanwhile. */
  readonly askPerson: (call: ToolCall, reason: string | undefined, signal: AbortSignal) => Promise<ApprovalAnswer | undefined>;
  readonly inbox: AgentInbox;
  /** Interactive runs wait for the next message after an answer; others finish `done`. */
  readonly interactive: boolean;
  /** Cost in USD of one call's usage (undefined when the model has no price). */
  readonly costOf?: ((usage: Usage, model: string) => number | undefined) | undefined;
  readonly onEvent: (event: AgentEvent) => void;
  /** Longest tool output sent to the model; the middle of longer outputs is elided. */
  readonly maxToolOutputChars?: number | undefined;
  readonly maxTokensPerTurn?: number | undefined;
  /** Reasoning effort (`agents.reasoning`), for every model or per model. */
  readonly reasoning?: ReasoningSetting | undefined;
  /** Names the run for the provider's prompt cache (OpenAI prompt_cache_key); default: runCacheKey. */
  readonly cacheKey?: string | undefined;
}

export interface AgentRunResult {
  readonly status: 'done' | 'failed' | 'stopped';
  readonly reason: string | undefined;
  readonly messages: readonly Message[];
  readonly usage: RunUsage;
}

/**
 * The agent loop: call the model with the conversation and the tools; run the tool calls it
 * makes (each through the policy, the gate and, when asked, a person); feed the results
 * back; repeat until the model answers without calling a tool. Everything it does is
 * reported as AgentEvents, from which the host writes the transcript and the pane shows
 * the run, so the status a person sees is the loop's own state, never a guess.
 */
export async function runAgent(options: AgentRunOptions): Promise<AgentRunResult> {
  const messages: Message[] = [...options.messages];
  const usage: RunUsage = { ...(options.usage ?? { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }) };
  const cacheKey = options.cacheKey ?? runCacheKey(options.system, options.messages);
  const toolsByName = new Map(options.tools.map((t) => [t.name, t]));
  const definitions: ToolDefinition[] = options.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const emit = options.onEvent;
  let status: AgentStatus | undefined;
  const setStatus = (next: AgentStatus, detail?: string) => {
    if (next === status && detail === undefined) return;
    status = next;
    emit({ type: 'status', status: next, detail });
  };
  const add = (message: Message) => {
    messages.push(message);
    emit({ type: 'message', message });
  };
  const finish = (final: 'done' | 'failed' | 'stopped', reason?: string): AgentRunResult => {
    setStatus(final, reason);
    emit({ type: 'finished', status: final, reason });
    return { status: final, reason, messages, usage };
  };

  try {
    // A resumed transcript may end with tool calls whose results were never recorded: the
    // host stopped mid-call, so whether they took effect is unknown. Say so rather than
    // silently running them twice.
    const last = messages.at(-1);
    if (last?.role === 'assistant' && last.toolCalls?.length) {
      for (const call of last.toolCalls) {
        add({
          role: 'tool', toolCallId: call.id, toolName: call.name, isError: true,
          content: 'The run was interrupted before this call finished; it may or may not have taken effect. Check before repeating it.',
        });
      }
    }

    // A model stuck on a failing call (an unknown tool, the same bad arguments) would burn its
    // whole turn budget: the same failure repeated stops the run, saying which call.
    const maxRepeated = options.limits.maxRepeatedFailures ?? defaultMaxRepeatedFailures;
    let lastFailure: { key: string; count: number } | undefined;
    for (;;) {
      if (options.signal.aborted) return finish('stopped', 'stopped by the person');
      for (const text of options.inbox.drain()) add({ role: 'user', content: text });
      const limit = limitReached(options.limits, usage);
      if (limit) return finish('failed', limit);

      setStatus('working');
      const turn = await callModel(options, messages, definitions, usage, emit, cacheKey);
      if (turn.error) {
        if (options.signal.aborted) return finish('stopped', 'stopped by the person');
        if (turn.text || turn.toolCalls.length) add(assistantMessage(turn));
        return finish('failed', turn.error);
      }
      add(assistantMessage(turn));

      if (turn.toolCalls.length > 0) {
        for (const call of turn.toolCalls) {
          if (options.signal.aborted) {
            add({ role: 'tool', toolCallId: call.id, toolName: call.name, isError: true, content: 'Not run: the run was stopped.' });
            continue;
          }
          const output = await handleCall(options, toolsByName, call, turn.argsErrors.get(call.id), setStatus, emit);
          add({ role: 'tool', toolCallId: call.id, toolName: call.name, content: output.content, ...(output.isError ? { isError: true } : {}) });
          const key = `${call.name}\u0000${JSON.stringify(call.args ?? null)}`;
          lastFailure = output.isError ? { key, count: lastFailure?.key === key ? lastFailure.count + 1 : 1 } : undefined;
          if (lastFailure && lastFailure.count >= maxRepeated) {
            return finish('failed', `the same tool call failed ${lastFailure.count} times in a row (${call.name}: ${output.content.slice(0, 200)}); stopped rather than repeat it (agents.maxRepeatedFailures)`);
          }
        }
        continue;
      }

      if (options.inbox.size > 0) continue;
      if (!options.interactive) return finish('done');
      setStatus('waiting_input');
      const next = await options.inbox.next(options.signal);
      if (next === undefined) return finish('stopped', 'stopped by the person');
      add({ role: 'user', content: next });
    }
  } catch (error) {
    if (options.signal.aborted) return finish('stopped', 'stopped by the person');
    return finish('failed', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The prompt cache key of a run: one for every call of the run, and the same again when the
 * run is continued or resumed from its transcript (a follow-up message to a finished run, a
 * host restart), because it is derived from what every request of the run starts with (the
 * system prompt and the task) rather than drawn at random. OpenAI routes requests by this key
 * and the prompt's start: a fresh key on continuation would send the whole conversation to a
 * machine that never saw it. Two runs with the same system prompt and task share a key, and
 * they also share that prefix, which is what the key is for.
 */
export function runCacheKey(system: string, messages: readonly Message[]): string {
  const first = messages[0];
  const hash = createHash('sha256').update(`${system}\u0000${first ? `${first.role}\u0000${first.content}` : ''}`);
  return `picode-agent-${hash.digest('hex').slice(0, 16)}`;
}

interface Turn {
  text: string;
  toolCalls: ToolCall[];
  /** Reasoning blocks the provider wants back with this turn (Anthropic thinking). */
  thinking: ThinkingBlock[];
  argsErrors: Map<string, string>;
  error: string | undefined;
}

async function callModel(
  options: AgentRunOptions,
  messages: readonly Message[],
  tools: readonly ToolDefinition[],
  usage: RunUsage,
  emit: (event: AgentEvent) => void,
  cacheKey: string,
): Promise<Turn> {
  const turn: Turn = { text: '', toolCalls: [], thinking: [], argsErrors: new Map(), error: undefined };
  let model = '';
  let callUsage: Usage | undefined;
  const stream = options.llm.stream({
    ...(options.model !== undefined ? { model: options.model } : {}),
    system: options.system,
    messages,
    tools,
    purpose: 'agent',
    signal: options.signal,
    cacheKey,
    ...(options.reasoning !== undefined ? { reasoning: options.reasoning } : {}),
    ...(options.maxTokensPerTurn ? { maxTokens: options.maxTokensPerTurn } : {}),
  });
  for await (const part of stream) {
    switch (part.type) {
      case 'attempt':
        // A retry starts over: what a failed attempt streamed is not part of the answer.
        model = part.model;
        turn.thinking.length = 0;
        break;
      case 'thinking':
        turn.thinking.push(part.block);
        break;
      case 'text-delta':
        turn.text += part.text;
        emit({ type: 'text-delta', text: part.text });
        break;
      case 'tool-call':
        turn.toolCalls.push({ id: part.id, name: part.name, args: part.args });
        if (part.argsError) turn.argsErrors.set(part.id, `${part.argsError} (arguments sent: ${part.argsText.slice(0, 500)})`);
        break;
      case 'usage':
        callUsage = part.usage;
        break;
      case 'finish':
        model = part.model;
        if (part.reason === 'length' && turn.toolCalls.length === 0 && !turn.text) turn.error = 'the model stopped at its output limit without answering';
        break;
      case 'error':
        turn.error = `${part.error.kind}: ${part.error.message}`;
        break;
    }
  }
  usage.turns += 1;
  if (callUsage) {
    usage.inputTokens += callUsage.input;
    usage.outputTokens += callUsage.output;
    const cost = options.costOf?.(callUsage, model);
    usage.costUsd += cost ?? 0;
    // Counted once the run has touched a prompt cache, so a run without one reports no cache figures.
    if (callUsage.cachedInput || callUsage.cacheWrite || usage.cachedInputTokens !== undefined) {
      usage.cachedInputTokens = (usage.cachedInputTokens ?? 0) + callUsage.cachedInput;
      usage.cacheWriteTokens = (usage.cacheWriteTokens ?? 0) + callUsage.cacheWrite;
      // The same tokens priced as if nothing were cached: the difference is what caching saved.
      const uncached = options.costOf?.({ ...callUsage, cachedInput: 0, cacheWrite: 0, cacheWrite1h: 0 }, model);
      if (uncached !== undefined && cost !== undefined) usage.cacheSavedUsd = (usage.cacheSavedUsd ?? 0) + uncached - cost;
    }
  }
  emit({ type: 'usage', usage: { ...usage }, model });
  return turn;
}

async function handleCall(
  options: AgentRunOptions,
  tools: ReadonlyMap<string, AgentTool>,
  original: ToolCall,
  argsError: string | undefined,
  setStatus: (status: AgentStatus, detail?: string) => void,
  emit: (event: AgentEvent) => void,
): Promise<ToolOutput> {
  const tool = tools.get(original.name);
  if (!tool) return { content: `There is no tool named "${original.name}". Tools: ${[...tools.keys()].join(', ')}.`, isError: true };
  if (argsError) return { content: `The arguments were not valid JSON: ${argsError}`, isError: true };

  let call = original;
  const policy = options.approvals.decide(call.name);
  if (policy === 'deny') {
    emit({ type: 'approval', call, decision: 'deny', by: 'policy', reason: 'the approval policy denies this tool' });
    return { content: `Denied: the approval policy does not allow ${call.name}.`, isError: true };
  }
  let decision: ToolDecision = policy;
  let reason: string | undefined;
  let extra: string | undefined;
  if (options.gate) {
    const verdict = await options.gate(call);
    if (verdict.decision === 'deny') {
      emit({ type: 'approval', call, decision: 'deny', by: 'gate', reason: verdict.reason });
      return { content: `Denied by a hook${verdict.reason ? `: ${verdict.reason}` : '.'}`, isError: true };
    }
    decision = strictest(decision, verdict.decision);
    reason = verdict.reason;
    extra = verdict.additionalContext;
    if (verdict.args !== undefined) call = { ...call, args: verdict.args };
  }
  if (decision === 'ask') {
    setStatus('waiting_approval', call.name);
    emit({ type: 'approval-request', call, reason });
    const answer = await options.askPerson(call, reason, options.signal);
    setStatus('working');
    if (answer === undefined || answer === 'no') {
      emit({ type: 'approval', call, decision: 'deny', by: 'person', reason: answer === undefined ? 'stopped' : undefined });
      return { content: 'The person declined this tool call. Ask them, or try another way.', isError: true };
    }
    options.approvals.remember(call.name, answer);
    emit({ type: 'approval', call, decision: 'allow', by: 'person' });
  } else {
    emit({ type: 'approval', call, decision: 'allow', by: policy === 'allow' ? 'policy' : 'remembered' });
  }

  let args: unknown = call.args;
  if (isZod(tool.parameters)) {
    const parsed = tool.parameters.safeParse(call.args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
      const output = { content: `Invalid arguments for ${call.name}: ${issues}`, isError: true };
      emit({ type: 'tool-end', call, output, durationMs: 0 });
      return output;
    }
    args = parsed.data;
  }

  emit({ type: 'tool-start', call });
  const started = performance.now();
  let output: ToolOutput;
  try {
    output = await tool.execute(args, { callId: call.id, signal: options.signal });
  } catch (error) {
    output = { content: `${call.name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
  }
  emit({ type: 'tool-end', call, output, durationMs: performance.now() - started });
  const content = elide(output.content, options.maxToolOutputChars ?? 20_000) + (extra ? `\n\n[context from a hook] ${extra}` : '');
  return { ...output, content };
}

function assistantMessage(turn: Turn): Message {
  return {
    role: 'assistant',
    content: turn.text,
    ...(turn.toolCalls.length ? { toolCalls: turn.toolCalls } : {}),
    ...(turn.thinking.length ? { thinking: [...turn.thinking] } : {}),
  };
}

function isZod(schema: unknown): schema is ZodType {
  return typeof (schema as { safeParse?: unknown }).safeParse === 'function';
}

/** Keeps the head and the tail of a long output: errors are usually at one end. */
export function elide(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 60) / 2);
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters elided ...]\n${text.slice(-half)}`;
}
