/**
 * The worker thread that runs one plugin. It may be started before its plugin is known
 * (workerPool.ts): its first message from the host, `init`, brings the component's compiled
 * core modules (compiled once by the host process). It then instantiates jco's glue with only the granted
 * capability interfaces, and serves calls from the host one at a time over the call channel
 * (callChannel.ts). Once started it never returns to its event loop: it is either running a
 * call or blocked waiting for the next one, and the host stops it with `terminate()`.
 *
 * Capability calls are synchronous for the plugin (WIT imports are sync) but asynchronous on
 * the host (reading a pane, running git): the worker posts the request on a dedicated port
 * and blocks in `Atomics.wait` until the host has posted the answer, then takes it with
 * `receiveMessageOnPort`. The host can still terminate the worker while it waits.
 */
import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { WorkerCallChannel, type CallChannelInit, type CallReply, type CallRequest } from './callChannel.js';

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

export interface WorkerInit extends ComponentToRun {
  /** Int32 flag the host sets to 1 when a capability answer is ready. */
  readonly signal: SharedArrayBuffer;
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

export type HostCallReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

interface Guest {
  describe(): unknown;
  onEvent(events: unknown[]): unknown;
  gatherContext(request: unknown): unknown;
  callTool(name: string, args: string): unknown;
}

interface Glue {
  instantiate(getCoreModule: (name: string) => WebAssembly.Module, imports: Record<string, unknown>): { guest: Guest };
}

const port = parentPort!;
const glues = new Map<string, Promise<Glue>>();
function importGlue(jsFile: string): Promise<Glue> {
  let glue = glues.get(jsFile);
  if (!glue) {
    glue = import(pathToFileURL(jsFile).href) as Promise<Glue>;
    // A failed prepare is reported by start(), which imports again.
    glue.catch(() => glues.delete(jsFile));
    glues.set(jsFile, glue);
  }
  return glue;
}
const init = await new Promise<WorkerInit>((resolve) => {
  const onSetup = (setup: WorkerSetup): void => {
    if (setup.type === 'prepare') {
      importGlue(setup.jsFile).catch(() => undefined);
      return;
    }
    port.off('message', onSetup);
    resolve(setup);
  };
  port.on('message', onSetup);
});
const signal = new Int32Array(init.signal);

/** Calls the host and blocks until it answers. */
function hostCall(iface: string, fn: string, args: unknown[]): unknown {
  Atomics.store(signal, 0, 0);
  init.hostPort.postMessage({ iface, fn, args });
  for (;;) {
    const received = receiveMessageOnPort(init.hostPort);
    if (received) {
      Atomics.store(signal, 0, 0);
      return received.message as HostCallReply;
    }
    Atomics.wait(signal, 0, 0, 100);
  }
}

/** Per interface, the functions whose WIT result is `result<T, string>`: errors become `err`. */
const fallible = new Set([
  'panes-read.capture', 'panes-write.sendText', 'panes-write.sendKeys', 'kv.set', 'fs-read.readFile',
  'fs-read.listDir', 'git.status', 'git.diffStat', 'git.log', 'llm.complete',
]);

function capability(iface: string): Record<string, (...args: unknown[]) => unknown> {
  const short = iface.slice(iface.indexOf('/') + 1);
  return new Proxy({}, {
    get: (_target, fn) => {
      if (typeof fn !== 'string') return undefined;
      return (...args: unknown[]) => {
        const reply = hostCall(short, fn, args) as HostCallReply;
        if (!reply.ok) {
          // jco turns a thrown object with a `payload` into the `err` case of a result.
          if (fallible.has(`${short}.${fn}`)) throw { payload: reply.error };
          throw new Error(reply.error);
        }
        if (short === 'fs-read' && fn === 'listDir') {
          return (reply.value as Array<{ size: number }>).map((e) => ({ ...e, size: BigInt(e.size) }));
        }
        return reply.value;
      };
    },
  });
}

async function start(): Promise<Guest> {
  const glue = await importGlue(init.jsFile);
  const imports: Record<string, unknown> = {};
  for (const iface of init.interfaces) imports[iface] = capability(iface);
  const instance = glue.instantiate((name) => {
    const module = init.modules[name];
    if (!module) throw new Error(`core module ${name} missing from the transpiled component`);
    return module;
  }, imports);
  return instance.guest;
}

function classify(error: unknown): { error: string; kind: 'plugin-error' | 'trap' | 'crash' } {
  if (error !== null && typeof error === 'object' && 'payload' in error) {
    const payload = (error as { payload: unknown }).payload;
    return { error: typeof payload === 'string' ? payload : JSON.stringify(payload), kind: 'plugin-error' };
  }
  if (error instanceof WebAssembly.RuntimeError) return { error: error.message, kind: 'trap' };
  return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), kind: 'crash' };
}

interface JsonEvent { id: number; type: string; time: number; pane?: string; paneName?: string; data: string }

/** WIT's u64 fields are BigInts in jco. Built field by field: a spread that overrides copied fields takes V8's slow path. */
function toWitEvents(events: unknown): unknown[] {
  return (events as JsonEvent[]).map((e) => ({ id: BigInt(e.id), type: e.type, time: BigInt(e.time), pane: e.pane, paneName: e.paneName, data: e.data }));
}

function serve(guest: Guest, request: CallRequest): CallReply {
  try {
    let value: unknown;
    if (request.op === 'on-event') value = guest.onEvent(toWitEvents(request.arg));
    else if (request.op === 'gather-context') value = guest.gatherContext(request.arg);
    else {
      const { name, args } = request.arg as { name: string; args: string };
      value = guest.callTool(name, args);
    }
    return { id: request.id, ok: true, value };
  } catch (error) {
    return { id: request.id, ok: false, ...classify(error) };
  }
}

async function startAndDescribe(): Promise<Guest | undefined> {
  try {
    const guest = await start();
    port.postMessage({ type: 'ready', description: guest.describe() } satisfies WorkerStartReply);
    return guest;
  } catch (error) {
    port.postMessage({ type: 'fatal', error: classify(error).error } satisfies WorkerStartReply);
    return undefined;
  }
}

const guest = await startAndDescribe();
if (guest) {
  const calls = new WorkerCallChannel(init.calls);
  for (;;) calls.reply(serve(guest, calls.next()));
}
