import { z } from 'zod';

/** The host process: output coalescing, scrollback, the persisted logs, flow control. */
export const hostSection = {
  host: z.object({
    output: z.object({
      flushMs: z.number().int().min(0).max(1000).default(16)
        .describe('Coalescing window for `pane.output` events, per pane (ms). The first chunk after a quiet spell is sent at once; later chunks are joined until the window ends.'),
      scrollbackBytes: z.number().int().min(4096).default(1024 * 1024)
        .describe('Raw bytes (with ANSI) kept in memory per pane.'),
      scrollbackLines: z.number().int().min(10).default(5000)
        .describe('Plain-text lines (ANSI stripped) kept in memory per pane.'),
    }).strict().prefault({}),
    outputLog: z.object({
      maxBytesPerPane: z.number().int().min(0).default(8 * 1024 * 1024)
        .describe('Bytes of each pane\'s output kept in the `pane_output` table; older batches are deleted. 0 = do not persist output.'),
      flushMs: z.number().int().min(10).max(10_000).default(250)
        .describe('How often the pane output log is written (one transaction per flush).'),
    }).strict().prefault({}),
    events: z.object({
      flushMs: z.number().int().min(5).max(10_000).default(50)
        .describe('How often new events are written to the `events` table (one transaction per flush).'),
      maxRows: z.number().int().min(1000).default(200_000)
        .describe('Events kept per session; the oldest are deleted beyond this.'),
      maxOutputText: z.number().int().min(256).default(16 * 1024)
        .describe('Characters of a `pane.output` event\'s text written to the `events` table (subscribers get it whole; the raw bytes are in the output log).'),
    }).strict().prefault({}),
    retention: z.object({
      maxAgeDays: z.number().min(0).default(30)
        .describe('Events, pane output, hook runs and plugin logs older than this many days are deleted (by the running host, hourly). 0 = keep them until the size limits apply. `picode purge` deletes on demand.'),
    }).strict().prefault({}),
    capture: z.enum(['spool', 'control', 'pipe-pane']).default('spool')
      .describe('How the host reads pane output (tmux). `spool`: one pipe per pane into a bounded on-disk spool that never makes tmux wait or buffer; new panes are piped before their first byte; a pipe of your own is left alone (that pane is reported, not captured). `control`: tmux control mode (`%output`), with pause-after flow control and no pipes, several times costlier for the tmux server under heavy output. `pipe-pane`: one pipe per pane into a FIFO, no flow control (see docs/host.md).'),
    spool: z.object({
      maxBytesPerPane: z.number().int().min(1024 * 1024).default(64 * 1024 * 1024)
        .describe('Disk a pane\'s spool may fill while the host is behind (stopped, busy, restarting); past it the writer discards and counts the bytes (`pane.output.dropped`).'),
      segmentBytes: z.number().int().min(64 * 1024).default(4 * 1024 * 1024)
        .describe('Size of one spool file; read files are deleted once the output log recorded them.'),
    }).strict().prefault({}),
    idleMs: z.number().int().min(50).default(2000)
      .describe('A pane that printed nothing for this long gets one `pane.idle` event.'),
    pauseAfterSeconds: z.number().int().min(0).max(300).default(5)
      .describe('tmux flow control (pause-after): a pane whose output the host has not read for this long is paused, its backlog dropped and reported as `pane.output.dropped`. 0 = never (tmux then disconnects a host 300 s behind).'),
    runOutputBytes: z.number().int().min(1024).default(16 * 1024 * 1024)
      .describe('Output kept for one `picode run` (the tail beyond this is kept).'),
  }).strict().prefault({}).describe('The host process that observes a session (see docs/host.md).'),
} satisfies Record<string, z.ZodType>;
