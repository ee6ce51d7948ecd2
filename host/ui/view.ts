import type { HostClient } from '../ipc/client.js';
import type { FrameContent } from './frame.js';
import type { HostLink, LinkState } from './link.js';
import type { Terminal } from './terminal.js';

export interface ViewContext {
  readonly link: HostLink;
  readonly terminal: Terminal;
  /** Redraws (coalesced). */
  redraw(): void;
  /** Shows a one-line message in the help line until the next key. */
  flash(message: string): void;
  quit(): void;
}

export interface KeyBinding {
  readonly keys: readonly string[];
  run(context: ViewContext): void | Promise<void>;
}

/**
 * A pane view: state fed by the host's notifications, a pure render of that state, and key
 * bindings. `subscribe` is called on every (re)connection and must reload the view's state
 * from the snapshot its `*.watch` call returns.
 */
export interface View {
  readonly name: string;
  title(): string;
  subscribe(client: HostClient, redraw: () => void): Promise<void>;
  render(size: { width: number; bodyHeight: number }, link: { state: LinkState; detail: string | undefined }): FrameContent;
  readonly keys: readonly KeyBinding[];
  /** A timer the view wants while something it shows changes with time (elapsed times). */
  ticking?(): boolean;
}

export function linkLabel(link: { state: LinkState; detail: string | undefined }): string {
  if (link.state === 'connected') return '';
  if (link.state === 'connecting') return ' · connecting to the host…';
  return ' · host unavailable, reconnecting…';
}
