import { z } from 'zod';

const decision = z.enum(['allow', 'ask', 'deny']);
const effort = z.enum(['off', 'low', 'medium', 'high']);

/** Config keys of the agents area: `agents` (the loop, its limits and approvals) and `plans`. */
export const agentsSection = {
  agents: z.object({
    model: z.string().min(1).optional()
      .describe('Model for agent runs (`provider:model` or an alias); default: the `models` chain for purpose `agent`.'),
    maxTurns: z.number().int().min(1).max(1000).default(40).describe('Model calls per run before it stops (failed: limit).'),
    maxTokens: z.number().int().min(1000).default(2_000_000).describe('Input + output tokens per run before it stops.'),
    maxCostUsd: z.number().min(0).default(5).describe('US dollars per run before it stops; 0 = no cost limit.'),
    reasoning: z.union([effort, z.record(z.string().min(1), effort)]).optional()
      .describe('Reasoning effort (off, low, medium, high) for every model, or per `provider:model` (a key ending in `*` matches a prefix; `default` for the rest): Anthropic gets a thinking budget, OpenAI `reasoning_effort`. Default: off.'),
    maxRepeatedFailures: z.number().int().min(1).max(100).optional()
      .describe('The run stops (failed) when the same tool call, with the same arguments, fails this many times in a row (default 3).'),
    approvals: z.object({
      default: decision.default('ask').describe('Decision for tools not listed in `tools`.'),
      tools: z.record(z.string().min(1), decision).default({})
        .describe('Per tool: allow, ask or deny (`run_command: ask`, `read_file: allow`); a name ending in `*` matches a prefix (`plugin_*`).'),
    }).strict().default({ default: 'ask', tools: {} })
      .describe('Approval policy for tool calls; read-only tools (read_file, search_files, list_panes, read_pane) are allowed unless listed.'),
  }).strict().default({ maxTurns: 40, maxTokens: 2_000_000, maxCostUsd: 5, approvals: { default: 'ask', tools: {} } })
    .describe('Agent runs: model, limits and the approval policy.'),
  plans: z.object({
    model: z.string().min(1).optional()
      .describe('Model for plans; default: the `models` chain for purpose `plan`.'),
  }).strict().default({}).describe('Plan generation.'),
} satisfies Record<string, z.ZodType>;

export type AgentsConfig = z.output<(typeof agentsSection)['agents']>;
