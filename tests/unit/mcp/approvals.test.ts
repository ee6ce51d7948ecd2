import { describe, expect, it } from 'vitest';
import { McpApprovals } from '../../../host/mcp/approvals.js';
import { defaultMcpPolicy } from '../../../host/mcp/calls.js';
import { serverTools } from '../../../host/mcp/serverTools.js';
import { decisionFor } from '../../../src/agents/policy.js';
import { renderContent } from '../../../host/mcp/client/manager.js';
import { agentToolName } from '../../../host/mcp/client/agentTools.js';

describe('MCP approvals', () => {
  const fields = { client: 'claude-code', run: undefined, tool: 'send_to_pane', args: { text: 'ls' }, reason: undefined };

  it('waits for an answer and remembers "always" per client and tool', async () => {
    const approvals = new McpApprovals(60_000);
    const seen: number[] = [];
    const asked = approvals.request(fields, new AbortController().signal, (p) => seen.push(p.id));
    expect(approvals.list()).toMatchObject([{ id: seen[0], client: 'claude-code', tool: 'send_to_pane' }]);
    approvals.answer(seen[0]!, 'always');
    expect(await asked).toBe('always');
    expect(approvals.list()).toEqual([]);
    expect(approvals.isAlwaysAllowed('claude-code', 'send_to_pane')).toBe(true);
    expect(approvals.isAlwaysAllowed('other-client', 'send_to_pane')).toBe(false);
  });

  it('denies (undefined) when nobody answers in time or the caller leaves', async () => {
    const approvals = new McpApprovals(1000);
    expect(await approvals.request(fields, new AbortController().signal, () => {})).toBeUndefined();
    const leaving = new AbortController();
    const asked = approvals.request(fields, leaving.signal, () => {});
    leaving.abort();
    expect(await asked).toBeUndefined();
    expect(approvals.list()).toEqual([]);
  });

  it('refuses an answer to a call that is not waiting, naming those that are', () => {
    const approvals = new McpApprovals(60_000);
    void approvals.request(fields, new AbortController().signal, () => {});
    expect(() => approvals.answer(99, 'yes')).toThrow(/no MCP call 99 is waiting/);
    approvals.close();
  });
});

describe('the MCP approval policy', () => {
  it('allows the read-only tools and asks for writes by default; config overrides, prefixes match', () => {
    const policy = defaultMcpPolicy({ default: 'ask', tools: {} }, serverTools);
    for (const tool of ['list_panes', 'read_pane', 'recent_failures', 'get_context', 'plan_get', 'notify']) expect(decisionFor(policy, tool)).toBe('allow');
    for (const tool of ['run_in_pane', 'send_to_pane', 'plan_update_step', 'plugin_x_y']) expect(decisionFor(policy, tool)).toBe('ask');
    const custom = defaultMcpPolicy({ default: 'deny', tools: { read_pane: 'ask', 'plugin_*': 'allow' } }, serverTools);
    expect(decisionFor(custom, 'read_pane')).toBe('ask');
    expect(decisionFor(custom, 'plugin_git-context_git_status')).toBe('allow');
    expect(decisionFor(custom, 'run_in_pane')).toBe('deny');
  });

  it('describes every tool with an object JSON Schema', () => {
    for (const tool of serverTools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.description.length, tool.name).toBeGreaterThan(20);
    }
    expect((serverTools.find((t) => t.name === 'read_pane')!.inputSchema as { required: string[] }).required).toEqual(['pane']);
  });
});

describe('MCP client helpers', () => {
  it('names remote tools as Claude Code does, in characters every provider accepts', () => {
    expect(agentToolName('github', 'create_issue')).toBe('mcp__github__create_issue');
    expect(agentToolName('my server', 'do.thing')).toBe('mcp__my_server__do_thing');
    expect(agentToolName('s', 'x'.repeat(100))).toHaveLength(64);
  });

  it('renders content blocks for the model', () => {
    expect(renderContent([
      { type: 'text', text: 'hello' },
      { type: 'image', mimeType: 'image/png', data: 'AAAA' },
      { type: 'resource', resource: { uri: 'file:///a', text: 'contents' } },
      { type: 'resource_link', uri: 'file:///b', name: 'b' },
    ], undefined)).toBe('hello\n[image image/png, not shown]\n[resource file:///a]\ncontents\n[resource link file:///b (b)]');
    expect(renderContent([], { answer: 42 })).toBe('{"answer":42}');
  });
});
