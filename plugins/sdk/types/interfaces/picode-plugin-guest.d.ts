// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./picode-plugin-types.d.ts" />
declare module 'picode:plugin/guest@0.1.0' {
  export function describe(): Description;
  /**
   * A batch of events, oldest first, in; actions out.
   */
  export function onEvent(events: Array<Event>): Array<Action>;
  export function gatherContext(request: ContextRequest): Array<ContextItem>;
  /**
   * Runs one of the tools from `describe` with JSON arguments; returns JSON or text.
   */
  export function callTool(name: string, arguments: string): string;
  export type Event = import('picode:plugin/types@0.1.0').Event;
  export type Action = import('picode:plugin/types@0.1.0').Action;
  export type Description = import('picode:plugin/types@0.1.0').Description;
  export type ContextRequest = import('picode:plugin/types@0.1.0').ContextRequest;
  export type ContextItem = import('picode:plugin/types@0.1.0').ContextItem;
}
