import type { Multiplexer, MuxObserver, PaneInfo } from '../mux/types.js';
import { TmuxControlObserver, type CaptureStatus } from '../mux/tmux/control/observer.js';
import type { SpoolOptions } from '../mux/tmux/control/spool.js';
import { tmuxQuote } from '../mux/tmux/control/client.js';

export type { CaptureStatus };

/**
 * What the host does to panes (capture, type, press keys) and how it observes them. For tmux
 * both go through the one control-mode connection (a command there costs a fraction of a separate
 * `tmux` process: docs/benchmarks.md); for another multiplexer, through its Multiplexer and its observer.
 */
export interface PaneDriver {
  readonly observer: MuxObserver;
  capture(paneId: string, historyLines: number, ansi: boolean): Promise<string>;
  sendText(paneId: string, text: string, enter: boolean): Promise<void>;
  sendKeys(paneId: string, keys: readonly string[]): Promise<void>;
  /** Fresh pane details (program, directory, focus), when the multiplexer can list them cheaply. */
  relist?(): Promise<PaneInfo[]>;
  /** Switches on the multiplexer's flow control, once the host is fully started. */
  enableFlowControl?(): Promise<void>;
  /** How pane output is read, for multiplexers with a choice (tmux: `host.capture`). */
  captureStatus?(): CaptureStatus;
  /** The host durably recorded a pane's stream up to `offset` (spool capture frees it). */
  acknowledge?(paneId: string, offset: number): void;
  /**
   * Shows a notification to the person: a message on the session's clients, and the session
   * option `@picode-notification` (for `#{@picode-notification}` in the status line).
   */
  notify?(text: string): Promise<void>;
  /** tmux: one command (argv, quoted here) on the control-mode connection; its output lines. */
  tmuxCommand?(argv: readonly string[]): Promise<string[]>;
}

export function tmuxDriver(options: {
  session: string; socket: string | undefined; tmuxBinary: string; pauseAfterSeconds: number; env?: NodeJS.ProcessEnv;
  capture?: 'spool' | 'control' | 'pipe-pane'; fifoDir?: string;
  spoolDir?: string; spool?: SpoolOptions; clientPidFile?: string; warn?: (message: string) => void;
  resumeOffset?: (pane: string) => number; currentOffset?: (pane: string) => number | undefined;
}): PaneDriver {
  const { session, socket, tmuxBinary, pauseAfterSeconds, env, ...capture } = options;
  const observer = new TmuxControlObserver({ session, socket, tmuxBinary, pauseAfterSeconds, env, ...capture });
  return {
    observer,
    capture: (pane, lines, ansi) => observer.capture(pane, lines, ansi),
    sendText: (pane, text, enter) => observer.sendText(pane, text, enter),
    sendKeys: (pane, keys) => observer.sendKeys(pane, keys),
    relist: () => observer.relist(),
    enableFlowControl: () => observer.enableFlowControl(),
    acknowledge: (pane, offset) => observer.acknowledge(pane, offset),
    tmuxCommand: (argv) => observer.command(argv.map(tmuxQuote).join(' ')),
    captureStatus: () => observer.captureStatus,
    async notify(text) {
      const target = tmuxQuote(`=${options.session}:`);
      // `#` would start a format: doubled, it is shown as it is.
      const shown = tmuxQuote(text.replace(/#/g, '##'));
      await Promise.all([
        observer.command(`display-message -d 5000 -t ${target} ${shown}`),
        observer.command(`set-option -q -t ${target} @picode-notification ${shown}`),
      ]);
    },
  };
}

/** A driver over any Multiplexer that can observe (Zellij). */
export function muxDriver(mux: Multiplexer & { observe(session: string): MuxObserver }, session: string): PaneDriver {
  return {
    observer: mux.observe(session),
    capture: (pane, lines, ansi) => mux.capture(pane, { lines, ansi }),
    sendText: (pane, text, enter) => mux.sendText(pane, text, enter),
    sendKeys: (pane, keys) => mux.sendKeys(pane, keys),
  };
}
