import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../../fixtures/fake-llm/index.js';
import { agentCliOrSkip, agentClis } from '../../../support/agentClis.js';
import { createExternalWorld, until, type ExternalWorld } from './helpers.js';

/**
 * The real Claude Code CLI (pinned, installed on demand) in a pane of a private tmux server,
 * started by `picode agent --with claude`, talking to a loopback fake Anthropic server. Its
 * statuses come from its own hooks (wired by picode for the run only); its permission request
 * is answered from picode; a picode hook denies a tool call and the agent reads why.
 */
const cli = agentCliOrSkip(agentClis.claude);

// A project hook in Claude Code's PreToolUse style on picode's agent.tool.before gate.
const denyHook = [
  // A loaded CI machine may take minutes between the request and picode's answer: keep it held.
  'agents:',
  '  external:',
  '    approvalTimeoutSeconds: 1800',
  'hooks:',
  '  - name: no-denied-files',
  '    event: agent.tool.before',
  '    match: { tool: Bash }',
  `    command: 'if grep -q denied.txt; then echo "picode policy: no denied.txt here" >&2; exit 2; fi'`,
  '',
].join('\n');

describe.skipIf(!cli)('Claude Code in a pane, wired by picode', () => {
  let world: ExternalWorld;
  let runId: number;
  let pane: string;

  beforeAll(async () => {
    world = await createExternalWorld({ binDirs: [cli!.binDir], projectConfig: denyHook });
  }, 240_000);
  afterAll(async () => { await world?.dispose(); });

  it('starts the agent in a new pane with the task; its hooks report working, then a permission request', async () => {
    world.agentLlm.enqueue(
      reply.toolCalls([{ id: 'toolu_approve', name: 'Bash', args: { command: 'echo approved > approved.txt', description: 'write approved.txt' } }]),
      reply.text('Wrote approved.txt.'),
    );
    const started = await world.cli(['agent', 'write approved.txt', '--with', 'claude', '--model', 'claude-sonnet-4-5', '--session', world.session, '--json', '--', '--permission-mode', 'default']);
    expect(started.stderr).toBe('');
    const run = JSON.parse(started.stdout) as { id: number; kind: string; pane: string; statusSource: string };
    expect(run).toMatchObject({ kind: 'claude', statusSource: 'hooks' });
    runId = run.id;
    pane = run.pane;
    // The user's own settings are untouched: picode passed its hooks on the command line.
    expect(existsSync(join(world.agentHome, '.claude', 'settings.json'))).toBe(false);
    const waiting = await world.waitStatus(runId, 'waiting_approval');
    expect(waiting).toMatchObject({ kind: 'claude', pane, statusSource: 'hooks', task: 'write approved.txt' });
    expect(existsSync(join(world.project, 'approved.txt'))).toBe(false);
    const statuses = (await world.agentEvents('agent.status')).filter((e) => (e.data.run as { id: number }).id === runId).map((e) => e.data.status);
    expect(statuses.slice(0, 2)).toEqual(['working', 'waiting_approval']);
    // --model went to the agent's CLI.
    expect(world.agentLlm.requests[0]!.body.model).toBe('claude-sonnet-4-5');
  }, 240_000);

  it('attention lists the waiting agent and --next selects its pane', async () => {
    world.tmux('select-pane', '-t', `${world.session}:0.0`);
    const list = await world.cli(['attention', '--json', '--session', world.session]);
    const waiting = JSON.parse(list.stdout) as Array<{ id: number; pendingApproval: { call: { name: string } } | null }>;
    expect(waiting.map((w) => w.id)).toEqual([runId]);
    expect(waiting[0]!.pendingApproval?.call.name).toBe('Bash');
    const next = await world.cli(['attention', '--next', '--session', world.session]);
    expect(next.stdout).toContain(`agent #${runId} (claude) waiting approval in pane ${pane}`);
    expect(world.tmux('display-message', '-p', '-t', world.session, '#{pane_id}').trim()).toBe(pane);
  }, 180_000);

  it('an approval from picode goes back to the agent, which runs the tool and waits for input', async () => {
    const approved = await world.cli(['agent', 'approve', String(runId), 'yes', '--session', world.session]);
    expect(approved.stdout).toContain('answered yes');
    await until('approved.txt', () => (existsSync(join(world.project, 'approved.txt')) ? true : undefined), 120_000);
    expect(readFileSync(join(world.project, 'approved.txt'), 'utf8')).toBe('approved\n');
    await world.waitStatus(runId, 'waiting_input');
    const statuses = (await world.agentEvents('agent.status')).filter((e) => (e.data.run as { id: number }).id === runId).map((e) => e.data.status);
    expect(statuses).toEqual(['working', 'waiting_approval', 'working', 'waiting_input']);
    const messages = await world.agentEvents('agent.message');
    expect(messages.some((m) => m.data.role === 'assistant' && m.data.text === 'Wrote approved.txt.')).toBe(true);
    const after = await world.agentEvents('agent.tool.after');
    expect(after.map((e) => ({ tool: e.data.tool, ok: e.data.ok }))).toEqual([{ tool: 'Bash', ok: true }]);
  }, 240_000);

  it('imports the transcript from Claude Code\'s own session file', async () => {
    const log = await until('the transcript', async () => {
      const r = await world.cli(['agent', 'log', String(runId), '--jsonl', '--session', world.session]);
      return r.stdout.includes('Wrote approved.txt.') ? r.stdout : undefined;
    }, 180_000);
    const entries = log.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; text?: string; toolCalls?: Array<{ name: string; args: { command: string } }>; toolName?: string });
    expect(entries[0]).toMatchObject({ kind: 'user', text: 'write approved.txt' });
    expect(entries.find((e) => e.toolCalls)?.toolCalls?.[0]).toMatchObject({ name: 'Bash', args: { command: 'echo approved > approved.txt' } });
    expect(entries.find((e) => e.kind === 'tool_result')).toMatchObject({ toolName: 'Bash' });
    expect(entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'Wrote approved.txt.' });
  }, 180_000);

  it('a tool call denied by a picode hook never runs, and the agent is told why', async () => {
    world.agentLlm.enqueue(
      reply.toolCalls([{ id: 'toolu_deny', name: 'Bash', args: { command: 'echo no > denied.txt', description: 'write denied.txt' } }]),
      reply.text('I was not allowed.'),
    );
    const sent = await world.cli(['agent', 'send', String(runId), 'now write denied.txt', '--session', world.session]);
    expect(sent.stdout).toBe('sent\n');
    await until('the agent to hear back', () => (world.agentLlm.requests.length >= 3 ? true : undefined), 120_000);
    await world.waitStatus(runId, 'waiting_input');
    expect(existsSync(join(world.project, 'denied.txt'))).toBe(false);
    const toldWhy = JSON.stringify(world.agentLlm.requests.at(-1)!.body.messages);
    expect(toldWhy).toContain('picode policy: no denied.txt here');
  }, 300_000);

  it('refuses hook calls from a run it does not know, and records and ignores a malformed one', async () => {
    const env = world.paneEnv(pane);
    const url = env.PICODE_HOOK_URL!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/\d+$/);
    const other = url.replace(/\/hooks\/\d+$/, '/hooks/9999');
    const refused = await fetch(other, { method: 'POST', headers: { 'x-picode-token': env.PICODE_HOOK_TOKEN! }, body: '{"hook_event_name":"Stop"}' });
    expect(refused.status).toBe(403);
    const wrongToken = await fetch(url, { method: 'POST', headers: { 'x-picode-token': 'nope' }, body: '{"hook_event_name":"Stop"}' });
    expect(wrongToken.status).toBe(403);
    const malformed = await fetch(url, { method: 'POST', headers: { 'x-picode-token': env.PICODE_HOOK_TOKEN! }, body: '{not json' });
    expect(malformed.status).toBe(200);
    await until('the malformed call recorded', async () => ((await world.agentEvents('agent.hook.malformed')).length === 1 ? true : undefined), 120_000);
    expect(world.host.stderr()).toMatch(/unknown run or with a wrong token/);
    expect((await world.run(runId)).status).toBe('waiting_input');
  }, 180_000);

  it('a killed agent process ends its run as failed, never stuck', async () => {
    const env = world.paneEnv(pane);
    const pid = Number(world.tmux('display-message', '-p', '-t', pane, '#{pane_pid}').trim());
    process.kill(pid, 'SIGKILL');
    const ended = await world.waitStatus(runId, 'failed', 120_000);
    // Killed by a signal: tmux reports the signal, not an exit status, and the run ends at once.
    expect(ended.error).toBe('its process was killed by signal 9');
    const finished = await world.agentEvents('agent.finished');
    expect(finished.map((e) => e.data.status)).toEqual(['failed']);
    // A hook call its relay sent before the process died arrives late: the run stays ended.
    const late = await fetch(env.PICODE_HOOK_URL!, { method: 'POST', headers: { 'x-picode-token': env.PICODE_HOOK_TOKEN! }, body: JSON.stringify({ hook_event_name: 'UserPromptSubmit', prompt: 'late' }) });
    expect(late.status).toBe(200);
    expect((await world.run(runId)).status).toBe('failed');
  }, 180_000);
});

