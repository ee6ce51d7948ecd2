import { z } from 'zod';
import type { EventDefinition } from './index.js';

/**
 * Events of the agents area: plans, agent runs and background jobs. Payloads carry compact
 * summaries (ids, status, counts); the full plan, transcript or job is one IPC call away
 * (`plan.get`, `agent.get`, `jobs.get`), which keeps the events table small.
 */

const planSummary = z.object({
  id: z.number().int().describe('Plan id.'),
  task: z.string().describe('The task the plan is for.'),
  status: z.enum(['generating', 'ready', 'failed', 'superseded']).describe('Where the plan stands.'),
  revision: z.number().int().describe('1 for the first plan, +1 per revision.'),
  steps: z.number().int().describe('Number of steps.'),
  error: z.string().optional().describe('Why generation failed.'),
});

const runStatus = z.enum(['working', 'waiting_approval', 'waiting_input', 'done', 'failed', 'stopped', 'interrupted']);

const runSummary = z.object({
  id: z.number().int().describe('Agent run id (`picode agent log ID`).'),
  task: z.string().describe('The task given to the agent.'),
  model: z.string().describe('The model asked for (`provider:model`, an alias, or `(configured default)`).'),
  status: runStatus.describe('The loop\'s own state.'),
  workPane: z.string().optional().describe('The pane its commands run in.'),
  worktree: z.string().optional().describe('The git worktree it works in, when it has one.'),
  turns: z.number().int().describe('Model calls so far.'),
  inputTokens: z.number().int().describe('Input tokens so far.'),
  outputTokens: z.number().int().describe('Output tokens so far.'),
  costUsd: z.number().describe('Cost so far in USD (0 when the model has no price).'),
  error: z.string().optional().describe('Why it failed or stopped.'),
  jobId: z.number().int().optional().describe('The job running it.'),
  kind: z.string().optional().describe('External agents: claude, codex, gemini, opencode, aider or command (picode\'s own runs leave it out).'),
  statusSource: z.enum(['hooks', 'inferred', 'picode']).optional().describe('External agents: `hooks` when the agent reported its status, `inferred` from its pane.'),
});

const jobSummary = z.object({
  id: z.number().int().describe('Job id (`picode jobs`).'),
  kind: z.string().describe('`plan` or `agent`.'),
  title: z.string().describe('One line for lists.'),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']).describe('Where the job stands.'),
  stage: z.string().optional().describe('The stage running, or the last one run.'),
  stagesDone: z.number().int().describe('Stages completed (a resume starts after them).'),
  stages: z.array(z.string()).describe('Every stage, in order.'),
  progress: z.number().describe('0..1 over the whole job.'),
  message: z.string().optional().describe('What the stage is doing.'),
  error: z.string().optional().describe('Why it failed.'),
  createdAt: z.number().describe('When it was created (ms since the epoch).'),
  startedAt: z.number().optional().describe('When it (last) started.'),
  finishedAt: z.number().optional().describe('When it ended.'),
});

const planEvent = z.object({ plan: planSummary }).passthrough();
const runEvent = z.object({ run: runSummary }).passthrough();
const jobEvent = z.object({ job: jobSummary });

export const agentToolBeforeData = z.object({
  run: z.number().int().describe('The agent run making the call.'),
  task: z.string().describe('The run\'s task.'),
  tool: z.string().describe('The tool name (`run_command`, `write_file`, `plugin_NAME_TOOL`...).'),
  callId: z.string().describe('The model\'s id for the call.'),
  args: z.unknown().describe('The arguments; a hook may return replacement arguments (`updatedInput`).'),
  cwd: z.string().describe('The directory the run works in (its worktree when it has one).'),
  via: z.literal('mcp').optional().describe('Set when an MCP client called the tool through `picode mcp serve` (`run` is then its picode run, or 0).'),
  client: z.string().optional().describe('The MCP client\'s name, for calls via MCP.'),
  kind: z.string().optional().describe('External agents: which CLI asks (claude, codex...); the tool names are its own (`Bash`, `Write`...).'),
  agentSession: z.string().optional().describe('External agents: the agent\'s own session id.'),
});

const externalFields = {
  run: z.number().int().describe('The agent run.'),
  kind: z.string().describe('Which CLI (claude, codex, ...).'),
  agentSession: z.string().optional().describe('The agent\'s own session id.'),
};

const def = <T extends string, D extends z.ZodType, B extends boolean = false>(type: T, description: string, data: D, blocking?: B) =>
  ({ type, description, data, blocking: (blocking ?? false) as B, source: 'agents' }) satisfies EventDefinition;

export const agentEvents = [
  def('plan.created', 'A plan (or a revision) was requested; its job is generating it.', planEvent),
  def('plan.ready', 'A plan was generated and saved with its steps.', planEvent),
  def('plan.failed', 'Generating a plan failed or was cancelled.', planEvent),
  def('plan.step.updated', 'A step was approved, skipped, edited, handed to an agent, or finished.',
    planEvent.extend({ step: z.number().int().describe('Step id.'), action: z.string().describe('What changed.') })),
  def('agent.started', 'An agent run started (`picode agent`, a plan step, or a hook).', runEvent),
  def('agent.status', 'An agent run changed state: working, waiting_approval, waiting_input, done, failed, stopped, interrupted.',
    runEvent.extend({
      status: runStatus, detail: z.string().optional().describe('The tool awaiting approval, or why it ended.'),
      kind: z.string().optional().describe('External agents: which CLI.'),
      source: z.enum(['hooks', 'inferred']).optional().describe('External agents: where the status came from.'),
      agentSession: z.string().optional().describe('External agents: the agent\'s own session id.'),
    })),
  def('agent.finished', 'An agent run ended (done, failed, stopped or interrupted).',
    runEvent.extend({ status: runStatus, detail: z.string().optional() })),
  def('agent.tool.before', 'An agent is about to call a tool. Hooks may allow, ask a person, deny, rewrite the arguments or add context.',
    agentToolBeforeData, true),
  def('agent.tool.after', 'An external agent finished a tool call (from its PostToolUse hook).', z.object({
    ...externalFields,
    tool: z.string().describe('The agent\'s tool name.'),
    callId: z.string().describe('The agent\'s id for the call.'),
    ok: z.boolean().describe('False when the tool failed.'),
    output: z.string().describe('The output, shortened.'),
  })),
  def('agent.message', 'An external agent was given a prompt (role user) or ended a turn with a message (role assistant).', z.object({
    ...externalFields,
    role: z.enum(['user', 'assistant']),
    text: z.string().describe('The message.'),
  })),
  def('agent.hook.malformed', 'An external agent\'s hook call could not be read; it was recorded and ignored.', z.object({
    run: z.number().int().describe('The run whose hook address was called.'),
    reason: z.string().describe('What was wrong.'),
    body: z.string().describe('The start of what was sent.'),
  })),
  def('job.created', 'A background job was created.', jobEvent),
  def('job.started', 'A job started, or resumed at its first incomplete stage.', jobEvent),
  def('job.progress', 'A job entered a stage or reported progress (at most ~10 per second per job).', jobEvent),
  def('job.finished', 'A job ended: done, failed or cancelled.', jobEvent),
  def('job.interrupted', 'A job was cut off by the host stopping; `picode jobs resume ID` continues it.', jobEvent),
] as const satisfies readonly EventDefinition[];
