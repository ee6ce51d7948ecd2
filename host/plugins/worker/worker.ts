/**
 * The worker thread that runs one plugin (messages: protocol.ts). It may start before its
 * plugin is known (workerPool.ts); `init` brings the compiled core modules. It instantiates
 * jco's glue with only the granted capability interfaces, then serves calls one at a time and
 * never returns to its event loop; the host stops it with `terminate()`. Capability calls are
 * sync for the plugin but async on the host: the worker posts the request and blocks in
 * `Atomics.wait` until the answer is on its port.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { WorkerCallChannel } from '../callChannel.js';
import { capabilitySignatures } from '../capabilitySignatures.js';
import type { CallOps, CallReply, CallRequest, CapabilityReply, CapabilityRequest, WireEvent, WorkerFailureKind, WorkerInit, WorkerSetup, WorkerStartReply } from '../protocol.js';

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
function hostCall(request: CapabilityRequest): CapabilityReply {
  Atomics.store(signal, 0, 0);
  init.hostPort.postMessage(request);
  for (;;) {
    const received = receiveMessageOnPort(init.hostPort);
    if (received) {
      Atomics.store(signal, 0, 0);
      return received.message as CapabilityReply;
    }
    Atomics.wait(signal, 0, 0, 100);
  }
}

/** Whether the WIT result of `iface.fn` is `result<T, string>`, whose errors become the plugin's `err`. */
function fallible(iface: string, fn: string): boolean {
  const signatures: Record<string, Record<string, { fallible: boolean } | undefined> | undefined> = capabilitySignatures;
  return signatures[iface]?.[fn]?.fallible === true;
}

function capability(iface: string): Record<string, (...args: unknown[]) => unknown> {
  const short = iface.slice(iface.indexOf('/') + 1);
  return new Proxy({}, {
    get: (_target, fn) => {
      if (typeof fn !== 'string') return undefined;
      return (...args: unknown[]) => {
        const reply = hostCall({ iface: short, fn, args });
        if (!reply.ok) {
          // jco turns a thrown object with a `payload` into the `err` case of a result.
          if (fallible(short, fn)) throw { payload: reply.error };
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

function classify(error: unknown): { error: string; kind: WorkerFailureKind } {
  if (error !== null && typeof error === 'object' && 'payload' in error) {
    const payload = (error as { payload: unknown }).payload;
    return { error: typeof payload === 'string' ? payload : JSON.stringify(payload), kind: 'plugin-error' };
  }
  if (error instanceof WebAssembly.RuntimeError) return { error: error.message, kind: 'trap' };
  return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), kind: 'crash' };
}

/** WIT's u64 fields are BigInts in jco. Built field by field: a spread that overrides copied fields takes V8's slow path. */
function toWitEvents(events: CallOps['on-event']['arg']): unknown[] {
  return events.map((e: WireEvent) => ({ id: BigInt(e.id), type: e.type, time: BigInt(e.time), pane: e.pane, paneName: e.paneName, data: e.data }));
}

function serve(guest: Guest, request: CallRequest): CallReply {
  try {
    let value: unknown;
    if (request.op === 'on-event') value = guest.onEvent(toWitEvents(request.arg));
    else if (request.op === 'gather-context') value = guest.gatherContext(request.arg);
    else value = guest.callTool(request.arg.name, request.arg.args);
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
