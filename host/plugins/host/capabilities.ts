import type { PanesApi } from '../../api/hostApi.js';
import type { PluginPermission } from '../../config/sections/plugins.js';
import type { KvStore } from './state.js';
import { listDirInRoots, readFileInRoots } from './fsSandbox.js';
import { gitDiffStat, gitLog, gitStatus } from './gitCapability.js';
import type { HostCallHandler } from './supervisor.js';
import type { Level } from '../witTypes.js';
import { capabilitySignatures, witEnums, witRecords, type CapabilityInterfaces, type WitType } from '../capabilitySignatures.js';

/**
 * The host side of the capability interfaces, typed from plugins/wit/plugin.wit (through
 * jco's declarations and the generated capabilitySignatures.ts): a handler that does not
 * follow a change to the WIT fails to compile. The worker only receives the interfaces the
 * plugin was granted, and every call is checked again here, grant and arguments against the
 * WIT (a worker is not trusted to call honestly).
 */

/** A value as it crosses the capability port: WIT's u64 are numbers here (the worker makes them BigInts). */
type Wire<T> = T extends bigint ? number : T extends ArrayBufferView ? T : T extends readonly (infer E)[] ? Wire<E>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

type Handler<F> = F extends (...args: infer A) => infer R ? (...args: A) => Wire<R> | Promise<Wire<R>> : never;

/** One handler per function of every capability interface, with the WIT's parameter and result types. */
export type CapabilityHandlers = {
  readonly [P in keyof CapabilityInterfaces]: { readonly [F in keyof CapabilityInterfaces[P]]: Handler<CapabilityInterfaces[P][F]> };
};

/** `iface.fn` of the handlers that take fewer parameters than their WIT function (a parameter was added to the WIT). */
type ParametersNotTaken<H extends CapabilityHandlers> = {
  [P in keyof CapabilityInterfaces]: {
    [F in keyof CapabilityInterfaces[P]]: H[P][F & keyof H[P]] extends (...args: infer A) => unknown
      ? CapabilityInterfaces[P][F] extends (...args: infer W) => unknown
        ? A['length'] extends W['length'] ? never : `${P}.${F & string}`
        : never
      : never;
  }[keyof CapabilityInterfaces[P]];
}[keyof CapabilityInterfaces];

/** Every permission is a capability interface of the WIT, and the other way round. */
const permissionsAreInterfaces: [PluginPermission, keyof CapabilityInterfaces] extends [keyof CapabilityInterfaces, PluginPermission] ? true : never = true;
void permissionsAreInterfaces;

export type LogLevel = Level;

export interface LlmBudget {
  readonly maxTokensPerCall: number;
  readonly maxCallsPerHour: number;
}

export interface CompletionRequest {
  readonly system: string | undefined;
  readonly prompt: string;
  readonly maxTokens: number;
}

export interface CapabilityContext {
  readonly plugin: string;
  readonly grants: ReadonlySet<PluginPermission>;
  /** Roots for fs-read and git (absolute). */
  readonly roots: readonly string[];
  readonly kv: KvStore;
  /** Undefined outside a host (`picode plugin test`): pane capabilities then fail politely. */
  readonly panes: PanesApi | undefined;
  readonly log: (level: LogLevel, message: string) => void;
  readonly notify: (level: LogLevel, title: string, body: string) => void;
  /** Runs a completion through the host's LLM service; undefined when none is available. */
  readonly complete: ((request: CompletionRequest) => Promise<string>) | undefined;
  readonly llmBudget: LlmBudget;
}

const maxLogMessage = 4096;

/** Whether `checkWitValue` knows how to check `type`: every parameter type of the WIT must be (tested). */
export function checkableWitType(type: WitType): boolean {
  const wrapped = /^(?:option|list)<(.+)>$/.exec(type);
  if (wrapped) return checkableWitType(wrapped[1]!);
  if (witRecords[type]) return witRecords[type].every(([, field]) => checkableWitType(field));
  return type === 'string' || type === 'bool' || /^[us](?:8|16|32|64)$/.test(type) || type in witEnums;
}

/** Throws when `value`, as the worker sent it, is not of the WIT type `type`. */
function checkWitValue(value: unknown, type: WitType, what: string): void {
  const wrapped = /^(option|list)<(.+)>$/.exec(type);
  if (wrapped?.[1] === 'option') {
    if (value !== undefined && value !== null) checkWitValue(value, wrapped[2]!, what);
  } else if (wrapped?.[1] === 'list') {
    if (!Array.isArray(value)) throw new Error(`${what} must be a list`);
    value.forEach((item, index) => checkWitValue(item, wrapped[2]!, `${what}[${index}]`));
  } else if (type === 'string' || type === 'bool') {
    if (typeof value !== (type === 'bool' ? 'boolean' : 'string')) throw new Error(`${what} must be a ${type === 'bool' ? 'boolean' : 'string'}`);
  } else if (/^[us](?:8|16|32|64)$/.test(type)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} must be a number`);
  } else if (witEnums[type]) {
    if (typeof value !== 'string' || !witEnums[type].includes(value)) throw new Error(`${what} must be one of ${witEnums[type].join(', ')}`);
  } else if (witRecords[type]) {
    if (value === null || typeof value !== 'object') throw new Error(`${what} must be a ${type} record`);
    for (const [field, fieldType] of witRecords[type]) checkWitValue((value as Record<string, unknown>)[field], fieldType, `${what}.${field}`);
  } else {
    throw new Error(`${what}: the host cannot check WIT type ${type}`);
  }
}

export function createCapabilityHandler(ctx: CapabilityContext): HostCallHandler {
  const llmCalls: number[] = [];
  const origin = `plugin:${ctx.plugin}`;

  function paneApi(): PanesApi {
    if (!ctx.panes) throw new Error('no panes here: the plugin is not running inside a host (picode plugin test)');
    return ctx.panes;
  }

  function paneId(pane: string): string {
    const info = paneApi().resolve(pane);
    if (!info) throw new Error(`unknown pane ${pane}`);
    return info.id;
  }

  const handlers = {
    log: {
      write: (lvl, message) => { ctx.log(lvl, message.slice(0, maxLogMessage)); },
    },
    notify: {
      send: (lvl, title, body) => { ctx.notify(lvl, title.slice(0, 200), body.slice(0, maxLogMessage)); },
    },
    'panes-read': {
      listPanes: () => (ctx.panes?.list() ?? []).map((p) => ({
        id: p.id, name: p.name, window: p.windowName, command: p.command, cwd: p.cwd, width: p.width, height: p.height, active: p.active,
      })),
      capture: async (pane, lines) => {
        const n = Math.max(1, Math.min(10_000, Math.floor(lines) || 100));
        const text = await paneApi().capture(paneId(pane), { lines: n });
        const all = text.replace(/\n+$/, '').split('\n');
        return all.slice(-n).join('\n');
      },
    },
    'panes-write': {
      sendText: async (pane, text, enter) => {
        await paneApi().sendText(paneId(pane), text, { enter, origin });
      },
      sendKeys: async (pane, keys) => {
        await paneApi().sendKeys(paneId(pane), keys, { origin });
      },
    },
    kv: {
      get: (key) => ctx.kv.get(key),
      set: (key, value) => { ctx.kv.set(key, value); },
      delete: (key) => { ctx.kv.delete(key); },
      keys: (prefix) => ctx.kv.keys(prefix),
    },
    'fs-read': {
      roots: () => [...ctx.roots],
      readFile: (path, maxBytes) => readFileInRoots(ctx.roots, path, maxBytes),
      listDir: (path) => listDirInRoots(ctx.roots, path),
    },
    git: {
      status: (repo) => gitStatus(ctx.roots, repo),
      diffStat: (repo, staged) => gitDiffStat(ctx.roots, repo, staged),
      log: (repo, count) => gitLog(ctx.roots, repo, count),
    },
    llm: {
      complete: async (request) => {
        if (!ctx.complete) throw new Error('no LLM service is available here (is a provider configured, and is the host running?)');
        const now = Date.now();
        while (llmCalls.length > 0 && now - llmCalls[0]! > 3_600_000) llmCalls.shift();
        if (llmCalls.length >= ctx.llmBudget.maxCallsPerHour) {
          throw new Error(`llm budget spent: ${ctx.llmBudget.maxCallsPerHour} completions per hour (plugins.entries.${ctx.plugin}.llm.maxCallsPerHour)`);
        }
        llmCalls.push(now);
        const maxTokens = Math.max(1, Math.min(ctx.llmBudget.maxTokensPerCall, Math.floor(request.maxTokens) || ctx.llmBudget.maxTokensPerCall));
        return ctx.complete({ system: request.system ?? undefined, prompt: request.prompt, maxTokens });
      },
    },
  } satisfies CapabilityHandlers;
  // A parameter added to the WIT that a handler does not take fails here, naming the function.
  const everyParameterTaken: [ParametersNotTaken<typeof handlers>] extends [never] ? true : ParametersNotTaken<typeof handlers> = true;
  void everyParameterTaken;

  // Indexed by the strings a worker sends: the arguments are checked against the WIT signature before the call.
  const byName = handlers as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>;
  const signatures: Record<string, Record<string, { readonly params: ReadonlyArray<readonly [string, WitType]> } | undefined> | undefined> = capabilitySignatures;

  return async (iface, fn, args) => {
    if (!ctx.grants.has(iface as PluginPermission)) throw new Error(`permission ${iface} is not granted to ${ctx.plugin}`);
    const handler = Object.hasOwn(byName, iface) && Object.hasOwn(byName[iface]!, fn) ? byName[iface]![fn] : undefined;
    const signature = signatures[iface]?.[fn];
    if (!handler || !signature) throw new Error(`unknown capability function ${iface}.${fn}`);
    const given = Array.isArray(args) ? args : [];
    signature.params.forEach(([name, type], index) => checkWitValue(given[index], type, name));
    return handler(...given.slice(0, signature.params.length));
  };
}
