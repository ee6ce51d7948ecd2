// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./picode-plugin-types.d.ts" />
declare module 'picode:plugin/panes-read@0.1.0' {
  export function listPanes(): Array<Pane>;
  /**
   * The last `lines` lines of the pane's output (ANSI stripped).
   */
  export function capture(pane: string, lines: number): string;
  export type Pane = import('picode:plugin/types@0.1.0').Pane;
}
