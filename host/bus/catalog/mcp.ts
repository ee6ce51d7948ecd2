import { z } from 'zod';
import type { EventDefinition } from './index.js';

/** Events of the MCP area: calls MCP clients make to picode's tools, and picode's own MCP servers. */

const def = <T extends string, D extends z.ZodType>(type: T, description: string, data: D) =>
  ({ type, description, data, blocking: false as const, source: 'mcp' }) satisfies EventDefinition;

export const mcpEvents = [
  def('mcp.call', 'An MCP client (another agent, through `picode mcp serve`) called one of picode\'s tools; recorded once decided and run.', z.object({
    tool: z.string().describe('The tool (`read_pane`, `run_in_pane`, `plugin_NAME_TOOL`...).'),
    client: z.string().describe('The client\'s name from its MCP `initialize` (`claude-code`).'),
    clientVersion: z.string().optional().describe('Its version.'),
    run: z.number().int().optional().describe('The picode agent run it belongs to, when picode started it.'),
    transport: z.string().optional().describe('`stdio` or `http`.'),
    args: z.unknown().describe('The arguments it ran with (after hooks rewrote them).'),
    decision: z.enum(['allow', 'deny']).describe('Whether it ran.'),
    by: z.enum(['policy', 'gate', 'person', 'remembered', 'timeout', 'cancelled']).describe('What decided: `mcp.approvals`, a hook or gating plugin, a person, an earlier "always", nobody answering in time, or the client cancelling while it waited for a person.'),
    isError: z.boolean().describe('True when the tool failed or was denied.'),
    cancelled: z.boolean().optional().describe('True when the client cancelled the call (or went away) before its answer: picode stopped waiting for it.'),
    durationMs: z.number().describe('From the request to the answer, approval wait included.'),
  })),
  def('mcp.approval.requested', 'A call of an MCP client waits for a person: `picode mcp approve ID yes|no|always`.', z.object({
    id: z.number().int().describe('The approval\'s id.'),
    client: z.string().describe('The MCP client asking.'),
    run: z.number().int().optional().describe('Its picode agent run, when known.'),
    tool: z.string().describe('The tool it wants to call.'),
    args: z.unknown().describe('With these arguments.'),
    reason: z.string().optional().describe('Why a hook asked, when one did.'),
  })),
  def('mcp.server.changed', 'An MCP server of `mcp.servers` changed state (starting, ready, restarting, failed, stopped) or tools.', z.object({
    name: z.string().describe('The server\'s name in config.'),
    transport: z.enum(['stdio', 'http']).describe('How picode talks to it.'),
    target: z.string().describe('Its command line or URL.'),
    state: z.enum(['idle', 'starting', 'ready', 'restarting', 'failed', 'stopped', 'disabled']).describe('Where it stands.'),
    tools: z.number().int().describe('Tools it offers (0 until listed).'),
    lastError: z.string().optional().describe('The last failure.'),
    restarts: z.number().int().describe('Restarts after a crash so far.'),
    pid: z.number().int().optional().describe('Process id of a stdio server.'),
  })),
] as const satisfies readonly EventDefinition[];
