import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { reply, startFakeLlm, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { bin, createMcpWorld, mcpReady, textOf, until, type HostProcess, type McpWorld } from './helpers.js';

/**
 * `picode mcp serve` as other agents use it: the official SDK's client, over stdio and over
 * Streamable HTTP, against a real host on a private tmux server. Policy for the suite:
 * run_in_pane and plugin tools allowed, the rest of the writes ask (the default), and a hook
 * that denies `rm -rf` through the agent.tool.before gate.
 */
const session = 'mcpserve';
let world: McpWorld;
let llm: FakeLlm;
let host: HostProcess;
let testsPane: string;
let viewPane: string;
let client: Client;

const config = [
  'models: openai:gpt-test',
  'failover:',
  '  retries: 0',
  'mcp:',
  '  approvals:',
  '    tools:',
  '      run_in_pane: allow',
  '      plugin_*: allow',
  'hooks:',
  '  - name: no-rm-rf',
  '    event: agent.tool.before',
  '    match: { tool: run_in_pane }',
  `    command: 'if grep -q "rm -rf"; then echo "no rm -rf from MCP clients" >&2; exit 2; fi'`,
  '',
].join('\n');

beforeAll(async () => {
  llm = await startFakeLlm();
  world = createMcpWorld(config);
  Object.assign(world.env, { OPENAI_BASE_URL: llm.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-mcp-0123456789abcdef' });
  testsPane = world.newSession(session, 'tests');
  viewPane = world.newWindow(session, `${process.execPath} ${bin} pane agent --session ${session}`);
  host = world.startHost(session);
  await mcpReady(world, session);
  client = new Client({ name: 'picode-test-client', version: '9.9.9' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp', 'serve', '--session', session], env: world.env as Record<string, string>, cwd: world.project, stderr: 'pipe' }));
}, 120_000);

afterAll(async () => {
  await client?.close().catch(() => {});
  await world?.dispose();
  await llm?.close();
});

async function call(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean; structured: Record<string, unknown> | undefined }> {
  const result = await client.callTool({ name, arguments: args });
  return { text: textOf(result), isError: result.isError === true, structured: result.structuredContent as Record<string, unknown> | undefined };
}

describe('picode mcp serve over stdio', () => {
  it('refuses to start without a host, saying so', async () => {
    const result = await world.cli(['mcp', 'serve', '--session', 'nohost']);
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('no picode host is running for session "nohost"');
    expect(result.stderr).toContain('start the workspace with `picode up`');
    expect(result.stdout).toBe('');
  });

  it('starts without loading the MCP SDK (the host serves the session), the store, the plugin runtime, LLM SDKs, the pane UI, config schemas or commander', async () => {
    const { join } = await import('node:path');
    const child = spawn(process.execPath, ['--import', join(__dirname, '..', '..', 'fixtures', 'mcp', 'logImports.mjs'), bin, 'mcp', 'serve', '--session', session], { cwd: world.project, env: world.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } })}\n`);
    await until('the initialize answer', () => (stdout.includes('"id":1') ? true : undefined));
    child.stdin!.end();
    await new Promise((r) => child.once('close', r));
    const imports = stderr.split('\n').filter((l) => l.startsWith('IMPORT ') || l.startsWith('REQUIRE '));
    // It did start (its relay module loaded) and answered, yet loaded nothing of the MCP SDK.
    expect(imports.some((l) => /\/host\/mcp\/stdioRelay\.js/.test(l))).toBe(true);
    expect(imports.filter((l) => /@modelcontextprotocol/.test(l))).toEqual([]);
    expect(imports.filter((l) => /better-sqlite3|@bytecodealliance|componentize|node_modules\/openai|@anthropic-ai|blessed|\/host\/store\/|\/host\/plugins\//.test(l))).toEqual([]);
    // The fast path of bin/picode.js: no commander, no command table, no config schemas.
    expect(imports.filter((l) => /node_modules\/commander|\/host\/cli\/main\.js|\/host\/cli\/commandTable\.js|\/host\/config\//.test(l))).toEqual([]);
  });

  it('lists picode\'s tools and the loaded plugins\' tools', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([
      'list_panes', 'read_pane', 'run_in_pane', 'send_to_pane', 'recent_failures', 'get_context', 'plan_get', 'plan_update_step', 'notify',
    ]));
    await until('the shipped plugins\' tools', async () => ((await client.listTools()).tools.some((t) => t.name === 'plugin_pane-errors_diagnostics') ? true : undefined), 90_000);
  });

  it('lists panes, marking picode\'s views', async () => {
    const { text, structured } = await call('list_panes');
    expect(text).toContain(`${testsPane} tests`);
    const panes = structured!.panes as Array<{ id: string; view: string | null }>;
    expect(panes.find((p) => p.id === testsPane)?.view).toBeNull();
    await until('the agent view to be seen', async () => ((await call('list_panes')).text.includes(`${viewPane}`) && (await call('list_panes')).text.includes('(picode agent view)') ? true : undefined));
  });

  it('runs a command in a pane and reads its output and exit code back', async () => {
    const run = await call('run_in_pane', { pane: 'tests', command: "printf 'RED-1\\nRED-2\\n'; (exit 3)" });
    expect(run.isError).toBe(true);
    expect(run.text).toContain('RED-1\nRED-2');
    expect(run.text).toContain('exit code 3');
    expect(run.structured).toMatchObject({ exitCode: 3, interrupted: false });

    const last = await call('read_pane', { pane: 'tests', last_command: true });
    expect(last.structured).toMatchObject({ exitCode: 3 });
    expect(last.text).toContain('RED-2');
    expect(last.text).toContain('[exit code 3');

    const screen = await call('read_pane', { pane: testsPane, lines: 5 });
    expect(screen.text).toContain('RED-2');
    expect(screen.text.split('\n').length).toBeLessThanOrEqual(5);

    const failures = await call('recent_failures');
    expect(failures.text).toContain("exited 3");
    expect(failures.text).toContain('RED-2');
  });

  it('refuses to run commands in picode\'s views', async () => {
    const refused = await call('run_in_pane', { pane: viewPane, command: 'y' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('is picode\'s agent view');
  });

  it('passes every call through the agent.tool.before hooks, which can deny it', async () => {
    const denied = await call('run_in_pane', { pane: 'tests', command: 'rm -rf ./nothing-here' });
    expect(denied.isError).toBe(true);
    expect(denied.text).toContain('no rm -rf from MCP clients');
    const screen = await call('read_pane', { pane: 'tests' });
    expect(screen.text).not.toContain('rm -rf ./nothing-here');
  });

  it('asks a person for writes, and the answer from `picode mcp approve` lets the call run', async () => {
    const pending = call('send_to_pane', { pane: 'tests', text: 'echo APPROVED-TEXT', enter: true });
    const waiting = await until('the approval to wait', async () => {
      const list = JSON.parse((await world.cli(['mcp', 'approvals', '--session', session, '--json'])).stdout) as Array<{ id: number; tool: string; client: string }>;
      return list.find((p) => p.tool === 'send_to_pane');
    });
    expect(waiting.client).toBe('picode-test-client');
    const answered = await world.cli(['mcp', 'approve', String(waiting.id), 'yes', '--session', session]);
    expect(answered.stdout).toContain('allowed: picode-test-client send_to_pane');
    const result = await pending;
    expect(result.isError).toBe(false);
    await until('the text in the pane', async () => ((await call('read_pane', { pane: 'tests' })).text.includes('APPROVED-TEXT\n') ? true : undefined));

    const declined = call('send_to_pane', { pane: 'tests', text: 'echo NEVER-TYPED' });
    const second = await until('the second approval', async () => {
      const list = JSON.parse((await world.cli(['mcp', 'approvals', '--session', session, '--json'])).stdout) as Array<{ id: number }>;
      return list[0];
    });
    await world.cli(['mcp', 'approve', String(second.id), 'no', '--session', session]);
    expect((await declined).text).toContain('The person declined this call');
    expect((await call('read_pane', { pane: 'tests' })).text).not.toContain('NEVER-TYPED');
  });

  it('shows a waiting call in picode\'s agent pane, where y answers it; `picode agent approve mcp:ID` answers too', async () => {
    const pending = call('send_to_pane', { pane: 'tests', text: 'echo FROM-THE-AGENT-PANE', enter: true });
    let screen = '';
    await until('the agent pane to show the call', () => {
      screen = world.tmux('capture-pane', '-p', '-t', viewPane);
      // The approval itself (its notification, in the pane's notifications area, comes first).
      return /MCP call \d+ waits for your approval/.test(screen) ? true : undefined;
    }).catch((error: Error) => { throw new Error(`${error.message}\n--- the agent pane shows ---\n${screen}`); });
    expect(screen).toContain('picode-test-client asks to call send_to_pane');
    world.tmux('send-keys', '-t', viewPane, 'y');
    expect((await pending).isError).toBe(false);
    await until('the text in the pane', async () => ((await call('read_pane', { pane: 'tests' })).text.includes('FROM-THE-AGENT-PANE\n') ? true : undefined));

    const refused = call('send_to_pane', { pane: 'tests', text: 'echo REFUSED-BY-AGENT-APPROVE' });
    const waiting = await until('the approval', async () => (JSON.parse((await world.cli(['mcp', 'approvals', '--session', session, '--json'])).stdout) as Array<{ id: number }>)[0]);
    const answered = await world.cli(['agent', 'approve', `mcp:${waiting.id}`, 'no', '--session', session]);
    expect(answered.stderr).toBe('');
    expect((await refused).text).toContain('The person declined this call');
  });

  it('cancels a call in the host when the client cancels it: its approval leaves picode\'s lists, run_in_pane stops waiting', async () => {
    const approvals = async () => JSON.parse((await world.cli(['mcp', 'approvals', '--session', session, '--json'])).stdout) as Array<{ id: number; args: { text?: string } }>;
    const mcpCalls = async () => (await world.cli(['events', '--session', session, '--type', 'mcp.call', '--since', '0', '--json'])).stdout.trim().split('\n')
      .filter(Boolean).map((l) => (JSON.parse(l) as { data: { tool: string; args: Record<string, unknown>; by: string; decision: string; cancelled?: boolean } }).data);

    const asking = new AbortController();
    const asked = client.callTool({ name: 'send_to_pane', arguments: { pane: 'tests', text: 'echo CANCELLED-TEXT', enter: true } }, undefined, { signal: asking.signal });
    await until('the approval to wait', async () => (await approvals()).find((p) => p.args.text === 'echo CANCELLED-TEXT'));
    await until('the agent pane to show it', () => {
      const screen = world.tmux('capture-pane', '-p', '-J', '-t', viewPane);
      return screen.includes('CANCELLED-TEXT') && /MCP call \d+ waits for your approval/.test(screen) ? true : undefined;
    });
    asking.abort();
    await expect(asked).rejects.toThrow();
    await until('the approval to leave the list', async () => ((await approvals()).some((p) => p.args.text === 'echo CANCELLED-TEXT') ? undefined : true));
    // Its approval prompt goes (the notification that it waited stays in the pane's notifications area).
    await until('the agent pane to drop its approval prompt', () => (world.tmux('capture-pane', '-p', '-J', '-t', viewPane).includes('waits for your approval') ? undefined : true));
    expect((await mcpCalls()).find((c) => c.args.text === 'echo CANCELLED-TEXT')).toMatchObject({ tool: 'send_to_pane', decision: 'deny', by: 'cancelled', cancelled: true });

    // A command that does not end: the host stops waiting for it when the call is cancelled
    // (its record appears), and the command keeps running in the pane until someone stops it.
    const running = new AbortController();
    const ran = client.callTool({ name: 'run_in_pane', arguments: { pane: 'tests', command: 'sleep 7777' } }, undefined, { signal: running.signal, timeout: 600_000 });
    await until('the command to start', async () => ((await call('read_pane', { pane: 'tests', lines: 5 })).text.includes('sleep 7777') ? true : undefined));
    running.abort();
    await expect(ran).rejects.toThrow();
    const record = await until('the host to stop waiting', async () => (await mcpCalls()).find((c) => c.tool === 'run_in_pane' && c.args.command === 'sleep 7777'));
    expect(record).toMatchObject({ decision: 'allow', cancelled: true });
    world.tmux('send-keys', '-t', testsPane, 'C-c');
    expect((await call('run_in_pane', { pane: 'tests', command: 'echo AFTER-CANCEL' })).text).toContain('AFTER-CANCEL');
  });

  it('gathers context for a task from panes, failures and plugins', async () => {
    const { text, structured } = await call('get_context', { task: 'why does the test fail?', token_budget: 2000 });
    expect(text).toContain('RED-2');
    const sources = (structured!.items as Array<{ source: string }>).map((i) => i.source);
    expect(sources).toContain(`pane:${testsPane}`);
    expect(sources.some((s) => s.startsWith('command:'))).toBe(true);
    expect(structured!.tokens as number).toBeLessThanOrEqual(2000);
  });

  it('reads the plan and updates a step', async () => {
    expect((await call('plan_get')).text).toContain('There is no plan');
    llm.enqueue(reply.text(JSON.stringify({
      summary: 'Make the test green.',
      steps: [
        { title: 'Run the test', detail: 'See it fail.', files: [], commands: ['npm test'], acceptance: 'it fails' },
        { title: 'Fix it', detail: 'Change the code.', files: ['a.js'], commands: [], acceptance: 'it passes' },
      ],
    })));
    const made = await world.cli(['plan', 'fix the test', '--session', session, '--wait', '--json'], { timeoutMs: 60_000 });
    expect(made.stderr).not.toContain('internal error');
    const plan = await call('plan_get');
    expect(plan.text).toContain('Run the test - pending');
    const steps = (plan.structured!.plan as { steps: Array<{ id: number }> }).steps;
    // plan_update_step is a write: it asks; answer from picode.
    const updating = call('plan_update_step', { step: steps[0]!.id, action: 'done' });
    const waiting = await until('the approval', async () => (JSON.parse((await world.cli(['mcp', 'approvals', '--session', session, '--json'])).stdout) as Array<{ id: number }>)[0]);
    await world.cli(['mcp', 'approve', String(waiting.id), 'always', '--session', session]);
    expect((await updating).text).toContain('Run the test - done');
    // "always" holds for this client and tool.
    expect((await call('plan_update_step', { step: steps[1]!.id, action: 'skip' })).text).toContain('Fix it - skipped');
  });

  it('calls a plugin tool and notifies the person', async () => {
    const diagnostics = await call('plugin_pane-errors_diagnostics', {});
    expect(diagnostics.isError).toBe(false);
    const notified = await call('notify', { message: 'tests are red', level: 'warning' });
    expect(notified.text).toMatch(/notification \d+ shown/);
  });

  it('serves panes and the plan as resources, with update notifications', async () => {
    const { resources } = await client.listResources();
    const paneUri = `picode://pane/${encodeURIComponent(testsPane)}`;
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining([paneUri, 'picode://plan/current']));
    const read = await client.readResource({ uri: paneUri });
    expect((read.contents[0] as { text: string }).text).toContain('RED-2');

    const updated: string[] = [];
    let listChanged = 0;
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => { updated.push(n.params.uri); });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, async () => { listChanged++; });
    await client.subscribeResource({ uri: paneUri });
    await client.subscribeResource({ uri: 'picode://plan/current' });
    await call('run_in_pane', { pane: 'tests', command: 'echo SUBSCRIBED-OUTPUT' });
    await until('an update of the pane resource', () => (updated.includes(paneUri) ? true : undefined));
    const plan = await call('plan_get');
    const step = (plan.structured!.plan as { steps: Array<{ id: number }> }).steps[0]!;
    await call('plan_update_step', { step: step.id, action: 'reset' });
    await until('an update of the plan resource', () => (updated.includes('picode://plan/current') ? true : undefined));
    world.newWindow(session, 'env PS1="$ " bash --norc --noprofile -i', 'extra');
    await until('the resource list to change', () => (listChanged > 0 ? true : undefined));
  });

  it('records every call with its caller', async () => {
    const result = await world.cli(['events', '--session', session, '--type', 'mcp.call', '--since', '0', '--json']);
    const calls = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { data: { tool: string; client: string; clientVersion: string; transport: string; decision: string; by: string } });
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.every((c) => c.data.client === 'picode-test-client' && c.data.clientVersion === '9.9.9' && c.data.transport === 'stdio')).toBe(true);
    expect(calls.find((c) => c.data.tool === 'run_in_pane' && c.data.by === 'gate')).toMatchObject({ data: { decision: 'deny' } });
    expect(calls.find((c) => c.data.tool === 'send_to_pane' && c.data.by === 'person' && c.data.decision === 'allow')).toBeDefined();
  });
});

describe('picode mcp serve --http', () => {
  let serve: ChildProcess;
  let url: string;
  let token: string;

  beforeAll(async () => {
    serve = spawn(process.execPath, [bin, 'mcp', 'serve', '--http', '--session', session], { cwd: world.project, env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    [url, token] = await until('the address and token', () => {
      const u = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out)?.[1];
      const t = /bearer token \(shown once\): (\S+)/.exec(out)?.[1];
      return u && t ? [u, t] as const : undefined;
    });
  });
  afterAll(() => { serve?.kill('SIGTERM'); });

  it('serves the tools to a client with the token', async () => {
    const http = new Client({ name: 'http-test-client', version: '1.0.0' });
    await http.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const read = await http.callTool({ name: 'read_pane', arguments: { pane: 'tests', last_command: true } });
      expect(textOf(read)).toContain('SUBSCRIBED-OUTPUT');
      const events = await world.cli(['events', '--session', session, '--type', 'mcp.call', '--limit', '1', '--json']);
      expect(JSON.parse(events.stdout.trim()).data).toMatchObject({ client: 'http-test-client', transport: 'http', tool: 'read_pane' });
    } finally {
      await http.close();
    }
  });

  it('cancels a waiting call in the host when the client cancels it', async () => {
    const http = new Client({ name: 'http-test-client', version: '1.0.0' });
    await http.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const waiting = async () => (JSON.parse((await world.cli(['mcp', 'approvals', '--session', session, '--json'])).stdout) as Array<{ client: string }>)
        .some((p) => p.client === 'http-test-client');
      const abort = new AbortController();
      const asked = http.callTool({ name: 'send_to_pane', arguments: { pane: 'tests', text: 'echo HTTP-CANCELLED' } }, undefined, { signal: abort.signal });
      await until('the approval to wait', async () => ((await waiting()) ? true : undefined));
      abort.abort();
      await expect(asked).rejects.toThrow();
      await until('the approval to leave the list', async () => ((await waiting()) ? undefined : true));
    } finally {
      await http.close();
    }
  });

  it('refuses a request without the token or with another', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${token}x`]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      });
      expect(response.status).toBe(401);
    }
    const intruder = new Client({ name: 'intruder', version: '1.0.0' });
    await expect(intruder.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: 'Bearer nope' } } }))).rejects.toThrow();
  });
});

/** `picode mcp serve` spoken to by hand, line by line, as an agent's MCP client does. */
function spawnServe() {
  const child = spawn(process.execPath, [bin, 'mcp', 'serve', '--session', session], { cwd: world.project, env: world.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const write = (line: string): void => { child.stdin!.write(line); };
  return {
    write,
    end: () => child.stdin!.end(),
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise<number | null>((r) => child.on('exit', (code) => r(code))),
    async initialized(): Promise<void> {
      write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } })}\n`);
      await until('the initialize answer', () => (stdout.includes('"id":1') ? true : undefined));
    },
  };
}

describe('the stdio relay', () => {
  it('skips a line that is not JSON, saying so, and keeps serving; ends with 0 when stdin closes', async () => {
    const serve = spawnServe();
    serve.write('{not json\n');
    await serve.initialized();
    expect(serve.stderr()).toContain('a line from the client is not JSON, skipped: {not json');
    serve.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    serve.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
    await until('the tools/list answer', () => (serve.stdout().includes('"id":2') ? true : undefined));
    expect(serve.stdout()).toContain('read_pane');
    serve.end();
    expect(await serve.exited).toBe(0);
  });
});

describe('when the host stops', () => {
  it('ends picode mcp serve with exit 69, saying why', async () => {
    const serve = spawnServe();
    await serve.initialized();
    host.child.kill('SIGTERM');
    expect(await serve.exited).toBe(69);
    expect(serve.stderr()).toContain(`the picode host of session "${session}" stopped`);
  });
});
