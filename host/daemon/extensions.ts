import type { HostExtension } from '../api/hostApi.js';

/**
 * The parts that run inside the host, in start order. Each is imported only when the host
 * starts, so CLI commands never load them. An extension that fails to start is reported
 * (event `host.extension.failed`) and the host carries on without it.
 */
export const extensionModules: ReadonlyArray<{ readonly name: string; readonly load: () => Promise<HostExtension> }> = [
  { name: 'hooks', load: async () => (await import('../hooks/extension.js')).hooksExtension() },
  { name: 'llm', load: async () => (await import('../llm/extension.js')).createLlmExtension() },
  { name: 'agents', load: async () => (await import('../agents/extension.js')).agentsExtension() },
  { name: 'plugins', load: async () => (await import('../plugins/host/extension.js')).pluginsExtension() },
  { name: 'mcp', load: async () => (await import('../mcp/extension.js')).mcpExtension() },
];
