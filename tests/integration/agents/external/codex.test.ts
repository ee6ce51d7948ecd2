import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../../fixtures/fake-llm/index.js';
import { agentCliOrSkip, agentClis } from '../../../support/agentClis.js';
import { createExternalWorld, until, type ExternalWorld } from './helpers.js';

/**
 * The real Codex CLI (pinned, installed on demand) in a pane, started by `picode agent --with
 * codex` against the fake OpenAI Responses server. Its hooks (passed with -c for the run only)
 * report statuses; picode's `agents.approvals` policy asks before its shell tool runs; a picode
 * hook denies a call, which Codex never runs.
 */
const cli = agentCliOrSkip(agentClis.codex);

const config = [
  'agents:',
  '  external:',
  '    approvalTimeoutSeconds: 1800',
  '  approvals:',
  '    tools: { Bash: ask }',
  'hooks:',
  '  - name: no-denied-files',
  '    event: agent.tool.before',
  '    match: { tool: Bash }',
  `    command: 'if grep -q denied.txt; then echo "picode policy: no denied.txt here" >&2; exit 2; fi'`,
  '',
].join('\n');

describe.skipIf(!cli)('Codex CLI in a pane, wired by picode', () => {
  let world: ExternalWorld;
  let runId: number;
  let pane: string;
  const codexArgs = (): string[] => [
    '-c', 'model_provider=fake', '-c', 'model_providers.fake.name="fake"',
    '-c', `model_providers.fake.base_url="${world.agentLlm.openaiBaseUrl}"`, '-c', 'model_providers.fake.wire_api="responses"',
    '-c', 'model_providers.fake.env_key="OPENAI_API_KEY"', '-c', `projects."${world.project}".trust_level="trusted"`,
  ];

  beforeAll(async () => {
    world = await createExternalWorld({ binDirs: [cli!.binDir], projectConfig: config, session: 'cx' });
  }, 240_000);
  afterAll(async () => { await world?.dispose(); });

  it('starts Codex with the task; the policy holds its shell call for an answer from picode', async () => {
    world.agentLlm.enqueue(
      reply.toolCalls([{ id: 'call_approve', name: 'exec_command', args: { cmd: 'echo approved > approved.txt' } }]),
      reply.text('Wrote approved.txt.'),
    );
    const started = await world.cli(['agent', 'write approved.txt', '--with', 'codex', '--model', 'gpt-test', '--session', world.session, '--json', '--', ...codexArgs()]);
    expect(started.stderr).toBe('');
    const run = JSON.parse(started.stdout) as { id: number; pane: string };
    runId = run.id;
    pane = run.pane;
    const waiting = await world.waitStatus(runId, 'waiting_approval');
    expect(waiting).toMatchObject({ kind: 'codex', statusSource: 'hooks' });
    expect(existsSync(join(world.project, 'approved.txt'))).toBe(false);
    expect(world.agentLlm.requests[0]!.body.model).toBe('gpt-test');
    // Codex's hook input reached picode with its own session id.
    expect((await world.agentEvents('agent.tool.before')).at(-1)!.data).toMatchObject({ kind: 'codex', tool: 'Bash' });
  }, 240_000);

  it('approved from picode, Codex runs the command and waits for input', async () => {
    expect((await world.cli(['agent', 'approve', String(runId), 'yes', '--session', world.session])).stdout).toContain('answered yes');
    await until('approved.txt', () => (existsSync(join(world.project, 'approved.txt')) ? true : undefined), 120_000);
    await world.waitStatus(runId, 'waiting_input');
    const events = (await world.agentEvents('agent.status')).filter((e) => (e.data.run as { id: number }).id === runId);
    expect(events.map((e) => e.data.status), JSON.stringify(events.map((e) => e.data))).toEqual(['working', 'waiting_approval', 'working', 'waiting_input']);
  }, 240_000);

  it('a call denied by a picode hook never runs, and Codex is told why', async () => {
    world.agentLlm.enqueue(
      reply.toolCalls([{ id: 'call_deny', name: 'exec_command', args: { cmd: 'echo no > denied.txt' } }]),
      reply.text('Not allowed.'),
    );
    expect((await world.cli(['agent', 'send', String(runId), 'now write denied.txt', '--session', world.session])).stdout).toBe('sent\n');
    await until('the agent to hear back', () => (world.agentLlm.requests.length >= 4 ? true : undefined), 120_000);
    await world.waitStatus(runId, 'waiting_input');
    expect(existsSync(join(world.project, 'denied.txt'))).toBe(false);
    expect(JSON.stringify(world.agentLlm.requests.at(-1)!.body.input)).toContain('picode policy: no denied.txt here');
  }, 300_000);

  it('imports the transcript from Codex\'s rollout file', async () => {
    const log = await world.cli(['agent', 'log', String(runId), '--jsonl', '--session', world.session]);
    const entries = log.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; text?: string; toolCalls?: Array<{ name: string }> });
    expect(entries.some((e) => e.kind === 'user' && e.text === 'write approved.txt')).toBe(true);
    expect(entries.some((e) => e.toolCalls?.[0]?.name === 'exec_command')).toBe(true);
    expect(entries.some((e) => e.kind === 'assistant' && e.text === 'Wrote approved.txt.')).toBe(true);
    expect(readFileSync(join(world.project, 'approved.txt'), 'utf8')).toBe('approved\n');
  }, 180_000);

  it('agent stop --kill ends Codex and the run is stopped', async () => {
    const stopped = await world.cli(['agent', 'stop', String(runId), '--kill', '--session', world.session], { timeoutMs: 60_000 });
    expect(stopped.stdout).toContain(`agent run #${runId}: stopped`);
    expect((await world.run(runId)).status).toBe('stopped');
    void pane;
  }, 180_000);
});
