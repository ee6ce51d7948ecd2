import type { MessagePort } from 'node:worker_threads';
import type { ContextItem, ContextRequest } from './witTypes.js';

/**
 * Everything that crosses the boundary between the host thread and a plugin's worker
 * (worker.ts), in one place. Three conversations:
 * - setup, on the worker's parent port: `prepare` and `init` in, `ready` or `fatal` out;
 * - calls into the plugin, on the call channel (callChannel.ts): one `CallRequest` in flight,
 *   answered by a `CallReply`;
 * - capability calls out of the plugin, on the capability port: a `CapabilityRequest` the
 *   host answers with a `CapabilityReply` (capabilities.ts serves them).
 * Values are plain data: the call channel carries JSON, the ports structured clones.
 */

// ---- Setup ----

/** A transpiled component ready to instantiate: what a worker needs to run a plugin. */
export interface ComponentToRun {
  readonly plugin: string;
  /** jco's glue (ES module) in the transpile cache. */
  readonly jsFile: string;
  /** The core modules, compiled once by the host process. */
  readonly modules: Record<string, WebAssembly.Module>;
  /** Capability interfaces to provide (`picode:plugin/log`), already checked against the grants. */
  readonly interfaces: readonly string[];
}

/** What a worker needs to open its end of the call channel (the port is transferred). */
export interface CallChannelInit {
  readonly buffer: SharedArrayBuffer;
  /** Carries the messages too large for the shared area, both ways. */
  readonly port: MessagePort;
}

export interface WorkerInit extends ComponentToRun {
  /** Int32 flag the host sets to 1 when a capability answer is ready. */
  readonly signal: SharedArrayBuffer;
  /** Where the worker posts capability requests and takes their replies. */
  readonly hostPort: MessagePort;
  /** Calls from the host and their results. */
  readonly calls: CallChannelInit;
}

/**
 * What the host posts on the worker's parent port: optionally `prepare` (the glue is known
 * before the core modules are compiled: the worker imports it meanwhile), then `init`.
 */
export type WorkerSetup = { readonly type: 'prepare'; readonly jsFile: string } | ({ readonly type: 'init' } & WorkerInit);

/** What the worker posts on its parent port: only the outcome of starting. */
export type WorkerStartReply =
  | { readonly type: 'ready'; readonly description: unknown }
  | { readonly type: 'fatal'; readonly error: string };

// ---- Calls into the plugin ----

/** An event as sent to the worker (ids and times as numbers; the worker makes them WIT u64s). */
export interface WireEvent {
  readonly id: number;
  readonly type: string;
  readonly time: number;
  readonly pane: string | undefined;
  readonly paneName: string | undefined;
  readonly data: string;
}

export interface ToolCall {
  readonly name: string;
  /** The tool's arguments as JSON text. */
  readonly args: string;
}

/** Per call op, its argument and what the plugin's export returns for it. */
export interface CallOps {
  readonly 'on-event': { readonly arg: readonly WireEvent[]; readonly result: unknown /* actions, validated by actions.ts */ };
  readonly 'gather-context': { readonly arg: ContextRequest; readonly result: ContextItem[] };
  readonly 'call-tool': { readonly arg: ToolCall; readonly result: string };
}

export type CallOp = keyof CallOps;

export type CallRequest = { [Op in CallOp]: { readonly id: number; readonly op: Op; readonly arg: CallOps[Op]['arg'] } }[CallOp];

/**
 * How a call failed inside the worker: the plugin returned `err` (its instance is fine), it
 * trapped, or something else broke (the worker is restarted for both).
 */
export type WorkerFailureKind = 'plugin-error' | 'trap' | 'crash';

/** How a call failed as the host sees it: also past its deadline, or refused because the plugin is not running. */
export type CallFailureKind = WorkerFailureKind | 'timeout' | 'unavailable';

export type CallReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly kind: WorkerFailureKind };

// ---- Capability calls out of the plugin ----

/**
 * A capability function called by the plugin: `iface` is the permission (`kv`), `fn` the
 * function as jco names it (`listDir`). Not trusted: the host checks both and the arguments
 * (capabilities.ts).
 */
export interface CapabilityRequest {
  readonly iface: string;
  readonly fn: string;
  readonly args: unknown[];
}

export type CapabilityReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };
