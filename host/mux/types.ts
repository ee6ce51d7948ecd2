import type { SessionSpec } from '../layout/model.js';

/**
 * One interface for every multiplexer. tmux and Zellij differences live only inside the
 * implementations (host/mux/tmux, host/mux/zellij); nothing above this line knows which
 * one is in use.
 */
export type MuxKind = 'tmux' | 'zellij';

export interface PaneInfo {
  /** The multiplexer's own stable id: `%3` for tmux, `terminal_3` for Zellij. */
  readonly id: string;
  /** The pane's name from the layout (or its title), when it has one. */
  readonly name: string | undefined;
  readonly windowId: string;
  readonly windowName: string;
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly active: boolean;
  readonly command: string;
  readonly cwd: string;
  readonly pid: number | undefined;
  readonly dead: boolean;
  /** The pane's role from the layout (`shell`, `plan`, `agent`, `jobs`, `log`, `plugin`), when known. */
  readonly role?: string | undefined;
}

export interface LaunchOptions {
  /** Session name (overrides the layout's). */
  readonly session: string;
  /** Kill an existing session of that name first. */
  readonly replace: boolean;
  /** Terminal size to build the session at (the attaching client's size). */
  readonly width: number;
  readonly height: number;
}

export interface LaunchResult {
  readonly session: string;
  /** The multiplexer's own id of the new session (tmux: `$3`), captured when it was created. */
  readonly sessionId?: string;
  readonly panes: readonly PaneInfo[];
  /** Number of multiplexer processes spawned to build the session. */
  readonly invocations: number;
}

export interface CaptureOptions {
  /** Lines of history to include (besides the visible screen). */
  readonly lines?: number;
  /** Keep ANSI escape sequences. */
  readonly ansi?: boolean;
}

export interface Multiplexer {
  readonly kind: MuxKind;
  /** Version string, or undefined when the multiplexer is not installed. */
  version(): Promise<string | undefined>;
  hasSession(session: string): Promise<boolean>;
  listSessions(): Promise<string[]>;
  launch(layout: SessionSpec, options: LaunchOptions): Promise<LaunchResult>;
  /** Attaches the current terminal; resolves with the client's exit code when it detaches. */
  attach(session: string): Promise<number>;
  kill(session: string): Promise<void>;
  listPanes(session: string): Promise<PaneInfo[]>;
  capture(paneId: string, options?: CaptureOptions): Promise<string>;
  sendText(paneId: string, text: string, enter: boolean): Promise<void>;
  sendKeys(paneId: string, keys: readonly string[]): Promise<void>;
  /** An observer of a running session (what the host attaches with). */
  observe(session: string): MuxObserver;
}

/**
 * What a multiplexer observer reports about a running session. The host turns these into
 * bus events (adding names, coalescing output, inferring idle and command boundaries).
 * tmux reports output as the pane's exact bytes; Zellij only has viewport snapshots, which
 * its observer diffs into text (see docs/zellij.md).
 */
export type MuxObservation =
  | { readonly type: 'pane.opened'; readonly pane: PaneInfo }
  | { readonly type: 'pane.closed'; readonly paneId: string }
  | { readonly type: 'pane.resized'; readonly paneId: string; readonly width: number; readonly height: number }
  | { readonly type: 'pane.focused'; readonly paneId: string }
  | { readonly type: 'pane.output'; readonly paneId: string; readonly data: Uint8Array }
  | { readonly type: 'pane.output.dropped'; readonly paneId: string; readonly reason: string; readonly bytes: number | undefined }
  | { readonly type: 'session.stopped'; readonly reason: string };

export interface MuxObserver {
  start(onObservation: (observation: MuxObservation) => void): Promise<void>;
  stop(): Promise<void>;
}
