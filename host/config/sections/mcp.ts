import { z } from 'zod';

const decision = z.enum(['allow', 'ask', 'deny']);

/** A value written into a server's headers or environment: literal text, or read from picode's environment. */
const secretValue = z.union([
  z.string(),
  z.object({ env: z.string().min(1).describe('Name of an environment variable of the picode process that holds the value.') }).strict(),
]).describe('A literal string, or `{ env: NAME }` to take it from the environment (so tokens never sit in config files).');

const stdioServer = z.object({
  command: z.string().min(1).describe('The program that speaks MCP over its standard input and output.'),
  args: z.array(z.string()).default([]).describe('Its arguments.'),
  env: z.record(z.string().min(1), secretValue).default({}).describe('Extra environment variables for it (added to a minimal environment: PATH, HOME, LANG...).'),
  cwd: z.string().min(1).optional().describe('Its working directory (default: the session\'s).'),
});

const httpServer = z.object({
  url: z.string().url().describe('The Streamable HTTP endpoint (`https://host/mcp`).'),
  headers: z.record(z.string().min(1), secretValue).default({})
    .describe('Headers sent with every request (`Authorization: { env: MY_TOKEN }`).'),
});

const serverCommon = {
  enabled: z.boolean().default(true).describe('Set false to keep the entry without starting the server.'),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional()
    .describe('Longest one tool call or resource read may take before the agent gets a timeout error (default `mcp.callTimeoutMs`).'),
  context: z.array(z.string().min(1)).default([])
    .describe('Resource URIs of this server read as context for `plan` and the `get_context` tool.'),
};

const serverEntry = z.union([
  stdioServer.extend(serverCommon).strict(),
  httpServer.extend(serverCommon).strict(),
]).describe('An MCP server picode\'s agent may use: stdio (`command`, `args`, `env`, `cwd`) or Streamable HTTP (`url`, `headers`).');

/** Config keys of the MCP area: picode as an MCP server (`approvals`) and as a client (`servers`). */
export const mcpSection = {
  mcp: z.object({
    approvals: z.object({
      default: decision.default('ask').describe('Decision for tools not listed in `tools`.'),
      tools: z.record(z.string().min(1), decision).default({})
        .describe('Per tool of `picode mcp serve`: allow, ask or deny; a name ending in `*` matches a prefix (`plugin_*`). Read-only tools are allowed unless listed.'),
    }).strict().default({ default: 'ask', tools: {} })
      .describe('Approval policy for calls that MCP clients (other agents) make to picode\'s tools.'),
    approvalTimeoutMs: z.number().int().min(1000).max(86_400_000).default(300_000)
      .describe('How long a call waiting for `picode mcp approve` waits before it is denied.'),
    servers: z.record(z.string().min(1), serverEntry).default({})
      .superRefine((servers, ctx) => {
        for (const name of Object.keys(servers)) {
          if (!/^[A-Za-z0-9_-]+$/.test(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: `server name "${name}": use letters, digits, _ and - only (it becomes part of the tool names mcp__NAME__TOOL)` });
          }
        }
      })
      .describe('MCP servers whose tools picode\'s agent gets, as `mcp__<server>__<tool>`; names are letters, digits, _ and -.'),
    callTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000)
      .describe('Default longest time of one call to an MCP server.'),
    startTimeoutMs: z.number().int().min(100).max(600_000).default(20_000)
      .describe('Longest an MCP server may take to start and answer `initialize`.'),
    maxResultChars: z.number().int().min(1000).max(10_000_000).default(100_000)
      .describe('Longest tool result kept from an MCP server; the middle of a longer one is cut.'),
  }).strict().default({ approvals: { default: 'ask', tools: {} }, approvalTimeoutMs: 300_000, servers: {}, callTimeoutMs: 60_000, startTimeoutMs: 20_000, maxResultChars: 100_000 })
    .describe('The Model Context Protocol: picode\'s server for other agents, and the servers picode\'s agent uses (docs/mcp.md).'),
} satisfies Record<string, z.ZodType>;

export type McpConfig = z.output<(typeof mcpSection)['mcp']>;
export type McpServerConfig = McpConfig['servers'][string];
