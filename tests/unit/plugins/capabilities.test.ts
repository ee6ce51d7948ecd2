import { describe, expect, it } from 'vitest';
import { createCapabilityHandler, type CapabilityContext, type CompletionRequest } from '../../../host/sandbox/capabilities.js';
import { memoryKv } from '../../../host/sandbox/state.js';
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
});
