import type { PicodeEvent } from './envelope.js';
import type { BlockingEventType, EventData, EventType } from './catalog/index.js';

/**
 * The bus's part of the host API (host/api/hostApi.ts re-exports it): emitting, subscribing,
 * the gates of blocking events, and the logger. It lives here so the bus and the gates
 * implement it without importing the host API that is built on top of them.
 */

/**
 * Input of `HostApi.bus.emit`: the envelope without what the bus fills in. The type must be in
 * the event catalog and the data must match its schema (host/bus/catalog), or it does not compile.
 */
export interface EventInput<TType extends EventType = EventType> {
  readonly type: TType;
  readonly pane?: string | undefined;
  readonly data: EventData<TType>;
}

/** An event of a catalog type, its data typed by the catalog. */
export type TypedEvent<TType extends EventType = EventType> = PicodeEvent<TType, EventData<TType>>;

export interface EventFilter {
  /** Exact types, or prefixes ending in `*` (`pane.*`). Omitted = every event. */
  readonly types?: readonly string[];
  readonly pane?: string;
}

export type Unsubscribe = () => void;

export interface BusApi {
  /** Persists and delivers an event; returns it with its id. Never blocks on subscribers. */
  emit<TType extends EventType>(event: EventInput<TType>): TypedEvent<TType>;
  /**
   * Delivers matching events in order. Handlers run after the emit returns (asynchronously);
   * a handler that throws is logged and does not affect other subscribers.
   */
  subscribe(filter: EventFilter, handler: (event: PicodeEvent) => void): Unsubscribe;
}

/**
 * Blocking events (`llm.request`, `agent.tool.before`, `pane.send.before`) pass through gates
 * before the action they announce happens. The hook engine registers itself as a gate; the
 * verdicts of every gate are combined: deny beats ask beats allow.
 */
export interface GateDecision {
  readonly decision: 'allow' | 'ask' | 'deny';
  readonly reason?: string;
  /** A replacement payload (applied in gate registration order, then hook order). */
  readonly updatedData?: unknown;
  /** Extra context to add (for `llm.request` and `agent.tool.before`). */
  readonly additionalContext?: string;
}

export interface GateRegistry {
  register(name: string, gate: (event: PicodeEvent) => Promise<GateDecision | undefined>): Unsubscribe;
  /** Emits the blocking event, runs every gate in parallel and combines their decisions. */
  pass<TType extends BlockingEventType>(event: EventInput<TType>): Promise<GateDecision & { readonly data: EventData<TType> }>;
}

export interface HostLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
