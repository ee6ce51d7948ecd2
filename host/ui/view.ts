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
  /**
   * A key naming what currently needs the person (an approval, a question); each new key rings
   * the terminal bell once, which tmux flags on the window even when it is not in view.
   */
  attention?(): string | undefined;
}

export function linkLabel(link: { state: LinkState; detail: string | undefined }): string {
  if (link.state === 'connected') return '';
  if (link.state === 'connecting') return ' · connecting to the host…';
  return ' · host unavailable, reconnecting…';
}

/**
 * Scrolling of a view that follows its newest lines: the offset counts lines up from the
 * bottom, so 0 keeps following.
 */
export function scrollKeys(scroll: { value: number }): KeyBinding[] {
  const page = (ctx: ViewContext) => Math.max(1, ctx.terminal.bodyHeight - 2);
  return [
    { keys: ['pageup', 'C-b'], run: (ctx) => { scroll.value += page(ctx); } },
    { keys: ['pagedown', 'C-f'], run: (ctx) => { scroll.value = Math.max(0, scroll.value - page(ctx)); } },
    { keys: ['up', 'k'], run: () => { scroll.value += 1; } },
    { keys: ['down', 'j'], run: () => { scroll.value = Math.max(0, scroll.value - 1); } },
    { keys: ['G', 'end'], run: () => { scroll.value = 0; } },
  ];
}
