import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { configSnippet, mcpArgsFor, serveCommand } from '../../../host/mcp/agentWiring.js';

const root = resolve(__dirname, '..', '..', '..');

describe('wiring picode\'s MCP server into agents', () => {
  const target = { session: 'work', tmuxSocket: 'private', run: 7 };

  it('starts the server with absolute paths, the session, its tmux server and the run', () => {
    expect(serveCommand(target)).toEqual({
      command: process.execPath,
      args: [join(root, 'bin', 'picode.js'), '--tmux-socket', 'private', 'mcp', 'serve', '--session', 'work', '--run', '7'],
    });
    expect(serveCommand({ session: 'a b' }).args.slice(1)).toEqual(['mcp', 'serve', '--session', 'a b']);
  });

  it('gives Claude Code an inline --mcp-config naming the server picode', () => {
    const [flag, json] = mcpArgsFor('claude', target);
    expect(flag).toBe('--mcp-config');
    expect(JSON.parse(json!)).toEqual({ mcpServers: { picode: { type: 'stdio', ...serveCommand(target) } } });
    expect(JSON.parse(configSnippet('claude', target))).toEqual(JSON.parse(json!));
  });

  it('gives Codex per-key overrides of mcp_servers.picode', () => {
    const args = mcpArgsFor('codex', target);
    expect(args).toEqual(['-c', `mcp_servers.picode.command=${JSON.stringify(process.execPath)}`, '-c', `mcp_servers.picode.args=[${serveCommand(target).args.map((a) => JSON.stringify(a)).join(',')}]`]);
    expect(configSnippet('codex', target)).toMatch(/^\[mcp_servers\.picode\]\ncommand = ".*"\nargs = \[".*"\]\n$/);
  });

  it('prints settings snippets for Gemini CLI and opencode, which read MCP servers only from settings', () => {
    expect(mcpArgsFor('gemini', target)).toEqual([]);
    expect(JSON.parse(configSnippet('gemini', target)).mcpServers.picode).toMatchObject(serveCommand(target));
    const opencode = JSON.parse(configSnippet('opencode', target));
    expect(opencode.mcp.picode).toEqual({ type: 'local', command: [process.execPath, ...serveCommand(target).args], enabled: true });
  });
});
