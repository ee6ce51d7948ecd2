import { z } from 'zod';

/**
 * Config keys of the hooks area: `hooks` (the list of hooks), `watch` (the file watcher that
 * emits `file.changed`) and `hookLimits` (timeouts, rate limits, concurrency). See
 * docs/hooks.md for the guide.
 */

/**
 * A matcher in Claude Code's style: `*`, `""` or absent = everything; a string of only
 * letters, digits, `_ - . , |` and spaces = an exact name or a list (`tests|build`, `a, b`);
 * anything else = an unanchored regular expression (`^npm (test|run test)`). A YAML list of
 * strings is a list of exact names.
 */
const textMatcher = z.union([z.string(), z.array(z.string()).min(1)]);

/** Exit-code matcher: a code, a list of codes, or `nonzero` / `zero` / `any`. */
const exitCodeMatcher = z.union([
  z.number().int(),
  z.array(z.number().int()).min(1),
  z.enum(['nonzero', 'zero', 'any']),
]);

export const hookMatchSchema = z.object({
  pane: textMatcher.optional().describe('The pane\'s layout name (or its id, `%3`).'),
  command: textMatcher.optional().describe('The command line (`command.started/finished`, `pane.send.before` text).'),
  exitCode: exitCodeMatcher.optional().describe('Exit code of `command.finished`: a code, a list, `nonzero`, `zero`.'),
  path: z.union([z.string(), z.array(z.string()).min(1)]).optional()
    .describe('Glob(s) (picomatch) against `file.changed` paths, relative to the watched root; any path of the batch may match.'),
  tool: textMatcher.optional().describe('Tool name (`agent.tool.before`, `llm.request` tool calls).'),
  origin: textMatcher.optional().describe('Who caused the event (`pane.send.before` origin: `agent:*`, `cli`, `hook:NAME`).'),
  text: textMatcher.optional().describe('The text of the event (`pane.send.before` text, `diagnostic` message, `notification` message).'),
}).strict();

const runAction = z.object({
  pane: z.string().min(1).describe('Pane name (or id) to run in.'),
  command: z.string().min(1).describe('Command line; `{{data.path}}`-style placeholders are filled from the event.'),
  timeout: z.number().positive().optional().describe('Seconds to wait for the command to finish (default: hookLimits.runTimeout).'),
}).strict();

const sendAction = z.object({
  pane: z.string().min(1).describe('Pane name (or id).'),
  text: z.string().optional().describe('Text to type (placeholders filled).'),
  keys: z.array(z.string()).optional().describe('tmux key names to send after the text (`C-c`, `Enter`).'),
  enter: z.boolean().default(false).describe('Press Enter after the text.'),
}).strict().refine((a) => a.text !== undefined || a.keys !== undefined, { message: 'send needs `text` or `keys`' });

const contextSpec = z.object({
  pane: z.string().min(1).describe('Pane whose recent output is gathered (placeholders filled).'),
  lines: z.number().int().positive().max(5000).default(80).describe('Lines of output to gather.'),
}).strict();

const notifyAction = z.object({
  message: z.string().min(1).describe('Message (placeholders filled).'),
  title: z.string().optional(),
  level: z.enum(['info', 'warning', 'error']).default('info'),
  context: contextSpec.optional().describe('Gather a pane\'s recent output and attach it to the notification.'),
}).strict();

const emitAction = z.object({
  event: z.string().min(1).describe('Event type to emit (`user.NAME`; a bare NAME becomes `user.NAME`).'),
  data: z.unknown().optional().describe('Event data; string values may contain placeholders.'),
}).strict();

const askAction = z.object({
  prompt: z.string().min(1).describe('The question (placeholders filled).'),
  context: contextSpec.optional().describe('Pane output to include with the question.'),
  model: z.string().optional().describe('Model to ask (default: the configured one).'),
}).strict();

const planAction = z.object({
  task: z.string().min(1).describe('The task to plan (placeholders filled).'),
  context: contextSpec.optional().describe('Pane output to give the planner (a failing test run, say).'),
}).strict();

/**
 * The action kinds of a hook, each with its schema; the key is the config key that selects it.
 * What each kind does (whether it may run on a blocking event, what it needs, how it runs and
 * is described) is its entry in host/hooks/actionKinds.ts, which fails to compile when a kind
 * here has no entry there.
 */
export const hookActionSchemas = {
  command: z.string().min(1).optional().describe('Shell command hook, Claude Code contract: event JSON on stdin, exit 0/2/other.'),
  plugin: z.string().min(1).optional().describe('A loaded WASM plugin to deliver the event to (its actions/decision count).'),
  run: runAction.optional().describe('Built-in: run a command in a pane and wait for it.'),
  send: sendAction.optional().describe('Built-in: send text or keys to a pane.'),
  notify: notifyAction.optional().describe('Built-in: emit a `notification` event.'),
  emit: emitAction.optional().describe('Built-in: emit an event.'),
  ask: askAction.optional().describe('Built-in: ask the model (llm service) and notify the answer.'),
  plan: planAction.optional().describe('Built-in: ask the planner for a plan (shown in the plan pane).'),
} satisfies Record<string, z.ZodOptional<z.ZodType>>;

export type HookActionKind = keyof typeof hookActionSchemas;
export const hookActionKinds = Object.keys(hookActionSchemas) as readonly HookActionKind[];
/** The settings of each action kind, as parsed. */
export type HookActionParams = { [K in HookActionKind]: NonNullable<z.output<(typeof hookActionSchemas)[K]>> };
/** A hook's action as a tagged union: its kind and that kind's settings. */
export type HookAction<K extends HookActionKind = HookActionKind> = { [P in K]: { readonly kind: P; readonly params: HookActionParams[P] } }[K];

export const hookSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only').optional()
    .describe('Name shown in `hooks list` and `hook_runs` (default: EVENT#INDEX).'),
  event: textMatcher.describe('Event type(s): exact (`file.changed`), a list, a prefix (`pane.*`) or a regular expression.'),
  match: hookMatchSchema.optional().describe('Extra conditions on the event; all given must hold.'),
  matcher: z.string().optional()
    .describe('Claude Code style matcher against the event\'s main subject (tool name, pane name, path, command).'),
  enabled: z.boolean().default(true),
  timeout: z.number().positive().optional().describe('Seconds before the hook is killed (default: hookLimits.timeout).'),
  // What to do: exactly one of the action kinds.
  ...hookActionSchemas,
  concurrency: z.enum(['coalesce', 'parallel']).optional()
    .describe('Non-blocking events while a run is in progress: `coalesce` (default: keep only the latest) or `parallel`.'),
}).strict().superRefine((hook, ctx) => {
  const actions = hookActionKinds.filter((k) => hook[k] !== undefined);
  if (actions.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: actions.length === 0
        ? `a hook needs one action: ${hookActionKinds.join(', ')}`
        : `a hook has exactly one action, found ${actions.join(' and ')}`,
    });
  }
});

export type HookConfig = z.output<typeof hookSchema>;

/** The one action of a validated hook (the schema guarantees there is exactly one). */
export function hookActionOf(hook: HookConfig): HookAction {
  for (const kind of hookActionKinds) {
    const params = hook[kind];
    if (params !== undefined) return { kind, params } as HookAction;
  }
  throw new Error('a validated hook has no action');
}
export type HookMatchConfig = z.output<typeof hookMatchSchema>;

export const watchSchema = z.object({
  enabled: z.union([z.boolean(), z.literal('auto')]).default('auto')
    .describe('Watch files: `auto` = when an enabled hook listens to `file.changed`.'),
  root: z.string().optional().describe('Directory to watch (default: the host\'s working directory).'),
  paths: z.array(z.string()).default(['**']).describe('Globs (relative to root) of files that produce events.'),
  ignore: z.array(z.string()).default([]).describe('Globs never reported (on top of .gitignore, .git/ and node_modules/).'),
  gitignore: z.boolean().default(true).describe('Skip what the root\'s .gitignore ignores.'),
  debounceMs: z.number().int().min(0).max(60_000).default(100).describe('Quiet time before a batch is emitted.'),
  maxWaitMs: z.number().int().min(10).max(600_000).default(1000).describe('Longest a batch waits during a storm of changes.'),
  maxPaths: z.number().int().min(1).max(100_000).default(500).describe('Paths listed per event (the count covers the rest).'),
}).strict();

export const hookLimitsSchema = z.object({
  timeout: z.number().positive().default(60).describe('Default seconds before a hook is killed (Claude Code: 600).'),
  runTimeout: z.number().positive().default(600).describe('Default seconds a `run` action waits for its command.'),
  maxRuns: z.number().int().positive().default(30).describe('Runs per hook allowed per `perSeconds` window (token bucket).'),
  perSeconds: z.number().positive().default(10).describe('Window of the per-hook rate limit.'),
  maxProcesses: z.number().int().positive().default(8).describe('Shell hooks running at once across all hooks (others queue).'),
  maxQueued: z.number().int().positive().default(256).describe('Shell hooks waiting for a slot; beyond it runs are dropped.'),
  maxOutputBytes: z.number().int().positive().default(1_048_576).describe('stdout/stderr kept per shell hook (the rest is discarded).'),
  keepRuns: z.number().int().positive().default(10_000).describe('Rows kept in hook_runs (all sessions); older runs are deleted.'),
}).strict();

export type WatchConfig = z.output<typeof watchSchema>;
export type HookLimits = z.output<typeof hookLimitsSchema>;

export const hooksSection = {
  hooks: z.array(hookSchema).default([]).describe('Hooks: what to do when an event matches. See docs/hooks.md.'),
  watch: watchSchema.default(watchSchema.parse({})).describe('The file watcher behind `file.changed`.'),
  hookLimits: hookLimitsSchema.default(hookLimitsSchema.parse({})).describe('Timeouts, rate limits and concurrency of hooks.'),
} satisfies Record<string, z.ZodType>;
