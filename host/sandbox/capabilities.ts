import type { PanesApi } from '../daemon/api.js';
import type { PluginPermission } from '../config/sections/plugins.js';
import type { KvStore } from './state.js';
import { listDirInRoots, readFileInRoots } from './fsSandbox.js';
import { gitDiffStat, gitLog, gitStatus } from './gitCapability.js';
import type { HostCallHandler } from './supervisor.js';

/**
 * The host side of the capability interfaces. The worker only receives the interfaces the
 * plugin was granted, and every call is checked again here (a worker is not trusted to
 * report which interface it is calling honestly).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

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

const levels = new Set(['debug', 'info', 'warn', 'error']);
const maxLogMessage = 4096;

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} must be a string`);
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} must be a number`);
  return value;
}

function level(value: unknown): LogLevel {
  return (typeof value === 'string' && levels.has(value) ? value : 'info') as LogLevel;
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

  const handlers: Record<PluginPermission, Record<string, (args: unknown[]) => unknown>> = {
    log: {
      write: ([lvl, message]) => { ctx.log(level(lvl), str(message, 'message').slice(0, maxLogMessage)); },
    },
    notify: {
      send: ([lvl, title, body]) => { ctx.notify(level(lvl), str(title, 'title').slice(0, 200), str(body, 'body').slice(0, maxLogMessage)); },
    },
    'panes-read': {
      listPanes: () => (ctx.panes?.list() ?? []).map((p) => ({
        id: p.id, name: p.name, window: p.windowName, command: p.command, cwd: p.cwd, width: p.width, height: p.height, active: p.active,
      })),
      capture: async ([pane, lines]) => {
        const n = Math.max(1, Math.min(10_000, Math.floor(num(lines, 'lines')) || 100));
        const text = await paneApi().capture(paneId(str(pane, 'pane')), { lines: n });
        const all = text.replace(/\n+$/, '').split('\n');
        return all.slice(-n).join('\n');
      },
    },
    'panes-write': {
      sendText: async ([pane, text, enter]) => {
        await paneApi().sendText(paneId(str(pane, 'pane')), str(text, 'text'), { enter: enter === true, origin });
      },
      sendKeys: async ([pane, keys]) => {
        if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error('keys must be a list of strings');
        await paneApi().sendKeys(paneId(str(pane, 'pane')), keys as string[], { origin });
      },
    },
    kv: {
      get: ([key]) => ctx.kv.get(str(key, 'key')),
      set: ([key, value]) => { ctx.kv.set(str(key, 'key'), str(value, 'value')); },
      delete: ([key]) => { ctx.kv.delete(str(key, 'key')); },
      keys: ([prefix]) => ctx.kv.keys(str(prefix, 'prefix')),
    },
    'fs-read': {
      roots: () => [...ctx.roots],
      readFile: ([path, maxBytes]) => readFileInRoots(ctx.roots, str(path, 'path'), num(maxBytes, 'max-bytes')),
      listDir: ([path]) => listDirInRoots(ctx.roots, str(path, 'path')),
    },
    git: {
      status: ([repo]) => gitStatus(ctx.roots, str(repo, 'repo')),
      diffStat: ([repo, staged]) => gitDiffStat(ctx.roots, str(repo, 'repo'), staged === true),
      log: ([repo, count]) => gitLog(ctx.roots, str(repo, 'repo'), num(count, 'count')),
    },
    llm: {
      complete: async ([request]) => {
        const r = request as { system?: unknown; prompt?: unknown; maxTokens?: unknown };
        if (!ctx.complete) throw new Error('no LLM service is available here (is a provider configured, and is the host running?)');
        const now = Date.now();
        while (llmCalls.length > 0 && now - llmCalls[0]! > 3_600_000) llmCalls.shift();
        if (llmCalls.length >= ctx.llmBudget.maxCallsPerHour) {
          throw new Error(`llm budget spent: ${ctx.llmBudget.maxCallsPerHour} completions per hour (plugins.entries.${ctx.plugin}.llm.maxCallsPerHour)`);
        }
        llmCalls.push(now);
        const maxTokens = Math.max(1, Math.min(ctx.llmBudget.maxTokensPerCall, Math.floor(num(r.maxTokens, 'max-tokens')) || ctx.llmBudget.maxTokensPerCall));
        return ctx.complete({ system: typeof r.system === 'string' ? r.system : undefined, prompt: str(r.prompt, 'prompt'), maxTokens });
      },
    },
  };

  return async (iface, fn, args) => {
    const permission = iface as PluginPermission;
    if (!ctx.grants.has(permission)) throw new Error(`permission ${iface} is not granted to ${ctx.plugin}`);
    const handler = handlers[permission]?.[fn];
    if (!handler) throw new Error(`unknown capability function ${iface}.${fn}`);
    return handler(Array.isArray(args) ? args : []);
  };
}
