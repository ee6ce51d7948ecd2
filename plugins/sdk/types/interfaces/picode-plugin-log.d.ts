// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./picode-plugin-types.d.ts" />
declare module 'picode:plugin/log@0.1.0' {
  export function write(level: Level, message: string): void;
  export type Level = import('picode:plugin/types@0.1.0').Level;
}
