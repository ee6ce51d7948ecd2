// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
declare module 'picode:plugin/panes-write@0.1.0' {
  export function sendText(pane: string, text: string, enter: boolean): void;
  export function sendKeys(pane: string, keys: Array<string>): void;
}
