import { createHash } from 'node:crypto';
import type { LlmService, Message } from '../providers/types.js';
import { stableFirst } from '../context/stable.js';
import { planSchema, type PlanDraft } from './schema.js';

/** A piece of context the plan is based on (a pane's output, a file, git status...). */
export interface PlanContextItem {
  /** Where it came from: `pane:%3`, `file:src/a.ts`, `git:status`, `plugin:NAME`. */
  readonly source: string;
  readonly text: string;
}

export interface PlanRequest {
  readonly task: string;
  readonly context: readonly PlanContextItem[];
  readonly model?: string | readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
  /** For a revision: the current plan and what the person wants changed. */
  readonly revise?: { readonly plan: PlanDraft; readonly feedback: string } | undefined;
}

export interface GeneratedPlan {
  readonly plan: PlanDraft;
  readonly model: string;
  readonly costUsd: number | undefined;
}

const system = [
  'You are the planner of picode, a coding assistant that works in terminal panes.',
  'Write a plan a developer or a coding agent can follow step by step in this project.',
  'Each step is small enough to check on its own: name the files it touches, the shell commands it runs,',
  'and an acceptance check (a command and what it must show). Prefer the project\'s own build and test commands',
  'as they appear in the context. Do not invent files that the context does not suggest unless the step creates them.',
].join(' ');

/** Fits the context into a character budget, keeping items in order and cutting the last one. */
export function renderContext(items: readonly PlanContextItem[], budgetChars = 24_000): string {
  const parts: string[] = [];
  let left = budgetChars;
  for (const item of items) {
    if (left <= 200) break;
    const header = `--- ${item.source} ---\n`;
    const body = item.text.length + header.length > left ? `${item.text.slice(0, left - header.length - 20)}\n[...cut]` : item.text;
    parts.push(header + body);
    left -= header.length + body.length;
  }
  return parts.join('\n\n');
}

/**
 * The plan prompt as messages, ordered for prompt caching: the task and the stable context
 * (files, the file list) first, in a message that a revision sends again unchanged; then the
 * volatile context (pane output, git status) and, for a revision, the current plan and the
 * feedback, which change every time.
 */
export function planMessages(request: PlanRequest): Message[] {
  const { stable, volatile } = stableFirst(request.context);
  const head = [`Task: ${request.task}`];
  if (stable.length) head.push('', 'Context from the workspace:', renderContext(stable));
  const tail: string[] = [];
  if (volatile.length) tail.push(stable.length ? 'Current state of the workspace:' : 'Context from the workspace:', renderContext(volatile));
  if (request.revise) {
    tail.push(
      '',
      'The current plan (JSON):',
      JSON.stringify(request.revise.plan, null, 2),
      '',
      `Revise it as the person asks: ${request.revise.feedback}`,
      'Keep the steps that still hold, in the same words where possible.',
    );
  }
  const messages: Message[] = [{ role: 'user', content: head.join('\n'), cache: 'stable' }];
  if (tail.length) messages.push({ role: 'user', content: tail.join('\n').trim(), cache: 'volatile' });
  return messages;
}

/** The whole prompt as one text (what a person reviewing the request reads). */
export function planPrompt(request: PlanRequest): string {
  return planMessages(request).map((m) => m.content).join('\n\n');
}

/** Asks the model for a plan as structured output (validated against planSchema). */
export async function generatePlan(llm: Pick<LlmService, 'complete'>, request: PlanRequest): Promise<GeneratedPlan> {
  const result = await llm.complete({
    ...(request.model !== undefined ? { model: request.model } : {}),
    system,
    messages: planMessages(request),
    output: planSchema,
    purpose: 'plan',
    // A plan and its revisions share their task and stable context: one cache for all of them.
    cacheKey: `picode-plan-${createHash('sha256').update(request.task).digest('hex').slice(0, 16)}`,
    sources: request.context.map((c) => c.source),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  // complete() validates against the schema; parse again so this module's type is exact
  // whatever the service did (and a service without structured output fails loudly here).
  const plan = planSchema.parse(result.object ?? JSON.parse(result.text));
  return { plan, model: result.model, costUsd: result.costUsd };
}
