import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../fixtures/fake-llm/index.js';
import { createAgentsWorld, samplePlan, type AgentsWorld, noRmRfHookConfig } from './helpers.js';

let world: AgentsWorld;
beforeAll(async () => { world = await createAgentsWorld(); });
afterAll(async () => { await world.dispose(); });

const u = { input: 200, output: 20 };

describe('plan, agent and jobs without a host (in-process, local store)', () => {
  it('generates a plan, shows it, and lists its job', async () => {
    world.llm.enqueue(reply.text(JSON.stringify(samplePlan), { usage: u }));
    const made = await world.cli(['plan', 'make the test pass', '--json']);
    expect(made.stderr).not.toContain('internal error');
    expect(made.code).toBe(0);
    const plan = JSON.parse(made.stdout) as { id: number; status: string; steps: Array<{ title: string; commands: string[] }> };
    expect(plan.status).toBe('ready');
    expect(plan.steps.map((s) => s.title)).toEqual(['Run the failing test', 'Fix add()']);
    // The model was asked for structured output and given the project as context.
    const body = world.llm.requests.at(-1)!.body as { response_format?: { type: string }; messages: Array<{ content: string }> };
    expect(body.response_format?.type).toBe('json_schema');
    expect(JSON.stringify(body.messages)).toContain('test.mjs');

    const shown = await world.cli(['plan', 'show']);
    expect(shown.stdout).toContain('1. [pending] Run the failing test');
    expect(shown.stdout).toContain('$ node test.mjs');

    const jobs = await world.cli(['jobs', 'list', '--json']);
    const rows = JSON.parse(jobs.stdout) as Array<{ kind: string; status: string; stagesDone: number }>;
    expect(rows[0]).toMatchObject({ kind: 'plan', status: 'done', stagesDone: 3 });
  });

  it('revises a plan into a new revision that supersedes it', async () => {
    const revised = { ...samplePlan, steps: [...samplePlan.steps, { title: 'Add a test for negatives', detail: '', files: ['test.mjs'], commands: ['node test.mjs'], acceptance: 'PASS' }] };
    world.llm.enqueue(reply.text(JSON.stringify(revised)));
    const list = JSON.parse((await world.cli(['plan', 'list', '--json'])).stdout) as Array<{ id: number }>;
    const result = await world.cli(['plan', 'revise', String(list[0]!.id), 'also cover negative numbers', '--json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { revision: number; steps: unknown[]; parentId: number };
    expect(plan).toMatchObject({ revision: 2, parentId: list[0]!.id });
    expect(plan.steps).toHaveLength(3);
    const prompt = JSON.stringify(world.llm.requests.at(-1)!.body);
    expect(prompt).toContain('also cover negative numbers');
    expect(prompt).toContain('Run the failing test');
    const all = JSON.parse((await world.cli(['plan', 'list', '--json'])).stdout) as Array<{ status: string }>;
    expect(all.map((p) => p.status)).toEqual(['ready', 'superseded']);
  });

  it('runs an agent that fixes the failing test, with the transcript exportable as JSONL', async () => {
    world.llm.enqueue(
      reply.toolCalls([{ id: 'c1', name: 'run_command', args: { command: 'node test.mjs' } }], { usage: u }),
      reply.toolCalls([{ id: 'c2', name: 'read_file', args: { path: 'add.js' } }], { usage: u }),
      reply.toolCalls([{ id: 'c3', name: 'edit_file', args: { path: 'add.js', old_text: 'a - b', new_text: 'a + b' } }], { usage: u }),
      reply.toolCalls([{ id: 'c4', name: 'run_command', args: { command: 'node test.mjs' } }], { usage: u }),
      reply.text('Fixed: add() subtracted.', { usage: u }),
    );
    const result = await world.cli(['agent', 'make the test pass', '--yes']);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    expect(readFileSync(join(world.project, 'add.js'), 'utf8')).toContain('a + b');
    expect(result.stdout).toContain('FAIL: add(2, 3) = -1');
    expect(result.stdout).toContain('+export const add = (a, b) => a + b;');
    expect(result.stdout).toContain('Fixed: add() subtracted.');
    expect(result.stdout).toContain('— done');

    const runs = JSON.parse((await world.cli(['agent', 'list', '--json'])).stdout) as Array<{ id: number; status: string; usage: { turns: number; inputTokens: number } }>;
    expect(runs[0]).toMatchObject({ status: 'done', usage: { turns: 5, inputTokens: 1000 } });

    const jsonl = await world.cli(['agent', 'log', String(runs[0]!.id), '--jsonl']);
    const entries = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; seq: number; toolName?: string; isError?: boolean });
    expect(entries[0]).toMatchObject({ kind: 'user', seq: 1 });
    expect(entries.filter((e) => e.kind === 'tool_result').map((e) => [e.toolName, e.isError ?? false])).toEqual([
      ['run_command', true], ['read_file', false], ['edit_file', false], ['run_command', false],
    ]);
    // Approvals were asked (run_command and edit_file are `ask` by default) and answered by --yes.
    expect(entries.filter((e) => e.kind === 'approval').length).toBe(3);
    // No key in the transcript or the database.
    expect(jsonl.stdout).not.toContain('sk-test-agents');
    const db = readFileSync(join(world.env.PICODE_HOME!, 'picode.db'));
    expect(db.includes(Buffer.from('sk-test-agents'))).toBe(false);
  });

  it('denies approvals when nobody can answer, and the run reports it', async () => {
    world.llm.enqueue(
      reply.toolCalls([{ id: 'w', name: 'write_file', args: { path: 'note.txt', content: 'hi' } }]),
      reply.text('I could not write the file.'),
    );
    const result = await world.cli(['agent', 'write a note']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('denied (no terminal to ask; pass --yes to allow): write_file');
    expect(() => readFileSync(join(world.project, 'note.txt'))).toThrow();
  });

  it('stops a run at its turn limit and fails the command', async () => {
    world.llm.enqueue(
      reply.toolCalls([{ id: 'a', name: 'read_file', args: { path: 'add.js' } }]),
      reply.toolCalls([{ id: 'b', name: 'read_file', args: { path: 'add.js' } }]),
    );
    const result = await world.cli(['agent', 'loop forever', '--max-turns', '2', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', error: 'turn limit reached (2 model calls)' });
  });

  it('reports bad input as a user error', async () => {
    const result = await world.cli(['agent', 'x', '--max-turns', 'lots']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--max-turns: expected a positive whole number, got "lots"');
    expect(result.stderr).not.toContain('internal error');
  });
});

describe('--worktree', () => {
  it('gives the run its own git worktree and branch, leaving the checkout alone', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const repo = join(world.home, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...world.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    world.llm.enqueue(
      reply.toolCalls([{ id: 'w', name: 'write_file', args: { path: 'a.txt', content: 'two\n' } }]),
      reply.text('changed a.txt in my worktree'),
    );
    const result = await world.cli(['agent', 'edit a.txt', '--worktree', '--yes', '--json'], { cwd: repo });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { id: number; worktree: string };
    expect(run.worktree).toBe(join(repo, '.picode', 'worktrees', `agent-${run.id}`));
    expect(readFileSync(join(run.worktree, 'a.txt'), 'utf8')).toBe('two\n');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('one\n');
    expect(git('branch', '--list', `picode/agent-${run.id}`)).toContain(`picode/agent-${run.id}`);
    expect(existsSync(join(run.worktree, '.git'))).toBe(true);
    // The main checkout stays clean.
    expect(git('status', '--porcelain')).toBe('');
  });
});

describe('agent.tool.before hooks without a host', () => {
  it('runs the project\'s shell hooks on every tool call, which can deny it', async () => {
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const dir = join(world.home, 'hooked');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'precious');
    writeFileSync(join(dir, 'picode.config.yaml'), noRmRfHookConfig);
    world.llm.enqueue(
      reply.toolCalls([{ id: 'r', name: 'run_command', args: { command: 'rm -rf keep.txt' } }]),
      reply.toolCalls([{ id: 'e', name: 'run_command', args: { command: 'echo still here' } }]),
      reply.text('nothing deleted'),
    );
    const result = await world.cli(['agent', 'clean up', '--yes'], { cwd: dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
    expect(result.stdout).toContain('✗ denied run_command (gate: no-rm-rf: no rm -rf from agents)');
    expect(result.stdout).toContain('still here');
  });
});

describe('keys in transcripts', () => {
  it('redacts an API key a tool printed before the transcript is stored', async () => {
    world.llm.enqueue(
      reply.toolCalls([{ id: 'k', name: 'run_command', args: { command: 'echo "key=$OPENAI_API_KEY"' } }]),
      reply.text('printed it'),
    );
    const result = await world.cli(['agent', 'show the key', '--yes', '--json']);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { id: number };
    const log = (await world.cli(['agent', 'log', String(run.id), '--jsonl'])).stdout;
    expect(log).toContain('key=[redacted]');
    expect(log).not.toContain('sk-test-agents');
    const db = readFileSync(join(world.env.PICODE_HOME!, 'picode.db'));
    expect(db.includes(Buffer.from('sk-test-agents'))).toBe(false);
  });
});
