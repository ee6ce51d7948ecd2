import { z } from 'zod';
import type { EventDefinition } from './index.js';

/**
 * Events of the plugin runtime (host/plugins). Plugins themselves emit `diagnostic` (defined
 * with the hooks' events), `notification` (their notify capability and action), `user.*`
 * and their own `plugin.*` events.
 */

export const pluginLoadedData = z.object({
  plugin: z.string().describe('The plugin name.'),
  version: z.string().describe('Its version (package.json).'),
  permissions: z.array(z.string()).describe('The capabilities its component imports (all granted, or it would not load).'),
});

export const pluginFailedData = z.object({
  plugin: z.string().describe('The plugin name.'),
  reason: z.string().describe('Why: a missing grant (with the command that grants it), a trap, repeated deadline overruns...'),
});

export const pluginDroppedData = z.object({
  plugin: z.string().describe('The plugin name.'),
  queued: z.number().int().describe('Events waiting for the plugin when the oldest were dropped (its queue is full: plugins.defaults.queueSize).'),
});

export const pluginStateData = z.object({
  plugin: z.string().describe('The plugin name.'),
  state: z.enum(['restarting', 'throttled', 'eased', 'failed', 'retrying', 'running'])
    .describe('restarting (after a trap, crash or missed deadline), throttled (a queued batch missed its deadline under load: bigger batches with a longer deadline), eased (keeping up again: smaller batches), failed (disabled after repeated failures; retried after plugins.defaults.cooldownMs), retrying (the cool-down passed), running (started again).'),
  detail: z.string().optional().describe('What happened, with the batch size and deadline for throttled and eased.'),
  retryAt: z.number().int().optional().describe('For failed: when the plugin is tried again (epoch ms).'),
});

export const pluginCustomData = z.unknown().describe('What the plugin emitted (JSON); objects get a `plugin` field naming the emitter.');

export const pluginEvents = [
  {
    type: 'plugin.loaded',
    description: 'A plugin was loaded (at host start, after `picode plugin enable`/`grant`, or on hot reload).',
    data: pluginLoadedData,
    blocking: false,
    source: 'plugins',
  },
  {
    type: 'plugin.failed',
    description:
      'A plugin could not be loaded (not granted, not built, bad component) or was stopped after repeated failures ' +
      '(`plugins.defaults.maxFailures` within `failureWindowMs`). `picode plugin list` shows the status; fix it and ' +
      '`picode plugin enable NAME`.',
    data: pluginFailedData,
    blocking: false,
    source: 'plugins',
  },
  {
    type: 'plugin.dropped',
    description: 'A plugin falls behind: its event queue is full and the oldest events were dropped (at most one report per 5 s).',
    data: pluginDroppedData,
    blocking: false,
    source: 'plugins',
  },
  {
    type: 'plugin.state',
    description: 'A loaded plugin changed state: restarted, throttled under load, eased, disabled after repeated failures, retried after the cool-down, running again. Each change is reported once.',
    data: pluginStateData,
    blocking: false,
    source: 'plugins',
  },
  {
    type: 'plugin.*',
    description: 'Custom events a plugin emits with its `emit` action (type `plugin.SOMETHING`). Never delivered back to the plugin that emitted them.',
    data: pluginCustomData,
    blocking: false,
    source: 'plugins',
  },
] as const satisfies readonly EventDefinition[];
