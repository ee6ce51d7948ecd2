import { contextItem, type ContextItem } from '../../../src/context/types.js';
import type { McpClientManager } from './manager.js';

/** Context is optional: a resource not read by then is left out rather than holding up an ask or a plan. */
const contextReadMs = 5000;

/** The resources each server names as context (`mcp.servers.X.context`), read now; a failing or slow one is left out. */
export async function mcpResourceContext(manager: McpClientManager): Promise<ContextItem[]> {
  const reads = manager.names.flatMap((name) => {
    const server = manager.server(name);
    return server.enabled ? server.contextUris.map((uri) => ({ name, uri, server })) : [];
  });
  const results = await Promise.allSettled(reads.map((r) => {
    const stop = AbortSignal.timeout(contextReadMs);
    return r.server.readResource(r.uri, stop);
  }));
  return results.flatMap((result, i) => (result.status === 'fulfilled' && result.value.trim()
    ? [contextItem({ source: `mcp:${reads[i]!.name}:${reads[i]!.uri}`, title: `${reads[i]!.uri} (MCP server ${reads[i]!.name})`, text: result.value, priority: 60, keep: 'head' })]
    : []));
}
