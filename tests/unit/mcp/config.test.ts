import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../host/config/schema.js';

describe('the mcp config section', () => {
  it('defaults to asking for writes and no servers', () => {
    const mcp = configSchema.parse({}).mcp;
    expect(mcp).toMatchObject({ approvals: { default: 'ask', tools: {} }, servers: {}, callTimeoutMs: 60_000, approvalTimeoutMs: 300_000 });
  });

  it('takes stdio and Streamable HTTP servers, with values from the environment', () => {
    const mcp = configSchema.parse({
      mcp: {
        servers: {
          github: { command: 'npx', args: ['-y', 'server-github'], env: { TOKEN: { env: 'GITHUB_TOKEN' } } },
          docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: { env: 'DOCS_AUTH' } }, timeoutMs: 5000 },
        },
      },
    }).mcp;
    expect(mcp.servers.github).toMatchObject({ command: 'npx', args: ['-y', 'server-github'], enabled: true, context: [] });
    expect(mcp.servers.docs).toMatchObject({ url: 'https://mcp.example.com/mcp', timeoutMs: 5000 });
  });

  it('refuses names that cannot be part of a tool name, and entries that are neither kind', () => {
    const named = configSchema.safeParse({ mcp: { servers: { 'my server': { command: 'x' } } } });
    expect(named.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'mcp.servers.my server: server name "my server": use letters, digits, _ and - only (it becomes part of the tool names mcp__NAME__TOOL)',
    ]);
    const odd = configSchema.safeParse({ mcp: { servers: { odd: { args: ['a'] } } } });
    expect(odd.error!.issues.map((i) => i.path.join('.'))).toEqual(['mcp.servers.odd']);
  });
});
