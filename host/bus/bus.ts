import type { BusApi, EventFilter, EventInput, HostLogger, TypedEvent, Unsubscribe } from './contract.js';
import { makeEvent, type PicodeEvent } from './envelope.js';
import type { EventType } from './catalog/index.js';
import { typeMatches } from './eventStore.js';

/**
 * The host's event bus. `emit` fills in the envelope (id, time, session, window, pane name),
 * hands the event to the persister and queues it for subscribers; delivery happens once the
 * emitter's callback has returned (a microtask), in emit order, so an emitter never runs subscriber code and a
 * subscriber that throws affects nobody else.
 */
export interface PaneLookup {
  (paneId: string): { readonly window: string | undefined; readonly name: string | undefined } | undefined;
}

interface Subscriber {
  readonly filter: EventFilter;
  readonly handler: (event: PicodeEvent) => void;
  active: boolean;
}

export class EventBus implements BusApi {
  private nextId: number;
  private readonly subscribers: Subscriber[] = [];
  private queue: PicodeEvent[] = [];
  private scheduled = false;

  constructor(
    private readonly session: string,
    firstId: number,
    private readonly lookupPane: PaneLookup,
    private readonly persist: (event: PicodeEvent) => void,
    private readonly log: HostLogger,
  ) {
    this.nextId = firstId;
  }

  /** Id the next event will get (events before it are persisted or queued for it). */
  get lastId(): number {
    return this.nextId - 1;
  }

  emit<TType extends EventType>(input: EventInput<TType>): TypedEvent<TType> {
    const pane = input.pane === undefined ? undefined : this.lookupPane(input.pane);
    const event = makeEvent({
      id: this.nextId++, type: input.type, session: this.session,
      window: pane?.window, pane: input.pane, paneName: pane?.name, data: input.data,
    });
    this.persist(event);
    if (this.subscribers.length > 0) {
      this.queue.push(event);
      if (!this.scheduled) {
        this.scheduled = true;
        // A microtask: after the emitter's current callback, before any other I/O (no extra
        // turn of the event loop on the latency path).
        queueMicrotask(() => this.deliver());
      }
    }
    return event;
  }

  subscribe(filter: EventFilter, handler: (event: PicodeEvent) => void): Unsubscribe {
    const subscriber: Subscriber = { filter, handler, active: true };
    this.subscribers.push(subscriber);
    return () => {
      subscriber.active = false;
      const i = this.subscribers.indexOf(subscriber);
      if (i !== -1) this.subscribers.splice(i, 1);
    };
  }

  private deliver(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const event of batch) {
      for (const s of [...this.subscribers]) {
        if (!s.active || !matches(s.filter, event)) continue;
        try {
          s.handler(event);
        } catch (error) {
          this.log.error('an event subscriber failed', { type: event.type, error: (error as Error).stack ?? String(error) });
        }
      }
    }
  }
}

export function matches(filter: EventFilter, event: PicodeEvent): boolean {
  if (filter.pane !== undefined && filter.pane !== event.pane && filter.pane !== event.paneName) return false;
  return typeMatches(event.type, filter.types);
}
