import { z } from 'zod';

/** The capabilities a plugin can be granted; each is one WIT interface it may import. */
export const pluginPermissions = ['log', 'panes-read', 'panes-write', 'kv', 'fs-read', 'git', 'llm', 'notify'] as const;
export type PluginPermission = (typeof pluginPermissions)[number];

const limits = {
  eventDeadlineMs: z.number().int().min(1).max(60_000).optional()
    .describe('Longest an on-event call (one batch) may run before the plugin is stopped and restarted (default 100).'),
  gateDeadlineMs: z.number().int().min(1).max(60_000).optional()
    .describe('Longest an on-event call deciding a blocking event the plugin gates (llm.request, agent.tool.before, pane.send.before) may run (default 1000). A plugin that misses it is restarted and its verdict is gateFailure (deny unless set).'),
  callDeadlineMs: z.number().int().min(1).max(300_000).optional()
    .describe('Longest a gather-context or call-tool call may run (default 2000). Time spent in host capabilities (llm, git) does not count.'),
  memoryMiB: z.number().int().min(16).max(4096).optional()
    .describe('Cap on each linear memory of the plugin, in MiB (default 64). A plugin that needs more traps and is restarted.'),
  queueSize: z.number().int().min(1).max(1_000_000).optional()
    .describe('Events waiting for the plugin beyond this are dropped (oldest first) and counted (default 1000).'),
  batchSize: z.number().int().min(1).max(10_000).optional()
    .describe('Most events handed to on-event in one call when they queue up (default 64).'),
  maxFailures: z.number().int().min(1).max(1000).optional()
    .describe('Failures (traps, crashes, deadlines) within failureWindowMs after which the plugin is disabled (default 5).'),
  failureWindowMs: z.number().int().min(1000).optional()
    .describe('Window for maxFailures, in ms (default 60000).'),
  cooldownMs: z.number().int().min(100).max(86_400_000).optional()
    .describe('A plugin disabled after repeated failures is tried again after this long, in ms (default 60000; doubling while it keeps failing, up to 30 min). `picode plugin enable` retries at once.'),
  maxActions: z.number().int().min(1).max(100_000).optional()
    .describe('Most actions applied from one on-event call; the rest are dropped and counted (default 256).'),
};

const pluginEntry = z.object({
  enabled: z.boolean().optional().describe('Load this plugin (default true). `picode plugin enable|disable` overrides it.'),
  grants: z.array(z.enum(pluginPermissions)).optional()
    .describe('Permissions granted to this plugin (added to those granted with `picode plugin grant`).'),
  roots: z.array(z.string()).optional()
    .describe('Directories fs-read and git may read (default: the session working directory). ~ is expanded.'),
  gateFailure: z.enum(['deny', 'allow']).optional()
    .describe('Verdict when this plugin fails to decide on a blocking event it gates: misses gateDeadlineMs, traps, or is disabled after repeated failures (default deny: fail closed).'),
  llm: z.object({
    maxTokensPerCall: z.number().int().min(1).optional().describe('Largest max-tokens a plugin completion may ask for (default 1024).'),
    maxCallsPerHour: z.number().int().min(0).optional().describe('Completions per hour (default 30).'),
  }).strict().optional().describe('Budget of the llm capability.'),
  ...limits,
}).strict();

/** Config keys of the plugins area (owned by that area). */
export const pluginsSection = {
  plugins: z.object({
    dirs: z.array(z.string()).optional()
      .describe('Extra directories holding plugins (a plugin directory, or a directory of them). ~ is expanded.'),
    hotReload: z.boolean().optional()
      .describe('Watch plugin components (and sources) and reload a plugin when it changes, keeping its kv state (default false).'),
    defaults: z.object(limits).strict().optional().describe('Limits applied to every plugin unless its entry overrides them.'),
    entries: z.record(z.string(), pluginEntry).optional()
      .describe('Per-plugin settings by plugin name: enabled, grants, roots, limits, llm budget.'),
  }).strict().optional().describe('WASM plugins: where they are, what they may do, their limits.'),
} satisfies Record<string, z.ZodType>;

export type PluginsConfig = NonNullable<z.output<(typeof pluginsSection)['plugins']>>;
export type PluginEntryConfig = z.output<typeof pluginEntry>;
