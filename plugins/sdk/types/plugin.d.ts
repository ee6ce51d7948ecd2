// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="./interfaces/picode-plugin-fs-read.d.ts" />
/// <reference path="./interfaces/picode-plugin-git.d.ts" />
/// <reference path="./interfaces/picode-plugin-guest.d.ts" />
/// <reference path="./interfaces/picode-plugin-kv.d.ts" />
/// <reference path="./interfaces/picode-plugin-llm.d.ts" />
/// <reference path="./interfaces/picode-plugin-log.d.ts" />
/// <reference path="./interfaces/picode-plugin-notify.d.ts" />
/// <reference path="./interfaces/picode-plugin-panes-read.d.ts" />
/// <reference path="./interfaces/picode-plugin-panes-write.d.ts" />
/// <reference path="./interfaces/picode-plugin-types.d.ts" />
declare module 'picode:plugin/plugin@0.1.0' {
  export type * as PicodePluginFsRead010 from 'picode:plugin/fs-read@0.1.0'; // import picode:plugin/fs-read@0.1.0
  export type * as PicodePluginGit010 from 'picode:plugin/git@0.1.0'; // import picode:plugin/git@0.1.0
  export type * as PicodePluginKv010 from 'picode:plugin/kv@0.1.0'; // import picode:plugin/kv@0.1.0
  export type * as PicodePluginLlm010 from 'picode:plugin/llm@0.1.0'; // import picode:plugin/llm@0.1.0
  export type * as PicodePluginLog010 from 'picode:plugin/log@0.1.0'; // import picode:plugin/log@0.1.0
  export type * as PicodePluginNotify010 from 'picode:plugin/notify@0.1.0'; // import picode:plugin/notify@0.1.0
  export type * as PicodePluginPanesRead010 from 'picode:plugin/panes-read@0.1.0'; // import picode:plugin/panes-read@0.1.0
  export type * as PicodePluginPanesWrite010 from 'picode:plugin/panes-write@0.1.0'; // import picode:plugin/panes-write@0.1.0
  export type * as PicodePluginTypes010 from 'picode:plugin/types@0.1.0'; // import picode:plugin/types@0.1.0
  export * as guest from 'picode:plugin/guest@0.1.0'; // export picode:plugin/guest@0.1.0
}
