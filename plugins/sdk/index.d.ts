/// <reference path="./types/plugin.d.ts" />
// Types of the helpers in index.js. The interface types (Event, Action, ...) are generated
// from plugins/wit/plugin.wit into ./types and only re-exported here.
import type { Action, ContextItem, Description, Event, Level, Verdict } from 'picode:plugin/types@0.1.0';
import type { EventPayloads } from './events.js';

export type { Action, ContextItem, ContextRequest, Description, Event, Level, Tool, Verdict } from 'picode:plugin/types@0.1.0';

export function estimateTokens(text: string): number;
export function stripAnsi(text: string): string;
export type { EventPayloads, OpenEventType } from './events.js';
/** The event's data as an object (`{}` when it is not one). */
export function parseData(event: Event): Record<string, unknown>;
/** Typed by the event catalog: `parseData<'pane.output'>(event).text` (plugins/sdk/events.d.ts). */
export function parseData<T extends keyof EventPayloads>(event: Event): EventPayloads[T];
export function describe(fields: {
  name: string;
  version?: string;
  summary?: string;
  events?: string[];
  gates?: string[];
  contextProviders?: string[];
  tools?: Array<{ name: string; description?: string; inputSchema?: unknown }>;
}): Description;
export function contextItem(source: string, title: string, content: string, priority?: number): ContextItem;
export function trimToBudget(items: readonly ContextItem[], tokenBudget: number): ContextItem[];
export const act: {
  notify(title: string, body?: string, level?: Level): Action;
  sendText(pane: string, text: string, enter?: boolean): Action;
  sendKeys(pane: string, keys: string[]): Action;
  run(pane: string, command: string): Action;
  emit(type: string, data?: unknown, pane?: string): Action;
  addContext(item: ContextItem): Action;
  setStatus(text: string): Action;
  decide(verdict: Verdict, options?: { reason?: string; updatedData?: unknown; additionalContext?: string }): Action;
};
