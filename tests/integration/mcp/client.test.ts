import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createMcpWorld, fixtureServer, mcpReady, until, type HostProcess, type McpWorld } from './helpers.js';

/**
 * picode's agent using MCP servers written with the official SDK (tests/fixtures/mcp/server.mjs),
 * one over stdio and one over Streamable HTTP, inside a real host; and each way a server can
 * misbehave (hang, crash mid-call, malformed result, flood) ending as a typed tool error
 * while the run carries on.
 */
const session = 'mcpclient';
let world: McpWorld;
let llm: FakeLlm;
let host: HostProcess;
let httpServer: ChildProcess;
let starts: string;

function readStarts(): number[] {
  return existsSync(starts) ? readFileSync(starts, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

beforeAll(async () => {
  llm = await startFakeLlm();
  world = createMcpWorld('');
  starts = join(world.home, 'starts.txt');
  // The HTTP server runs on its own (as a remote server would); picode reaches it with a bearer token from its environment.
  const portFile = join(world.home, 'http-port');
  httpServer = spawn(process.execPath, [fixtureServer, '--http', portFile], { env: { ...world.env, FIXTURE_TOKEN: 'fixture-token' }, stdio: 'ignore' });
  const port = await until('the HTTP fixture', () => (existsSync(portFile) ? readFileSync(portFile, 'utf8') || undefined : undefined));
  writeFileSync(join(world.project, 'picode.config.yaml'), [
    'models: openai:gpt-test',
    'failover:',
    '  retries: 0',
    'agents:',
    '  approvals:',
    '    tools:',
    "      'mcp__*': allow",
    'mcp:',
    '  servers:',
    '    fixture:',
    `      command: ${JSON.stringify(process.execPath)}`,
    `      args: [${JSON.stringify(fixtureServer)}]`,
    '      timeoutMs: 3000',
    '      env:',
    `        FIXTURE_STARTS: ${JSON.stringify(starts)}`,
    '        FIXTURE_SECRET: { env: MY_FIXTURE_SECRET }',
    '      context: [fixture://notes]',
    '    broken:',
    '      command: /nonexistent/mcp-server',
    '    remote:',
    `      url: http://127.0.0.1:${port}/mcp`,
    '      headers:',
    '        Authorization: { env: MY_REMOTE_AUTH }',
    'hooks:',
    '  - name: no-env-dumps',
    '    event: agent.tool.before',
    '    match: { tool: mcp__fixture__env }',
    `    command: 'if grep -q "HOME"; then echo "no reading HOME" >&2; exit 2; fi'`,
    '',
  ].join('\n'));
  Object.assign(world.env, {
    OPENAI_BASE_URL: llm.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-mcp-0123456789abcdef',
    MY_FIXTURE_SECRET: 'from-the-environment', MY_REMOTE_AUTH: 'Bearer fixture-token',
  });
  world.newSession(session, 'shell');
  host = world.startHost(session);
  await mcpReady(world, session);
}, 120_000);

afterAll(async () => {
  httpServer?.kill('SIGKILL');
  await world?.dispose();
  await llm?.close();
});

/** One agent run that calls one tool, then answers; returns what the model was told the tool returned. */
async function agentCall(tool: string, args: Record<string, unknown>): Promise<string> {
  llm.enqueue(reply.toolCalls([{ id: `c-${tool}`, name: tool, args }]), reply.text('ok'));
  const result = await world.cli(['agent', `use ${tool}`, '--session', session, '--wait', '--json'], { timeoutMs: 90_000 });
  expect(result.stderr).not.toContain('internal error');
  expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ status: 'done' });
  const last = llm.requests.at(-1)!.body as { messages: Array<{ role: string; content: string; tool_call_id?: string }>; tools?: Array<{ function: { name: string } }> };
  const message = last.messages.find((m) => m.role === 'tool' && m.tool_call_id === `c-${tool}`);
  return message!.content;
}

describe('picode\'s agent with MCP servers', () => {
  it('starts no server before it is needed', async () => {
    expect(readStarts()).toEqual([]);
    const listed = await world.cli(['mcp', 'list', '--session', session]);
    expect(listed.stdout).toMatch(/fixture {2}idle {2}stdio: /);
    expect(listed.stdout).toContain('(not started yet: --connect starts it)');
  });

  it('offers each server\'s tools as mcp__<server>__<tool> and runs them', async () => {
    expect(await agentCall('mcp__fixture__echo', { text: 'hello' })).toBe('echo: hello');
    const tools = (llm.requests.at(-1)!.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name);
    expect(tools).toEqual(expect.arrayContaining(['mcp__fixture__echo', 'mcp__fixture__hang', 'mcp__remote__echo', 'mcp__remote__add']));
    expect(readStarts()).toHaveLength(1);
    expect(await agentCall('mcp__remote__add', { a: 2, b: 40 })).toBe('42');
    // A server that cannot start adds no tools and is reported; the others work.
    const listed = JSON.parse((await world.cli(['mcp', 'list', '--session', session, '--json'])).stdout) as Array<{ name: string; state: string; lastError?: string }>;
    expect(listed.find((s) => s.name === 'broken')).toMatchObject({ state: 'failed', lastError: expect.stringContaining('cannot start /nonexistent/mcp-server') });
    expect(tools.some((t) => t.startsWith('mcp__broken__'))).toBe(false);
  });

  it('gives a server the environment named in config, and nothing else of picode\'s', async () => {
    expect(await agentCall('mcp__fixture__env', { name: 'FIXTURE_SECRET' })).toBe('from-the-environment');
    expect(await agentCall('mcp__fixture__env', { name: 'OPENAI_API_KEY' })).toBe('(unset)');
  });

  it('passes MCP tool calls through the agent.tool.before hooks', async () => {
    expect(await agentCall('mcp__fixture__env', { name: 'HOME' })).toContain('Denied by a hook: no-env-dumps: no reading HOME');
  });

  it('turns a server that hangs into a timeout error, and the run goes on', async () => {
    const content = await agentCall('mcp__fixture__hang', {});
    expect(content).toMatch(/^Error: \[mcp error: timeout\] MCP server fixture: tools\/call hang failed \(timeout\): no answer within 3000 ms/);
    expect(await agentCall('mcp__fixture__echo', { text: 'still here' })).toBe('echo: still here');
  });

  it('turns a malformed result into a typed error', async () => {
    expect(await agentCall('mcp__fixture__malformed', {})).toMatch(/^Error: \[mcp error: malformed\] .*does not follow the MCP schema/);
  });

  it('reports a server that crashes mid-call, and restarts it with backoff', async () => {
    const before = readStarts().length;
    expect(await agentCall('mcp__fixture__crash', {})).toMatch(/^Error: \[mcp error: crashed\] .*the server exited \(code 3\)/);
    await until('the restart', () => (readStarts().length > before ? true : undefined));
    expect(await agentCall('mcp__fixture__echo', { text: 'back' })).toBe('echo: back');
    const listed = JSON.parse((await world.cli(['mcp', 'list', '--session', session, '--json'])).stdout) as Array<{ name: string; state: string; restarts: number; lastError?: string; tools: string[] }>;
    const fixture = listed.find((s) => s.name === 'fixture')!;
    expect(fixture).toMatchObject({ state: 'ready' });
    expect(fixture.restarts).toBeGreaterThanOrEqual(1);
    expect(fixture.lastError).toContain('exited (code 3)');
    expect(fixture.tools).toContain('echo');
  });

  it('stops a server that floods, with a typed error', async () => {
    expect(await agentCall('mcp__fixture__flood', {})).toMatch(/^Error: \[mcp error: flood\] .*sent a message over 4194304 bytes/);
    // Restarted after its backoff, the server's tools come back.
    await until('the fixture server restarted', async () => {
      const listed = JSON.parse((await world.cli(['mcp', 'list', '--session', session, '--json'])).stdout) as Array<{ name: string; state: string }>;
      return listed.find((s) => s.name === 'fixture')?.state === 'ready' ? true : undefined;
    }, 60_000);
    expect(await agentCall('mcp__fixture__echo', { text: 'after the flood' })).toBe('echo: after the flood');
  });

  it('reads a server\'s resources as context for plans', async () => {
    llm.enqueue(reply.text(JSON.stringify({ summary: 'Ship.', steps: [{ title: 'Ship it', detail: '', files: [], commands: [], acceptance: 'shipped' }] })));
    const made = await world.cli(['plan', 'ship the release', '--session', session, '--wait', '--json'], { timeoutMs: 60_000 });
    expect(made.stderr).not.toContain('internal error');
    const request = JSON.stringify(llm.requests.at(-1)!.body);
    expect(request).toContain('never run it on Fridays');
  });

  it('reads a server\'s resources as context for ask', async () => {
    llm.enqueue(reply.text('Not on a Friday.'));
    const asked = await world.cli(['ask', 'when may I deploy?', '--session', session], { timeoutMs: 60_000 });
    expect(asked.stdout).toContain('Not on a Friday.');
    const request = JSON.stringify(llm.requests.at(-1)!.body);
    expect(request).toContain('never run it on Fridays');
    expect(request).toContain('fixture://notes (MCP server fixture)');
  });

  it('stops its servers with the host', async () => {
    const pids = readStarts();
    const alive = pids.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    expect(alive.length).toBeGreaterThan(0);
    host.child.kill('SIGTERM');
    await host.exited;
    await until('the servers to end', () => (alive.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } }) ? true : undefined));
  });
});
