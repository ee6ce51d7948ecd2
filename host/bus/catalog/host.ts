import { z } from 'zod';
import type { EventDefinition } from './index.js';

/**
 * Events of the host: the session, its panes, their output and command boundaries. Every
 * envelope carries the session, the window and pane ids and the pane's layout name; the
 * payloads below are the `data`.
 */

const paneInfo = z.object({
  id: z.string().describe('Multiplexer pane id (`%3`).'),
  name: z.string().optional().describe('The pane\'s name from the layout (tmux pane option `@picode_name`).'),
  windowId: z.string().describe('Window id (`@1`).'),
  windowName: z.string().describe('Window name.'),
  index: z.number().int().describe('Pane index in its window.'),
  width: z.number().int().describe('Columns.'),
  height: z.number().int().describe('Rows.'),
  active: z.boolean().describe('Whether it is the active pane of its window.'),
  command: z.string().describe('The program running in the pane (tmux `pane_current_command`).'),
  cwd: z.string().describe('The pane\'s working directory.'),
  pid: z.number().int().optional().describe('PID of the pane\'s first process.'),
  dead: z.boolean().describe('True when the program exited and the pane is kept (remain-on-exit).'),
});

export const configReloadedData = z.object({
  files: z.array(z.string()).describe('The config files loaded, lowest precedence first.'),
  changed: z.array(z.string()).describe('Top-level sections that changed (hooks, hookLimits, watch, models, plugins...).'),
  applied: z.array(z.string()).describe('Sections applied to the running host.'),
  needsRestart: z.array(z.string()).describe('Sections that take effect when the host restarts (`picode down` and `picode up`).'),
});

export const configInvalidData = z.object({
  error: z.string().describe('What is wrong, with the file and key.'),
  hint: z.string().optional().describe('What to do.'),
});

export const sessionStartedData = z.object({
  mux: z.enum(['tmux', 'zellij']).describe('The multiplexer.'),
  tmuxSocket: z.string().optional().describe('Private tmux server name (`tmux -L`), when not the default server.'),
  pid: z.number().int().describe('PID of the host process.'),
  panes: z.number().int().describe('Panes found at attach.'),
  resumed: z.boolean().describe('True when an earlier host of this session had recorded events (a restart).'),
});

export const sessionStoppedData = z.object({
  reason: z.string().describe('Why: `the tmux server exited`, `picode down`, `signal SIGTERM`, tmux\'s own %exit reason...'),
});

export const paneOpenedData = z.object({ pane: paneInfo.describe('The pane as the multiplexer lists it.') });

export const paneClosedData = z.object({
  bytes: z.number().int().describe('Output bytes the host observed from this pane in total.'),
});

export const paneResizedData = z.object({
  width: z.number().int().describe('New width in columns.'),
  height: z.number().int().describe('New height in rows.'),
});

export const paneFocusedData = z.object({});

export const paneOutputData = z.object({
  text: z.string().describe(
    'What the pane printed since the previous `pane.output`, as text with terminal escape sequences removed ' +
    '(`\\r` and `\\n` kept). Never cut inside a UTF-8 character.'),
  offset: z.number().int().describe('Byte offset of this output in the pane\'s raw stream (continued across host restarts).'),
  bytes: z.number().int().describe('Raw bytes (escape sequences included) this event covers.'),
  truncatedChars: z.number().int().optional().describe(
    'Only in the stored copy (`picode events`, replays): characters of `text` beyond `host.events.maxOutputText` that were not stored.'),
});

export const paneIdleData = z.object({
  idleMs: z.number().int().describe('How long the pane has printed nothing (`host.idleMs`).'),
  offset: z.number().int().describe('Raw stream offset at which output stopped.'),
});

export const paneOutputDroppedData = z.object({
  reason: z.string().describe('Why output was lost (tmux dropped a paused pane\'s backlog, or the observer fell behind).'),
  bytes: z.number().int().optional().describe('Bytes lost, when known (spool capture counts them; tmux 3.3a\'s pause-after does not say).'),
  offset: z.number().int().optional().describe('Raw stream offset where the lost bytes begin; with `bytes`, they occupy `[offset, offset + bytes)` and the stream continues after them.'),
});

export const commandStartedData = z.object({
  command: z.string().describe('The command line (from OSC 133 `cmdline_url`, or what `picode run` sent); empty when the shell did not say.'),
  offset: z.number().int().describe('Raw stream offset where the command\'s output begins.'),
  source: z.enum(['osc133', 'sentinel']).describe('`osc133`: the shell\'s marks (`picode shell-init`); `sentinel`: marks picode injected for `picode run`.'),
});

export const commandFinishedData = z.object({
  command: z.string().describe('The command line, as in `command.started`.'),
  exitCode: z.number().int().nullable().describe('Exit status; null when unknown (the pane closed mid-command, or the shell did not report it).'),
  durationMs: z.number().describe('From `command.started` to the end mark.'),
  output: z.object({
    from: z.number().int().describe('Raw stream offset of the first output byte.'),
    to: z.number().int().describe('Raw stream offset just after the last output byte.'),
  }).describe('The command\'s output range in the pane\'s raw stream (read it back from the output log).'),
  outputTail: z.string().describe('The last 4 KiB of the output as plain text.'),
  source: z.enum(['osc133', 'sentinel']).describe('Which marks delimited the command.'),
  reason: z.string().optional().describe('Set when the end is inferred: `pane closed`, `next prompt without an end mark`.'),
});

export const extensionFailedData = z.object({
  extension: z.string().describe('The extension\'s name (host/daemon/extensions.ts).'),
  phase: z.enum(['load', 'start', 'stop', 'reconfigure']).describe('What failed (reconfigure: applying a reloaded config).'),
  error: z.string().describe('The error message.'),
});

export const hostEvents = [
  {
    type: 'session.started',
    description: 'The host attached to the session (at `picode up`, or when a host is restarted on a running session).',
    data: sessionStartedData, blocking: false, source: 'host',
  },
  {
    type: 'session.stopped',
    description: 'The host stopped observing the session: the session or the tmux server ended, or the host was stopped. The last event a host emits.',
    data: sessionStoppedData, blocking: false, source: 'host',
  },
  {
    type: 'pane.opened',
    description: 'A pane exists that the host had not seen: every pane at attach, then each new split or window.',
    data: paneOpenedData, blocking: false, source: 'host',
  },
  {
    type: 'pane.closed',
    description: 'A pane is gone (its program exited, or it was killed). A command still running in it ends with `command.finished` (exit unknown) first.',
    data: paneClosedData, blocking: false, source: 'host',
  },
  {
    type: 'pane.resized',
    description: 'A pane changed size.',
    data: paneResizedData, blocking: false, source: 'host',
  },
  {
    type: 'pane.focused',
    description: 'A pane became the active pane of the session\'s current window.',
    data: paneFocusedData, blocking: false, source: 'host',
  },
  {
    type: 'pane.output',
    description:
      'A pane printed something. Output is coalesced per pane: the first chunk after a quiet spell is sent at once, ' +
      'then chunks are joined for `host.output.flushMs`. The text never splits a UTF-8 character.',
    data: paneOutputData, blocking: false, source: 'host',
  },
  {
    type: 'pane.idle',
    description: 'A pane printed nothing for `host.idleMs` after printing something (once per quiet spell).',
    data: paneIdleData, blocking: false, source: 'host',
  },
  {
    type: 'pane.output.dropped',
    description: 'Output of a pane was lost because the host fell behind a flooding pane (tmux flow control). Reported, never silent.',
    data: paneOutputDroppedData, blocking: false, source: 'host',
  },
  {
    type: 'command.started',
    description: 'A command started in a pane: the shell\'s OSC 133 `C` mark (`picode shell-init`), or the start of a `picode run`.',
    data: commandStartedData, blocking: false, source: 'host',
  },
  {
    type: 'command.finished',
    description:
      'A command finished: the OSC 133 `D` mark with its exit status, the end of a `picode run`, or an inferred end ' +
      '(the pane closed, or a new prompt began) with an unknown exit.',
    data: commandFinishedData, blocking: false, source: 'host',
  },
  {
    type: 'config.reloaded',
    description: 'The host loaded its config files again (they changed, or `picode reload`) and applied what it can while running.',
    data: configReloadedData, blocking: false, source: 'host',
  },
  {
    type: 'config.invalid',
    description: 'A changed config file is invalid: the host keeps running with the config it had. The error names the file and key.',
    data: configInvalidData, blocking: false, source: 'host',
  },
  {
    type: 'host.extension.failed',
    description: 'An extension of the host (plugins, hooks, llm, agents) failed to load, start or stop; the host carries on without it.',
    data: extensionFailedData, blocking: false, source: 'host',
  },
] as const satisfies readonly EventDefinition[];
