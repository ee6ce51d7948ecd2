import type { z } from 'zod';
import { hostEvents } from './host.js';
import { hookEvents } from './hooks.js';
import { llmEvents } from './llm.js';
import { agentEvents } from './agents.js';
import { pluginEvents } from './plugins.js';
import { mcpEvents } from './mcp.js';
import { recoveryEvents } from './recovery.js';

/**
 * The event catalog: every event type picode emits, with its payload schema and a
 * description. docs/hooks.md is generated from it; hooks match against it. Each area owns
 * one part file; this index only joins them.
 */
export interface EventDefinition {
  readonly type: string;
  readonly description: string;
  /** Payload schema (the `data` of the envelope). */
  readonly data: z.ZodType;
  /** Blocking events wait for hook decisions before the action they announce happens. */
  readonly blocking: boolean;
  /** The area that emits it (for the docs). */
  readonly source: string;
}

export const eventCatalog = [
  ...hostEvents,
  ...pluginEvents,
  ...hookEvents,
  ...llmEvents,
  ...agentEvents,
  ...mcpEvents,
  ...recoveryEvents,
] as const satisfies readonly EventDefinition[];

/*
 * Types derived from the catalog, so a catalog entry is all a new event needs: emitting,
 * gating and subscribing are typed by its schema (z.infer), and a type that is not in the
 * catalog does not compile. An entry ending in `*` (`user.*`) stands for every type with that
 * prefix, all sharing its schema.
 */
type CatalogEntry = (typeof eventCatalog)[number];
type CatalogType = CatalogEntry['type'];
type ExactType = Exclude<CatalogType, `${string}*`>;
type WildcardType = Extract<CatalogType, `${string}*`>;
type Expand<W> = W extends `${infer Prefix}*` ? `${Prefix}${string}` : never;
/** The catalog entry (its `type` as written in the catalog) an event type belongs to. */
type EntryTypeOf<T> = T extends ExactType ? T : { [W in WildcardType]: T extends Expand<W> ? W : never }[WildcardType];

/** Every event type the catalog allows. */
export type EventType = ExactType | Expand<WildcardType>;
/** Payloads are read-only: an emitter may pass readonly arrays, a subscriber must not mutate a shared event. */
type DeepReadonly<T> = T extends ReadonlyArray<infer E> ? ReadonlyArray<DeepReadonly<E>>
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** The payload (`data`) of an event type, inferred from its catalog schema. */
export type EventData<T extends EventType> = DeepReadonly<z.infer<Extract<CatalogEntry, { type: EntryTypeOf<T> }>['data']>>;
/** The types of the blocking events (the ones that pass through gates). */
export type BlockingEventType = Extract<CatalogEntry, { blocking: true }>['type'];
/** Event type -> payload, for the exact (non-wildcard) types. */
export type EventMap = { [T in ExactType]: EventData<T> };

/** The types of the blocking events, as a set (hook compilation and dispatch use it). */
/** Whether a type from outside the code (a plugin, the CLI, a config file) is in the catalog. */
export function isEventType(type: string): type is EventType {
  return eventCatalog.some((d) => d.type.endsWith('*') ? type.startsWith(d.type.slice(0, -1)) : d.type === type);
}

export const blockingEventTypes: ReadonlySet<string> = new Set(eventCatalog.filter((d) => d.blocking).map((d) => d.type));

