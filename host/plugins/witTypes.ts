/// <reference path="../../plugins/sdk/types/plugin.d.ts" />
/**
 * The plugin interface's types, as generated from plugins/wit/plugin.wit by jco
 * (plugins/sdk/generate-types.mjs). The host uses the same declarations as plugin authors.
 */
export type {
  Action,
  ContextItem,
  ContextRequest,
  Description,
  GateDecision as WitGateDecision,
  Level,
  Tool,
} from 'picode:plugin/types@0.1.0';
