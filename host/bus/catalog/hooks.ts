import { z } from 'zod';
import type { EventDefinition } from './index.js';

/**
 * Events of the hooks area: what the file watcher, the hook engine and `picode emit` put on
 * the bus. docs/hooks.md is generated from these definitions (`picode hooks docs`).
 */

const fileChange = z.object({
  path: z.string().describe('Path relative to the watched root, with `/` separators.'),
  kind: z.enum(['add', 'change', 'unlink', 'addDir', 'unlinkDir']).describe('What happened to the path.'),
});

export const fileChangedData = z.object({
  root: z.string().describe('Absolute directory the paths are relative to.'),
  path: z.string().describe('The first changed path of the batch (what a single-file hook usually wants).'),
  paths: z.array(z.string()).describe('Every distinct changed path of the batch, capped at `watch.maxPaths`.'),
  changes: z.array(fileChange).describe('Per-path change kinds, same cap and order as `paths`.'),
  count: z.number().int().describe('Distinct paths that changed in the batch, including any beyond the cap.'),
  truncated: z.boolean().describe('True when `count` exceeds the number of `paths` listed.'),
});

export const diagnosticData = z.object({
  severity: z.enum(['error', 'warning', 'info']).describe('How serious the finding is.'),
  message: z.string().describe('The diagnostic text (first line of a compiler error, a failing test name...).'),
  file: z.string().optional().describe('Source file the diagnostic points at, when known.'),
  line: z.number().int().optional().describe('1-based line in `file`.'),
  column: z.number().int().optional().describe('1-based column in `file`.'),
  source: z.string().describe('Who found it: the plugin name (`pane-errors`) or tool.'),
  kind: z.string().optional().describe('Which recogniser matched: `typescript`, `compiler`, `rust`, `python`, `test`... (per source).'),
  detail: z.string().optional().describe('Extra lines (stack trace, expected/actual), capped by the emitter.'),
});

export const userEventData = z.unknown().describe('Whatever JSON `picode emit NAME --data JSON` or a plugin passed.');

export const hookRunData = z.object({
  hook: z.string().describe('The hook name (its `name`, or `EVENT#INDEX` when unnamed).'),
  action: z.string().describe('What the hook does: `command`, `plugin`, `run`, `send`, `notify`, `emit`, `ask`, `plan`.'),
  eventId: z.number().int().describe('Id of the event that triggered the run.'),
  eventType: z.string().describe('Type of the event that triggered the run.'),
  outcome: z.enum(['ok', 'blocked', 'error', 'timeout', 'unavailable']).describe('How the run ended.'),
  decision: z.enum(['allow', 'ask', 'deny']).optional().describe('The decision it returned, for blocking events.'),
  reason: z.string().optional().describe('Why (a block reason, an error message).'),
  durationMs: z.number().describe('Wall time of the run.'),
});

export const hookDroppedData = z.object({
  hook: z.string().describe('The hook whose runs were dropped.'),
  reason: z.enum(['rate-limit', 'coalesced', 'queue-full']).describe('Which limit dropped them.'),
  count: z.number().int().describe('Runs dropped since the last report for this hook and reason.'),
});

export const notificationData = z.object({
  level: z.enum(['info', 'warning', 'error']).describe('How loudly to show it.'),
  title: z.string().optional().describe('Short title.'),
  message: z.string().describe('The notification text.'),
  source: z.string().describe('Who sent it: `hook:NAME`, `plugin:NAME`.'),
  context: z.string().optional().describe('Gathered context attached to it (for example the failing output of a test run).'),
});

export const paneSendBeforeData = z.object({
  text: z.string().optional().describe('The text about to be typed into the pane (for `sendText`).'),
  keys: z.array(z.string()).optional().describe('The keys about to be sent (for `sendKeys`), tmux key names.'),
  enter: z.boolean().describe('Whether Enter follows the text.'),
  origin: z.string().describe('Who is sending: `cli`, `hook:NAME`, `plugin:NAME`, `agent:RUN`.'),
  secret: z.boolean().optional().describe('Sent with `picode send --secret`: the text is stored as its length only. Text sent otherwise is stored with secrets redacted.'),
});

export const hookEvents = [
  {
    type: 'file.changed',
    description:
      'Files changed under the watched root (chokidar). Changes are debounced into batches (`watch.debounceMs`, at ' +
      'most `watch.maxWaitMs` apart during a storm); paths ignored by `.gitignore` or `watch.ignore` never appear. ' +
      'A hook `path` matcher matches when any path of the batch matches.',
    data: fileChangedData,
    blocking: false,
    source: 'hooks',
  },
  {
    type: 'diagnostic',
    description: 'A finding in pane output (compiler error, failing test, stack trace), emitted by plugins such as `pane-errors`.',
    data: diagnosticData,
    blocking: false,
    source: 'plugins',
  },
  {
    type: 'user.*',
    description:
      'User events: `picode emit NAME [--data JSON]` (or a plugin\'s emit action) puts `user.NAME` on the bus with the ' +
      'given data. Match them with `event: user.NAME` or `event: user.*`.',
    data: userEventData,
    blocking: false,
    source: 'cli',
  },
  {
    type: 'notification',
    description: 'A message for the user (from a hook\'s `notify` action or a plugin); shown by the log pane and `picode events`.',
    data: notificationData,
    blocking: false,
    source: 'hooks',
  },
  {
    type: 'pane.send.before',
    description:
      'Text or keys are about to be sent to a pane (by the CLI, a hook, a plugin or an agent). Blocking: a hook can ' +
      'deny it (the send is refused with the reason) or replace `text`.',
    data: paneSendBeforeData,
    blocking: true,
    source: 'host',
  },
  {
    type: 'hook.run',
    description:
      'A hook finished running (also recorded in `hook_runs`). Runs triggered by a `hook.*` event do not emit it, so ' +
      'hooks on hook events cannot loop.',
    data: hookRunData,
    blocking: false,
    source: 'hooks',
  },
  {
    type: 'hook.dropped',
    description: 'Hook runs were dropped by a rate limit or coalesced while the hook was busy (at most one report per hook per second).',
    data: hookDroppedData,
    blocking: false,
    source: 'hooks',
  },
] as const satisfies readonly EventDefinition[];
