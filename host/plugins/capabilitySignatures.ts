// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="../../plugins/sdk/types/plugin.d.ts" />

/** Per capability interface (a permission), the functions jco declares for it. */
export interface CapabilityInterfaces {
  'log': typeof import('picode:plugin/log@0.1.0');
  'panes-read': typeof import('picode:plugin/panes-read@0.1.0');
  'panes-write': typeof import('picode:plugin/panes-write@0.1.0');
  'kv': typeof import('picode:plugin/kv@0.1.0');
  'fs-read': typeof import('picode:plugin/fs-read@0.1.0');
  'git': typeof import('picode:plugin/git@0.1.0');
  'llm': typeof import('picode:plugin/llm@0.1.0');
  'notify': typeof import('picode:plugin/notify@0.1.0');
}

/** A WIT type as written in plugin.wit (`string`, `u32`, `list<string>`, an enum or record name). */
export type WitType = string;

export interface CapabilitySignature {
  /** Parameters in order: name (camelCase, as jco names them) and WIT type. */
  readonly params: ReadonlyArray<readonly [string, WitType]>;
  /** True when the WIT result is `result<T, string>`: a host error becomes the plugin's `err`. */
  readonly fallible: boolean;
}

/** The enums and records capability parameters use. */
export const witEnums: Readonly<Record<string, readonly string[]>> = {
  level: ['debug', 'info', 'warn', 'error'],
};

/** Record fields (camelCase, as jco names them) and their WIT types. */
export const witRecords: Readonly<Record<string, ReadonlyArray<readonly [string, WitType]>>> = {
  'completion-request': [['system', 'option<string>'], ['prompt', 'string'], ['maxTokens', 'u32']],
};

export const capabilitySignatures = {
  log: {
    write: { params: [['level', 'level'], ['message', 'string']], fallible: false },
  },
  'panes-read': {
    listPanes: { params: [], fallible: false },
    capture: { params: [['pane', 'string'], ['lines', 'u32']], fallible: true },
  },
  'panes-write': {
    sendText: { params: [['pane', 'string'], ['text', 'string'], ['enter', 'bool']], fallible: true },
    sendKeys: { params: [['pane', 'string'], ['keys', 'list<string>']], fallible: true },
  },
  kv: {
    get: { params: [['key', 'string']], fallible: false },
    set: { params: [['key', 'string'], ['value', 'string']], fallible: true },
    delete: { params: [['key', 'string']], fallible: false },
    keys: { params: [['prefix', 'string']], fallible: false },
  },
  'fs-read': {
    roots: { params: [], fallible: false },
    readFile: { params: [['path', 'string'], ['maxBytes', 'u32']], fallible: true },
    listDir: { params: [['path', 'string']], fallible: true },
  },
  git: {
    status: { params: [['repo', 'string']], fallible: true },
    diffStat: { params: [['repo', 'string'], ['staged', 'bool']], fallible: true },
    log: { params: [['repo', 'string'], ['count', 'u32']], fallible: true },
  },
  llm: {
    complete: { params: [['request', 'completion-request']], fallible: true },
  },
  notify: {
    send: { params: [['level', 'level'], ['title', 'string'], ['body', 'string']], fallible: false },
  },
} as const satisfies { readonly [I in keyof CapabilityInterfaces]: { readonly [F in keyof CapabilityInterfaces[I]]: CapabilitySignature } };
