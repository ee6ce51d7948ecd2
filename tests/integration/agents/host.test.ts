import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../fixtures/fake-llm/index.js';
import { capturePane, createAgentsWorld, openPaneView, paneShows, samplePlan, until, type AgentsWorld, noRmRfHookConfig } from './helpers.js';

/**
 * The agents extension inside a real host on a private tmux server, with the pane views
 * running in real tmux panes and read back with capture-pane.
 */
let world: AgentsWorld;
const session = 'agents';
let host: ReturnType<AgentsWorld['startHost']>;
let shellPane: string;

beforeAll(async () => {
  world = await createAgentsWorld();
  world.tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', world.project);
  shellPane = world.tmux('display-message', '-p', '-t', session, '#{pane_id}').trim();
  // A project hook on agent.tool.before (Claude Code's PreToolUse contract): no rm -rf.
  writeFileSync(join(world.project, 'picode.config.yaml'), noRmRfHookConfig);
  host = world.startHost(session);
  await until('the host', async () => ((await world.cli(['jobs', 'list', '--session', session])).stdout.includes('no jobs') ? true : undefined));
});
afterAll(async () => { await world.dispose(); });

const openView = (kind: string, extra: string[] = []): string => openPaneView(world, session, kind, extra);
const capture = (pane: string): string => capturePane(world, pane);
const screenShows = (pane: string, text: string | RegExp, timeoutMs?: number): Promise<string> => paneShows(world, pane, text, () => host.stderr(), timeoutMs);

describe('plans, agents and jobs in the host, shown in pane views', () => {
  let jobsPane: string;
  let planPane: string;
  let agentPane: string;

  it('opens the views, which show an empty session with their help lines', async () => {
    jobsPane = openView('jobs');
    planPane = openView('plan');
    agentPane = openView('agent');
    const jobs = await screenShows(jobsPane, 'No jobs yet');
    expect(jobs).toContain(`picode jobs · ${session} · 0 jobs, 0 running`);
    expect(jobs).toMatch(/c cancel · r retry · R resume · q quit/);
    expect(await screenShows(planPane, 'No plan yet.')).toContain('n new plan');
    expect(await screenShows(agentPane, 'No agent runs yet.')).toContain('q quit');
  });

  it('generates a plan as a job; the plan and jobs panes update without polling', async () => {
    world.llm.enqueue(reply.text(JSON.stringify(samplePlan)));
    const result = await world.cli(['plan', 'make the test pass', '--session', session, '--wait', '--json'], { timeoutMs: 60_000 });
    expect(result.stderr).not.toContain('internal error');
    const plan = JSON.parse(result.stdout) as { id: number; status: string };
    expect(plan.status).toBe('ready');
    const screen = await screenShows(planPane, 'Fix add()');
    expect(screen).toMatch(/1\. · {3}Run the failing test +pending/);
    expect(screen).toContain('$ node test.mjs');
    expect(screen).toContain('done when: the failure shows add(2, 3) = -1');
    expect(await screenShows(jobsPane, /#1 +✓ done +plan/)).toMatch(/save 3\/3/);
  });

  it('acts on steps from the plan pane with keys', async () => {
    world.tmux('send-keys', '-t', planPane, 'j');
    world.tmux('send-keys', '-t', planPane, 'a');
    await screenShows(planPane, /2\. · ✔ Fix add\(\)/);
    world.tmux('send-keys', '-t', planPane, 'k');
    world.tmux('send-keys', '-t', planPane, 's');
    await screenShows(planPane, /1\. ⤼ {3}Run the failing test +skipped/);
    const shown = JSON.parse((await world.cli(['plan', 'show', '--session', session, '--json'])).stdout) as { steps: Array<{ status: string; approved: boolean }> };
    expect(shown.steps.map((s) => [s.status, s.approved])).toEqual([['skipped', false], ['pending', true]]);
  });

  it('runs an agent in the shell pane, asking approvals in the agent pane', async () => {
    world.llm.enqueue(
      reply.toolCalls([{ id: 'c1', name: 'run_command', args: { command: 'node test.mjs' } }], { usage: { input: 100, output: 10 } }),
      reply.toolCalls([{ id: 'c2', name: 'read_file', args: { path: 'add.js' } }], { usage: { input: 100, output: 10 } }),
      reply.toolCalls([{ id: 'c3', name: 'edit_file', args: { path: 'add.js', old_text: 'a - b', new_text: 'a + b' } }]),
      reply.toolCalls([{ id: 'c4', name: 'run_command', args: { command: 'node test.mjs' } }]),
      reply.text('Fixed add(); the test passes.'),
    );
    const started = await world.cli(['agent', 'make the test pass', '--session', session, '--pane', shellPane, '--json']);
    expect(started.stderr).not.toContain('internal error');
    const run = JSON.parse(started.stdout) as { id: number };

    // The agent pane follows the new run and asks about run_command.
    let screen = await screenShows(agentPane, 'Allow run_command {"command":"node test.mjs"}?');
    expect(screen).toMatch(new RegExp(`agent #${run.id} · waiting approval`));
    expect(screen).toContain('y allow · n deny · a always allow run_command');
    // The tmux pane title carries the status (shown by status lines and pane borders).
    await until('the pane title', () => (world.tmux('display-message', '-p', '-t', agentPane, '#{pane_title}').includes('waiting approval') ? true : undefined));
    // The bell flags the agent's window (it is not the one in view).
    await until('the bell on the agent window', () => (world.tmux('display-message', '-p', '-t', agentPane, '#{window_bell_flag}').trim() === '1' ? true : undefined));
    // The session's status line shows it too.
    await until('the status line', () => (world.tmux('show-options', '-v', '-t', session, '@picode-agents').includes(`#${run.id} waiting approval`) ? true : undefined));
    expect(world.tmux('show-options', '-v', '-t', session, 'status-right')).toMatch(/^#\{@picode-agents\}/);
    world.tmux('send-keys', '-t', agentPane, 'a');
    // The command ran in the shell pane, visible there.
    await until('the failing test in the shell pane', () => (capture(shellPane).includes('FAIL: add(2, 3) = -1') ? true : undefined));
    screen = await screenShows(agentPane, 'Allow edit_file');
    expect(screen).toContain('exit code 1');
    world.tmux('send-keys', '-t', agentPane, 'y');
    screen = await screenShows(agentPane, /Fixed add\(\); the test passes\.\n— done/);
    expect(screen).toContain('+export const add = (a, b) => a + b;');
    expect(readFileSync(join(world.project, 'add.js'), 'utf8')).toContain('a + b');
    await until('the pass in the shell pane', () => (capture(shellPane).includes('PASS') ? true : undefined));
    const detail = JSON.parse((await world.cli(['agent', 'list', '--session', session, '--json'])).stdout) as Array<{ id: number; status: string }>;
    expect(detail.find((r) => r.id === run.id)?.status).toBe('done');
    // The transcript records who allowed what.
    const log = (await world.cli(['agent', 'log', String(run.id), '--session', session, '--jsonl'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; by?: string; call?: { name: string } });
    expect(log.filter((e) => e.kind === 'approval').map((e) => [e.call?.name, e.by])).toEqual([['run_command', 'person'], ['edit_file', 'person']]);
  });

  it('passes every tool call through the agent.tool.before hooks, which can deny it', async () => {
    writeFileSync(join(world.project, 'keep.txt'), 'precious');
    world.llm.enqueue(
      reply.toolCalls([{ id: 'r1', name: 'run_command', args: { command: 'rm -rf keep.txt' } }]),
      reply.text('The hook refused; nothing deleted.'),
    );
    const run = JSON.parse((await world.cli(['agent', 'clean up', '--session', session, '--pane', shellPane, '--json'])).stdout) as { id: number };
    await screenShows(agentPane, 'The hook refused; nothing deleted.');
    expect(existsSync(join(world.project, 'keep.txt'))).toBe(true);
    const log = (await world.cli(['agent', 'log', String(run.id), '--session', session, '--jsonl'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; by?: string; decision?: string; reason?: string; content?: string });
    expect(log.find((e) => e.kind === 'approval')).toMatchObject({ decision: 'deny', by: 'gate', reason: expect.stringContaining('no rm -rf from agents') });
    expect(log.find((e) => e.kind === 'tool_result')?.content).toContain('Denied by a hook');
    // The blocking event is on the bus like any other.
    const events = await world.cli(['events', '--session', session, '--type', 'agent.tool.before', '--json']);
    expect(events.stdout).toContain('rm -rf keep.txt');
  });

  it('marks jobs interrupted when the host dies, and resumes them from the transcript', async () => {
    world.llm.enqueue(reply.hang());
    const asked = world.llm.requests.length;
    const started = JSON.parse((await world.cli(['agent', 'think for a long time', '--session', session, '--json'])).stdout) as { id: number; jobId: number };
    await screenShows(jobsPane, new RegExp(`#${started.jobId} +▶ running +agent`));
    // Killed mid-call: once the model has the request (a job runs before its first request
    // leaves, e.g. while the host still loads the gating plugins).
    await until('the run\'s first model request', () => (world.llm.requests.length > asked ? true : undefined));
    host.child.kill('SIGKILL');
    await host.exited;
    // The views stay up and say so.
    await screenShows(jobsPane, 'host unavailable, reconnecting');
    host = world.startHost(session);
    // Reconnected: the job is shown interrupted.
    await screenShows(jobsPane, new RegExp(`#${started.jobId} +⏸ interrupted +agent`), 30_000);
    const runs = JSON.parse((await world.cli(['agent', 'list', '--session', session, '--json'])).stdout) as Array<{ id: number; status: string }>;
    expect(runs.find((r) => r.id === started.id)?.status).toBe('interrupted');

    world.llm.enqueue(reply.text('Thought it through.'));
    const resumed = await world.cli(['jobs', 'resume', String(started.jobId), '--session', session, '--json']);
    expect(resumed.stderr).not.toContain('internal error');
    expect(resumed.code).toBe(0);
    // Generous: the restarted host loads the shipped plugins again (a fresh PICODE_HOME transpiles
    // them) while the resumed run starts; on a loaded CI machine that takes tens of seconds.
    await screenShows(jobsPane, new RegExp(`#${started.jobId} +✓ done +agent`), 90_000);
    const after = JSON.parse((await world.cli(['agent', 'list', '--session', session, '--json'])).stdout) as Array<{ id: number; status: string }>;
    expect(after.find((r) => r.id === started.id)?.status).toBe('done');
    // The resumed run continued the same conversation (the task was not asked again).
    const last = world.llm.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['think for a long time']);
  }, 180_000);

  it('stops a running agent from its pane', async () => {
    world.llm.enqueue(reply.hang());
    const started = JSON.parse((await world.cli(['agent', 'wait forever', '--session', session, '--json'])).stdout) as { id: number; jobId: number };
    await screenShows(agentPane, `agent #${started.id} · working`);
    world.tmux('send-keys', '-t', agentPane, 's');
    await screenShows(agentPane, /— stopped/);
    await screenShows(jobsPane, new RegExp(`#${started.jobId} +⊘ cancelled +agent`));
  });

  it('shows several agents side by side, one per agent pane, and all of them in the status line', async () => {
    const secondPane = openView('agent');
    await screenShows(secondPane, /picode agent|agent #/);
    world.llm.enqueue(reply.hang(), reply.hang());
    const a = JSON.parse((await world.cli(['agent', 'first long task', '--session', session, '--json'])).stdout) as { id: number };
    const b = JSON.parse((await world.cli(['agent', 'second long task', '--session', session, '--json'])).stdout) as { id: number };
    const shows = async (pane: string) => (await screenShows(pane, /agent #\d+ · working/)).match(/agent #(\d+) · working/)![1];
    await until('each run in its own pane', async () => {
      const shown = new Set([await shows(agentPane), await shows(secondPane)]);
      return shown.has(String(a.id)) && shown.has(String(b.id)) ? true : undefined;
    });
    await until('both in the status line', () => (world.tmux('show-options', '-v', '-t', session, '@picode-agents').includes(`#${a.id} working, #${b.id} working`) ? true : undefined));
    for (const run of [a, b]) expect((await world.cli(['agent', 'stop', String(run.id), '--session', session])).stdout).toContain('stopped');
  });

  it('hands a plan step to an agent; the step is done only when its acceptance check passes', async () => {
    // The agent only answers in text: add.js (broken again here; an earlier test fixed it)
    // still subtracts, so `node test.mjs` fails.
    writeFileSync(join(world.project, 'add.js'), 'export const add = (a, b) => a - b;\n');
    world.llm.enqueue(reply.text('Step 2 was already done by the earlier run.'));
    world.tmux('send-keys', '-t', planPane, 'j');
    world.tmux('send-keys', '-t', planPane, 'x');
    const screen = await screenShows(planPane, /2\. ✗ ✔ Fix add\(\) +failed +agent:\d+/);
    expect(screen).toContain('check: the check `node test.mjs` failed (exit 1)');
    expect(screen).toContain('│ FAIL: add(2, 3) = -1');
    expect(screen).not.toContain('error:');
    const runs = JSON.parse((await world.cli(['agent', 'list', '--session', session, '--json'])).stdout) as Array<{ task: string; planStepId: number; status: string }>;
    expect(runs[0]!.task).toMatch(/^Carry out step 2 of the plan for: make the test pass\nStep: Fix add\(\)/);
    expect(runs[0]!.status).toBe('done');
    const shown = JSON.parse((await world.cli(['plan', 'show', '--session', session, '--json'])).stdout) as { steps: Array<{ status: string; check?: { exitCode: number; command: string; verdict: string } }> };
    expect(shown.steps[1]).toMatchObject({ status: 'failed', check: { command: 'node test.mjs', exitCode: 1, verdict: 'failed' } });

    // Fixed for real, handed again: now the check passes and the step is done.
    writeFileSync(join(world.project, 'add.js'), 'export const add = (a, b) => a + b;\n');
    world.llm.enqueue(reply.text('Fixed add().'));
    world.tmux('send-keys', '-t', planPane, 'x');
    const passed = await screenShows(planPane, /2\. ✓ ✔ Fix add\(\) +done +agent:\d+/);
    expect(passed).toContain('check: the check `node test.mjs` passed (exit 0)');
  });

  it('shows the host events in the log pane, filterable', async () => {
    const logPane = openView('log');
    await screenShows(logPane, /plan\.step\.updated/);
    world.tmux('send-keys', '-t', logPane, '/');
    await screenShows(logPane, /^ filter: *$/m);
    world.tmux('send-keys', '-t', logPane, 'job.fin', 'Enter');
    // The filter matches the type, the pane or the payload: job.finished events are listed,
    // events that never mention it (plan.step.updated) are not.
    await until('the filtered log', () => {
      const screen = capture(logPane);
      if (!screen.includes('filter "job.fin"')) return undefined;
      const lines = screen.split('\n').slice(1).filter((l) => /^\d\d:\d\d:\d\d /.test(l));
      return lines.some((l) => l.includes('job.finished')) && !lines.some((l) => l.includes('plan.step.updated')) ? true : undefined;
    });
  });

  it('redraws on resize', async () => {
    world.tmux('resize-window', '-t', `${session}:jobs`, '-x', '120', '-y', '30');
    const screen = await until('a narrower jobs view', () => {
      const text = capture(jobsPane);
      const widest = Math.max(...text.split('\n').map((l) => [...l.trimEnd()].length));
      return widest <= 120 && text.includes('picode jobs') && text.includes('q quit') ? text : undefined;
    });
    expect(screen).toContain('q quit');
  });
});
