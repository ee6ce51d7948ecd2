import { describe, expect, it } from 'vitest';
import { checkableWitType, createCapabilityHandler, type CapabilityContext, type CompletionRequest } from '../../../host/plugins/host/capabilities.js';
import { capabilitySignatures } from '../../../host/plugins/capabilitySignatures.js';
import { memoryKv } from '../../../host/plugins/host/state.js';
import type { PluginPermission } from '../../../host/config/sections/plugins.js';

function context(grants: PluginPermission[], overrides: Partial<CapabilityContext> = {}): CapabilityContext {
  return {
    plugin: 'p', grants: new Set(grants), roots: ['/nonexistent'], kv: memoryKv(), panes: undefined,
    log: () => {}, notify: () => {}, complete: undefined, llmBudget: { maxTokensPerCall: 100, maxCallsPerHour: 2 },
    ...overrides,
  };
}

describe('capabilities on the host side', () => {
  it('re-checks the grant on every call', async () => {
    const call = createCapabilityHandler(context(['log']));
    await expect(call('kv', 'get', ['k'])).rejects.toThrow('permission kv is not granted to p');
    await expect(call('log', 'write', ['info', 'hello'])).resolves.toBeUndefined();
    await expect(call('log', 'rmrf', [])).rejects.toThrow('unknown capability function log.rmrf');
  });

  it('llm: goes through the host service, clamps max-tokens and keeps to the hourly budget', async () => {
    const seen: CompletionRequest[] = [];
    const call = createCapabilityHandler(context(['llm'], {
      complete: async (request) => { seen.push(request); return `answer ${seen.length}`; },
    }));
    await expect(call('llm', 'complete', [{ prompt: 'summarise', maxTokens: 5000, system: 'be brief' }])).resolves.toBe('answer 1');
    expect(seen[0]).toEqual({ system: 'be brief', prompt: 'summarise', maxTokens: 100 });
    await expect(call('llm', 'complete', [{ prompt: 'again', maxTokens: 10 }])).resolves.toBe('answer 2');
    expect(seen[1]!.maxTokens).toBe(10);
    await expect(call('llm', 'complete', [{ prompt: 'third', maxTokens: 10 }])).rejects.toThrow(/llm budget spent: 2 completions per hour \(plugins.entries.p.llm.maxCallsPerHour\)/);
    expect(seen).toHaveLength(2);
  });

  it('llm without a service, panes without a host: clear errors, no crash', async () => {
    const call = createCapabilityHandler(context(['llm', 'panes-read']));
    await expect(call('llm', 'complete', [{ prompt: 'x', maxTokens: 1 }])).rejects.toThrow(/no LLM service/);
    await expect(call('panes-read', 'listPanes', [])).resolves.toEqual([]);
    await expect(call('panes-read', 'capture', ['%1', 10])).rejects.toThrow(/not running inside a host/);
  });

  it('kv: per plugin, with limits', async () => {
    const call = createCapabilityHandler(context(['kv']));
    await call('kv', 'set', ['a/1', 'x']);
    await call('kv', 'set', ['a/2', 'y']);
    await call('kv', 'set', ['b', 'z']);
    expect(await call('kv', 'keys', ['a/'])).toEqual(['a/1', 'a/2']);
    await call('kv', 'delete', ['a/1']);
    expect(await call('kv', 'get', ['a/1'])).toBeUndefined();
    await expect(call('kv', 'set', [42, 'x'])).rejects.toThrow('key must be a string');
  });

  it('checks every argument against the WIT signature before a handler runs', async () => {
    const logged: string[] = [];
    const sent: string[] = [];
    const call = createCapabilityHandler(context(['log', 'notify', 'panes-write', 'llm', 'fs-read'], {
      log: (level, message) => { logged.push(`${level} ${message}`); },
      notify: (level, title) => { sent.push(`${level} ${title}`); },
      complete: async () => 'never',
    }));
    await expect(call('log', 'write', ['loud', 'x'])).rejects.toThrow('level must be one of debug, info, warn, error');
    await expect(call('log', 'write', ['info'])).rejects.toThrow('message must be a string');
    await expect(call('notify', 'send', ['warn', 't', 7])).rejects.toThrow('body must be a string');
    await expect(call('panes-write', 'sendText', ['%1', 'ls', 'yes'])).rejects.toThrow('enter must be a boolean');
    await expect(call('panes-write', 'sendKeys', ['%1', ['C-c', 3]])).rejects.toThrow('keys[1] must be a string');
    await expect(call('panes-write', 'sendKeys', ['%1', 'C-c'])).rejects.toThrow('keys must be a list');
    await expect(call('llm', 'complete', ['summarise'])).rejects.toThrow('request must be a completion-request record');
    await expect(call('llm', 'complete', [{ prompt: 'x' }])).rejects.toThrow('request.maxTokens must be a number');
    await expect(call('llm', 'complete', [{ prompt: 'x', maxTokens: 1, system: 3 }])).rejects.toThrow('request.system must be a string');
    await expect(call('fs-read', 'readFile', ['a.txt', Number.NaN])).rejects.toThrow('maxBytes must be a number');
    // Names a worker could send to reach what is not a capability function.
    await expect(call('log', 'constructor', [])).rejects.toThrow('unknown capability function log.constructor');
    await expect(call('log', '__proto__', [])).rejects.toThrow('unknown capability function log.__proto__');
    expect(logged).toEqual([]);
    expect(sent).toEqual([]);
    await call('log', 'write', ['warn', 'fine']);
    await call('notify', 'send', ['error', 'title', 'body']);
    expect(logged).toEqual(['warn fine']);
    expect(sent).toEqual(['error title']);
  });

  it('every parameter type in the WIT is one the host can check', () => {
    const types = Object.values(capabilitySignatures).flatMap((fns) => Object.values(fns).flatMap((fn) => fn.params.map(([, type]) => type)));
    expect(types.length).toBeGreaterThan(10);
    expect(types.filter((type) => !checkableWitType(type))).toEqual([]);
    expect(checkableWitType('tuple<string, u32>')).toBe(false);
  });

  it('the functions whose WIT result is `result` are the ones whose errors reach the plugin as `err`', () => {
    const fallible = Object.entries(capabilitySignatures).flatMap(([iface, fns]) =>
      Object.entries(fns).filter(([, fn]) => fn.fallible).map(([name]) => `${iface}.${name}`));
    expect(fallible.sort()).toEqual([
      'fs-read.listDir', 'fs-read.readFile', 'git.diffStat', 'git.log', 'git.status', 'kv.set', 'llm.complete',
      'panes-read.capture', 'panes-write.sendKeys', 'panes-write.sendText',
    ]);
  });
});
