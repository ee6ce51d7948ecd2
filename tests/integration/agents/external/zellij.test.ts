import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { startFakeZellij, type FakeZellij } from '../../../fixtures/zellij/harness.js';
import { until } from './helpers.js';

/**
 * A layout pane `agent: ...` on Zellij, through the contract-checking fake `zellij`: `picode up`
 * writes the pane as `picode agent TASK --with ... --pane self` (checked against Zellij 0.45's
 * CLI contract), and that command, run as the pane's own process would run it (ZELLIJ_PANE_ID
 * set), has the real host register the run and then starts the agent itself, in place: Zellij
 * cannot restart a pane's program from outside. The agent is the scripted fake agent.
 */
const root = resolve(__dirname, '..', '..', '..', '..');
const bin = join(root, 'bin', 'picode.js');
const fakeAgent = join(root, 'tests', 'fixtures', 'fake-agent', 'agent.mjs');
const session = `zja${process.pid}`;
let fake: FakeZellij;
let work: string;
const started: ChildProcess[] = [];

interface Listed { id: number; kind: string; pane?: string; status: string; statusSource: string; error?: string }

function picode(args: string[], allowFail = false): { stdout: string; stderr: string; status: number } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, env: fake.env, encoding: 'utf8', timeout: 120_000 });
  if (!allowFail && result.status !== 0) throw new Error(`picode ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

type KdlNode = ReturnType<typeof parseKdlV1>['nodes'][number];
function findPane(nodes: readonly KdlNode[], name: string): KdlNode | undefined {
  for (const node of nodes) {
    if (node.getName() === 'pane' && node.getProperty('name') === name) return node;
    const inner = node.children ? findPane(node.children.nodes, name) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

const list = (): Listed[] => JSON.parse(picode(['agent', 'list', '--json', '--session', session]).stdout) as Listed[];

/** The pane's program as Zellij would start it from the layout, in pane `paneNumber`. */
function runPaneProgram(argv: string[], paneNumber: string): { child: ChildProcess; stdout(): string; exited: Promise<number | null> } {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: work, env: { ...fake.env, ZELLIJ: '0', ZELLIJ_SESSION_NAME: session, ZELLIJ_PANE_ID: paneNumber }, stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, exited };
}

beforeAll(() => {
  fake = startFakeZellij();
  work = join(fake.home, 'work');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'agents.yaml'), [
    `name: ${session}`,
    'windows:',
    '  - name: main',
    '    split: row',
    '    panes:',
    '      - { name: shell }',
    `      - { name: coder, agent: ${JSON.stringify(`node ${fakeAgent}`)}, task: "first task" }`,
  ].join('\n'));
  picode(['up', 'agents.yaml', '--mux', 'zellij', '--detach']);
}, 180_000);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  picode(['down', '--session', session], true);
  const violations = fake.violations();
  fake.cleanup();
  expect(violations).toEqual([]);
});

describe('a layout pane `agent:` on Zellij', () => {
  let paneArgv: string[];
  let paneNumber: string;

  it('is written into the KDL layout as `picode agent TASK --with ... --pane self`, held after exit', async () => {
    const attach = fake.calls().find((c) => c.argv[0] === 'attach')!;
    const coder = findPane(parseKdlV1(readFileSync(attach.argv[5]!, 'utf8')).nodes, 'coder');
    expect(coder).toBeDefined();
    expect(coder!.getProperty('close_on_exit')).toBeUndefined();
    const args = coder!.children!.nodes.find((n) => n.getName() === 'args')!.getArguments() as string[];
    paneArgv = [coder!.getProperty('command') as string, ...args];
    expect(args).toEqual([bin, 'agent', 'first task', '--with', `node ${fakeAgent}`, '--pane', 'self', '--session', session]);
    const panes = await until('the host and its panes', async () => {
      const listed = picode(['panes', '--session', session, '--json'], true);
      return listed.status === 0 ? JSON.parse(listed.stdout) as Array<{ id: string; name: string }> : undefined;
    }, 120_000);
    paneNumber = panes.find((p) => p.name === 'coder')!.id.replace('terminal_', '');
  }, 180_000);

  it('run by the pane, it registers the run with the host and runs the agent itself; its exit status ends the run', async () => {
    const pane = runPaneProgram(paneArgv, paneNumber);
    const run = await until('the run in agent list', async () => list().find((r) => r.pane === `terminal_${paneNumber}`), 120_000);
    expect(run).toMatchObject({ kind: 'command', statusSource: 'inferred' });
    expect(['working', 'waiting_input']).toContain(run.status);
    // The agent runs on the pane's own terminal (here: the test's pipes).
    await until('the agent up', async () => (pane.stdout().includes('fake-agent ready') ? true : undefined), 120_000);
    pane.child.stdin!.write('fail\n');
    expect(await pane.exited).toBe(3);
    const ended = list().find((r) => r.id === run.id)!;
    expect(ended).toMatchObject({ status: 'failed', error: 'its process exited with status 3' });
  }, 180_000);

  it('agent stop --kill ends an agent started in place, and the run is stopped', async () => {
    const pane = runPaneProgram(paneArgv, paneNumber);
    const run = await until('the second run', async () => list().find((r) => r.pane === `terminal_${paneNumber}` && !['failed', 'done'].includes(r.status)), 120_000);
    await until('the agent up', async () => (pane.stdout().includes('fake-agent ready') ? true : undefined), 120_000);
    const stopped = picode(['agent', 'stop', String(run.id), '--kill', '--session', session]);
    expect(stopped.stdout).toContain(`agent run #${run.id}: stopped`);
    expect(await pane.exited).toBe(143);
    expect(list().find((r) => r.id === run.id)!.status).toBe('stopped');
  }, 180_000);

  it('refuses --with without a pane of its own, saying how to start one in Zellij', () => {
    const refused = picode(['agent', 'x', '--with', `node ${fakeAgent}`, '--session', session], true);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('in a Zellij session an external agent runs in the pane that starts it');
    expect(refused.stderr).toContain('--pane self');
  });
});
