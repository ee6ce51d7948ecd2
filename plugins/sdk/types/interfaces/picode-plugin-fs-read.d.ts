// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./picode-plugin-types.d.ts" />
declare module 'picode:plugin/fs-read@0.1.0' {
  export function roots(): Array<string>;
  /**
   * A UTF-8 file, at most `max-bytes` bytes of it (0: the host's limit).
   */
  export function readFile(path: string, maxBytes: number): string;
  export function listDir(path: string): Array<DirEntry>;
  export type DirEntry = import('picode:plugin/types@0.1.0').DirEntry;
}
