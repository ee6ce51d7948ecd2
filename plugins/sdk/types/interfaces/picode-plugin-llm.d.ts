// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./picode-plugin-types.d.ts" />
declare module 'picode:plugin/llm@0.1.0' {
  export function complete(request: CompletionRequest): string;
  export type CompletionRequest = import('picode:plugin/types@0.1.0').CompletionRequest;
}
