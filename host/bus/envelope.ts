/**
 * The envelope every event on the bus carries. `data` is typed per event type by the
 * catalog (host/bus/catalog), which is the one definition the docs (docs/hooks.md) and the
 * hook matchers are generated from.
 */
export interface PicodeEvent<TType extends string = string, TData = unknown> {
  /** Sequence number assigned when the event is persisted (0 before). */
  readonly id: number;
  readonly type: TType;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly session: string;
  readonly window: string | undefined;
  /** The multiplexer pane id (`%3`, `terminal_3`). */
  readonly pane: string | undefined;
  /** The pane's name from the layout. */
  readonly paneName: string | undefined;
  readonly data: TData;
}
