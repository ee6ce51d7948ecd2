// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./picode-plugin-types.d.ts" />
declare module 'picode:plugin/notify@0.1.0' {
  export function send(level: Level, title: string, body: string): void;
  export type Level = import('picode:plugin/types@0.1.0').Level;
}
