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

/** What a caller gives `makeEvent`: the rest of the envelope defaults to "not persisted, no pane". */
export interface EventFields<TType extends string, TData> {
  readonly type: TType;
  readonly data: TData;
  readonly session: string;
  readonly id?: number;
  readonly time?: number;
  readonly window?: string | undefined;
  readonly pane?: string | undefined;
  readonly paneName?: string | undefined;
}

/** The one place an envelope is built (the bus, dry runs, the standalone gates). */
export function makeEvent<TType extends string, TData>(fields: EventFields<TType, TData>): PicodeEvent<TType, TData> {
  return {
    id: fields.id ?? 0,
    type: fields.type,
    time: fields.time ?? Date.now(),
    session: fields.session,
    window: fields.window,
    pane: fields.pane,
    paneName: fields.paneName,
    data: fields.data,
  };
}
