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
    external: z.object({
      approvalTimeoutSeconds: z.number().int().min(1).max(3600).default(120)
        .describe('How long an external agent\'s permission request waits for an answer in picode before its own prompt takes over.'),
      idleSeconds: z.number().min(0.2).max(600).default(3)
        .describe('Agents without hooks: quiet output for this long means waiting for input (hysteresis: no flicker).'),
      notify: z.object({
        tmuxMessage: z.boolean().default(true).describe('Show a tmux message when an agent starts waiting or finishes.'),
        bell: z.boolean().default(true).describe('Ring the terminal bell in the agent\'s pane.'),
        desktop: z.boolean().default(true).describe('Run `notify-send` when it is installed.'),
        webhook: z.string().url().optional().describe('POST a JSON notice here (e.g. an ntfy topic URL).'),
      }).strict().default({ tmuxMessage: true, bell: true, desktop: true })
        .describe('Notifications, once per transition to waiting or finished.'),
    }).strict().default({ approvalTimeoutSeconds: 120, idleSeconds: 3, notify: { tmuxMessage: true, bell: true, desktop: true } })
      .describe('External coding agents (`picode agent --with claude|codex|...`).'),
  }).strict().default({ maxTurns: 40, maxTokens: 2_000_000, maxCostUsd: 5, approvals: { default: 'ask', tools: {} }, external: { approvalTimeoutSeconds: 120, idleSeconds: 3, notify: { tmuxMessage: true, bell: true, desktop: true } } })
    .describe('Agent runs: model, limits and the approval policy.'),
  plans: z.object({
    model: z.string().min(1).optional()
      .describe('Model for plans; default: the `models` chain for purpose `plan`.'),
  }).strict().default({}).describe('Plan generation.'),
} satisfies Record<string, z.ZodType>;

export type AgentsConfig = z.output<(typeof agentsSection)['agents']>;
