import type { BusApi, GateRegistry, HostLogger, Unsubscribe } from '../bus/contract.js';
import type { PaneInfo, CaptureOptions } from '../mux/types.js';
import type { PicodeConfig } from '../config/schema.js';
import type { Store } from '../store/db.js';

export type {
  BusApi, EventFilter, EventInput, GateDecision, GateRegistry, HostLogger, TypedEvent, Unsubscribe,
} from '../bus/contract.js';

/**
 * What the host process offers to the parts that run inside it (the plugin runtime, the hook
 * engine, the LLM wiring, jobs and agents). Each part is a HostExtension, started by the host
 * after it has attached and stopped before it exits. This is the only surface they use: they
 * never talk to the multiplexer or the IPC server directly.
 */
export interface HostApi {
  readonly session: string;
  /** The running config; replaced when the config files change (`picode reload`). */
  readonly config: PicodeConfig;
  readonly store: Store;
  readonly bus: BusApi;
  readonly panes: PanesApi;
  readonly ipc: HostIpc;
  readonly gates: GateRegistry;
  readonly log: HostLogger;
  /** What the extensions offer each other (the plugin runtime, the LLM service, ...). */
  readonly services: ServiceRegistry;
  /** Which multiplexer runs the session, and tmux's private server name (`-L`) when there is one: external agents open their own panes. */
  readonly mux?: {
    readonly kind: 'tmux' | 'zellij'; readonly tmuxSocket: string | undefined;
    /** tmux: runs one tmux command (argv) on the host's control-mode connection, no process per command. */
    readonly tmuxCommand?: ((argv: readonly string[]) => Promise<string[]>) | undefined;
  };
}


export interface RunResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly durationMs: number;
  /** True when the pane closed or the timeout passed before the command finished. */
  readonly interrupted: boolean;
}

export interface PanesApi {
  list(): PaneInfo[];
  /** Resolves a tmux/Zellij pane id or a layout pane name; undefined when unknown. */
  resolve(paneIdOrName: string): PaneInfo | undefined;
  capture(pane: string, options?: CaptureOptions): Promise<string>;
  /** Passes the blocking `pane.send.before` gate first; rejects with the gate's reason when denied. */
  /** `secret`: the text is typed but never stored (its event records only its length). */
  sendText(pane: string, text: string, options: { enter: boolean; origin: string; secret?: boolean; force?: boolean }): Promise<void>;
  sendKeys(pane: string, keys: readonly string[], options: { origin: string; force?: boolean }): Promise<void>;
  /**
   * Runs a command line in the pane's shell and waits for it (OSC 133 marks or an injected sentinel).
   * sendText, sendKeys and run refuse a pane running one of picode's views, and run a pane whose
   * foreground program is not a shell (host/daemon/paneGuard.ts), unless `force`.
   */
  /** `signal`: stop waiting (the command keeps running) when the caller cancels or goes away. */
  run(pane: string, command: string, options: { origin: string; timeoutMs?: number; signal?: AbortSignal; force?: boolean }): Promise<RunResult>;
}

/** JSON-RPC methods served on the host's socket. Method names are `area.verb` (`plugin.list`). */
export interface IpcRegistry {
  register(method: string, handler: (params: unknown, context: IpcCallContext) => unknown | Promise<unknown>): void;
}

/** The IPC surface extensions get: registering methods, and calling the other extensions' ones. */
export interface HostIpc extends IpcRegistry {
  /**
   * Calls a method another extension registered, in this process (no socket): an extension
   * uses another's IPC method as the CLI does, without going through the host's own socket.
   * Rejects with IpcMethodMissing when no extension registered it.
   */
  call(method: string, params: unknown): Promise<unknown>;
}

/** `HostIpc.call` of a method no extension registered. */
export class IpcMethodMissing extends Error {
  constructor(readonly method: string) {
    super(`no extension in this host offers the IPC method ${method}`);
    this.name = 'IpcMethodMissing';
  }
}

/**
 * The services extensions provide each other, by name. Each providing extension declares its
 * entry where it lives (declaration merging), so this contract imports no extension:
 *
 *     declare module '../api/hostApi.js' { interface HostServices { plugins: PluginRuntime } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface HostServices {}

export type ServiceName = keyof HostServices;

export interface ServiceRegistry {
  /** Offers a service until the returned function withdraws it (when the extension stops). */
  provide<K extends ServiceName>(name: K, service: HostServices[K]): Unsubscribe;
  /** The service, or undefined when no extension offers it (not started, failed, or absent). */
  get<K extends ServiceName>(name: K): HostServices[K] | undefined;
  /** Waits for a service an extension starting later will offer; undefined after `timeoutMs`. */
  when<K extends ServiceName>(name: K, timeoutMs: number): Promise<HostServices[K] | undefined>;
}

export interface IpcCallContext {
  /** Sends a JSON-RPC notification to the calling client (for streaming methods). */
  notify(method: string, params: unknown): void;
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
}

/** A part that runs inside the host process. Listed in host/daemon/extensions.ts. */
export interface HostExtension {
  readonly name: string;
  start(host: HostApi): Promise<void>;
  stop(): Promise<void>;
  /**
   * Applies a changed config (`changed`: the top-level sections that differ); returns the
   * sections it applied. Sections no extension applies take effect when the host restarts.
   */
  reconfigure?(config: PicodeConfig, changed: ReadonlySet<string>): Promise<readonly string[]>;
}
