// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
declare module 'picode:plugin/kv@0.1.0' {
  export function get(key: string): string | undefined;
  /**
   * Fails when the value is over 1 MiB, the key over 1 KiB, or 10,000 keys are kept.
   */
  export function set(key: string, value: string): void;
  export { _delete as delete };
  function _delete(key: string): void;
  export function keys(prefix: string): Array<string>;
}
