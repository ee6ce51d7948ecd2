import type { AgentTool } from '../../../src/agents/types.js';
import { McpToolError, type McpClientManager } from './manager.js';

/** The name the model sees: `mcp__<server>__<tool>` (Claude Code's convention), in the characters every provider accepts. */
export function agentToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/**
 * The configured MCP servers' tools as tools of picode's agent loop. The loop applies
 * `agents.approvals` and the `agent.tool.before` gate to them like to any tool; a server that
 * fails gives the model a tool error naming the kind of failure.
 */
export async function mcpAgentTools(manager: McpClientManager): Promise<AgentTool[]> {
  const tools = await manager.tools();
  return tools.map(({ server, tool }) => ({
    name: agentToolName(server, tool.name),
    description: `${tool.description || tool.name} (MCP server ${server})`,
    parameters: jsonSchemaObject(tool.inputSchema),
    execute: async (args, context) => {
      try {
        const result = await manager.server(server).call(tool.name, args, context.signal);
        return { content: result.text || '(no output)', ...(result.isError ? { isError: true } : {}) };
      } catch (error) {
        if (error instanceof McpToolError) return { content: `[mcp error: ${error.kind}] ${error.message}`, isError: true };
        return { content: `[mcp error: error] ${(error as Error).message}`, isError: true };
      }
    },
  }));
}

function jsonSchemaObject(schema: Record<string, unknown>): { type: 'object' } & Record<string, unknown> {
  return schema && schema.type === 'object' ? (schema as { type: 'object' } & Record<string, unknown>) : { type: 'object', properties: {} };
}
