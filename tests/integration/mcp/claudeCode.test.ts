import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpArgsFor } from '../../../host/mcp/agentWiring.js';
import { reply, startFakeLlm, type FakeLlm, type RecordedRequest } from '../../fixtures/fake-llm/index.js';
import { agentCliOrSkip, agentClis } from '../../support/agentClis.js';
import { createMcpWorld, mcpReady, type McpWorld } from './helpers.js';

/**
 * A real agent using picode's MCP server: Claude Code, offline against a loopback Anthropic
 * server, started with the arguments `mcpArgsFor('claude', ...)` gives it. The fake model asks
 * for mcp__picode__read_pane on the pane where a test just failed; the next model request must
 * carry the pane's real output, read through picode.
 */
const session = 'mcpclaude';
const claudeCli = agentCliOrSkip(agentClis.claude);
const claude = claudeCli && join(claudeCli.binDir, 'claude');
let world: McpWorld;
let model: FakeLlm;

/**
 * The model's side of the conversation: the first turn that offers `tool` gets a `tool_use` of
 * it with `input`; the turn that carries its result gets a short answer. What Claude Code asks
 * besides its turns (titles, token counts, non-streaming calls) gets the side answer.
 */
function playsTool(tool: string, input: Record<string, unknown>): (request: RecordedRequest) => ReturnType<typeof reply.text> {
  return (request) => {
    const tools = (request.body.tools as Array<{ name: string }> | undefined) ?? [];
    const messages = (request.body.messages as Array<{ content: unknown }> | undefined) ?? [];
    const answered = messages.some((m) => Array.isArray(m.content) && (m.content as Array<{ type: string }>).some((b) => b.type === 'tool_result'));
    if (tools.some((t) => t.name === tool) && !answered) return reply.toolCalls([{ id: 'toolu_picode_1', name: tool, args: input }]);
    return reply.text(answered ? 'I read the pane: the login test fails with a 500.' : 'ok');
  };
}

beforeAll(async () => {
  if (!claude) return;
  model = await startFakeLlm({ sideAnswer: 'ok', respond: playsTool('mcp__picode__read_pane', { pane: 'tests', last_command: true }) });
  world = createMcpWorld('');
  world.newSession(session, 'tests');
  world.startHost(session);
  await mcpReady(world, session);
  const run = await world.cli(['run', 'tests', '--session', session, '--', "printf 'FAIL test_login: expected 200, got 500 (REQ-7731)\\n'; (exit 1)"]);
  expect(run.code).toBe(1);
}, 120_000);

afterAll(async () => {
  await world?.dispose();
  await model?.close();
});

describe.skipIf(!claude)('Claude Code with picode\'s MCP server', () => {
  it('calls mcp__picode__read_pane, and the next model request carries the pane\'s real output', async () => {
    const home = join(world.home, 'claude-home');
    mkdirSync(home, { recursive: true });
    const key = 'sk-ant-test-0123456789abcdefghij';
    writeFileSync(join(home, '.claude.json'), JSON.stringify({
      hasCompletedOnboarding: true, customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
      projects: { [world.project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
    }));
    const args = [
      '-p', 'Why does the test in the tests pane fail?',
      ...mcpArgsFor('claude', { session, tmuxSocket: world.socket }),
      '--allowedTools', 'mcp__picode__read_pane',
      '--model', 'claude-sonnet-4-5',
    ];
    const env = {
      ...world.env, HOME: home, ANTHROPIC_BASE_URL: model.anthropicBaseUrl, ANTHROPIC_API_KEY: key,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1',
      // Claude Code defers MCP tools behind its ToolSearch tool by default; the scripted model calls the tool directly.
      ENABLE_TOOL_SEARCH: 'false',
    };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(claude!, args, { cwd: world.project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
    const main = model.requests.filter((r) => Array.isArray(r.body.tools) && (r.body.tools as Array<{ name: string }>).some((t) => t.name === 'mcp__picode__read_pane'));
    const seen = model.requests.map((r) => `${r.path} tools=${((r.body.tools as Array<{ name: string }> | undefined) ?? []).map((t) => t.name).join(',')}`).join('\n');
    expect(main.length, `Claude Code never offered the model picode's tools\n${seen}\n${result.stderr}\n${result.stdout}`).toBeGreaterThanOrEqual(2);
    const followUp = JSON.stringify(main.at(-1)!.body.messages);
    expect(followUp).toContain('tool_result');
    expect(followUp).toContain('FAIL test_login: expected 200, got 500 (REQ-7731)');
    // Claude Code gives the model the result's structuredContent (JSON) when there is one.
    expect(followUp).toMatch(/exitCode\\":1|exit code 1/);
    expect(result.stdout).toContain('the login test fails with a 500');
    expect(result.code).toBe(0);
    // picode recorded the call with Claude Code as its caller.
    const events = await world.cli(['events', '--session', session, '--type', 'mcp.call', '--json']);
    expect(JSON.parse(events.stdout.trim().split('\n').at(-1)!).data).toMatchObject({ tool: 'read_pane', decision: 'allow', transport: 'stdio', client: expect.stringMatching(/claude/i) });
  }, 180_000);
});
