/**
 * `npm run bench -- panes [--tries N] [--idle-seconds N] [--calls N]`: the pane views and
 * the agent loop.
 *
 * 1. Event to screen: a host with the agents extension on a private tmux server, the plan
 *    view in a pane. Each try toggles a step's approval over IPC (`plan.step`), which the
 *    host persists and streams to the view; the bench times (a) the first bytes the view
 *    writes to its pane (tmux control mode %output) and (b) the change visible in
 *    `capture-pane` (polled over a control-mode connection, ~0.3 ms a poll). Peer, in the
 *    same run: the floor of tmux itself, text typed into a `cat` pane until capture-pane
 *    shows it, polled the same way.
 * 2. Idle CPU: the view's process CPU time (/proc) over N seconds with nothing happening.
 * 3. Agent loop overhead per tool call: N tool calls with a model that answers at once from
 *    memory and a tool that does nothing, so every millisecond measured is picode's: the loop
 *    alone, then the whole host path (job, SQLite transcript, watchers) in the same run.
 *
 * One JSON document on stdout; progress on stderr.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHost } from '../host/ipc/client.js';
import { ControlClient } from '../host/mux/tmux/control/client.js';
import { packageRoot } from '../host/core/paths.js';
import { openStore } from '../host/store/db.js';
import { PlanStore } from '../host/agents/planStore.js';
import { AgentRunStore } from '../host/agents/runStore.js';
import { AgentService } from '../host/agents/agentService.js';
import { JobOrchestrator } from '../host/jobs/orchestrator.js';
import { runAgent } from '../src/agents/loop.js';
import { AgentInbox } from '../src/agents/inbox.js';
import { RunApprovals } from '../src/agents/policy.js';
import type { AgentTool } from '../src/agents/types.js';
import type { LlmService, StreamPart } from '../src/providers/types.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const tries = option('tries', 100);
const idleSeconds = option('idle-seconds', 20);
const calls = option('calls', 2000);
const progress = (message: string): void => { process.stderr.write(`[bench panes] ${message}\n`); };

const home = mkdtempSync(join(tmpdir(), 'picode-bench-panes-'));
const env: NodeJS.ProcessEnv = { ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config') };
for (const k of ['TMUX', 'TMUX_PANE', 'PICODE_SESSION', 'PICODE_HOST_NO_EXTENSIONS']) delete env[k];
const socket = `picode-bench-${randomBytes(4).toString('hex')}`;
const session = 'bench';
const cleanups: Array<() => void> = [];
const tmux = (...argv: string[]): string => execFileSync('tmux', ['-L', socket, ...argv], { env, encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(samples: number[]): { n: number; median: number; p99: number; mean: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, median: round(at(0.5)), p99: round(at(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)), max: round(s.at(-1) ?? NaN) };
}

async function eventToScreen(): Promise<Record<string, unknown>> {
  // A plan with two steps in the store before the host starts.
  const store = openStore(join(env.PICODE_HOME!, 'picode.db'));
  const plans = new PlanStore(store.db);
  const plan = plans.create({ session, task: 'bench task' });
  plans.fill(plan.id, { summary: 's', steps: [{ title: 'first step', detail: '', files: [], commands: [], acceptance: '' }, { title: 'second step', detail: '', files: [], commands: [], acceptance: '' }] }, 'bench:model');
  const stepId = plans.get(plan.id)!.steps[0]!.id;
  store.close();

  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', 'cat');
  cleanups.push(() => { try { tmux('kill-server'); } catch { /* gone */ } });
  const catPane = tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_id}').trim();
  const host: ChildProcess = spawn(process.execPath, [join(packageRoot(), 'bin', 'picode.js'), 'host', '--session', session, '--tmux-socket', socket], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  cleanups.push(() => { if (host.exitCode === null) host.kill('SIGKILL'); });
  let client;
  for (let i = 0; ; i++) {
    try { client = await connectHost(session, socket, { env }); break; } catch (error) { if (i > 200) throw error; await sleep(50); }
  }
  const viewCommand = `exec ${process.execPath} ${join(packageRoot(), 'bin', 'picode.js')} pane plan --session ${session}`;
  const viewPane = tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', session, viewCommand).trim();

  let outputAt = 0;
  let watching = false;
  const control = new ControlClient({ session, socket, env }, {
    output: (pane) => { if (watching && pane === viewPane && !outputAt) outputAt = performance.now(); },
    notification() {}, exit() {},
  });
  control.start();
  await control.attached;
  const screen = async (pane: string) => (await control.command(`capture-pane -p -t ${pane}`)).join('\n');
  for (let i = 0; i < 1200 && !(await screen(viewPane)).includes('second step'); i++) await sleep(50);
  if (!(await screen(viewPane)).includes('second step')) throw new Error(`the plan view did not come up:\n${await screen(viewPane)}`);

  const toOutput: number[] = [];
  const toScreen: number[] = [];
  const callMs: number[] = [];
  const floor: number[] = [];
  let approved = false;
  for (let i = 0; i < tries + 5; i++) {
    approved = !approved;
    const want = approved ? /1\. · ✔ first step/ : /1\. · {3}first step/;
    outputAt = 0;
    watching = true;
    const t0 = performance.now();
    await client.call('plan.step', { step: stepId, action: approved ? 'approve' : 'unapprove' });
    const calledAt = performance.now();
    let seenAt = 0;
    for (let polls = 0; polls < 20_000; polls++) {
      if (want.test(await screen(viewPane))) { seenAt = performance.now(); break; }
    }
    watching = false;
    if (!seenAt) throw new Error('the change never showed');
    if (i >= 5) { toScreen.push(seenAt - t0); callMs.push(calledAt - t0); if (outputAt) toOutput.push(outputAt - t0); }

    // The peer: tmux's own floor for a change to be visible in a pane.
    const token = `k${i}x${randomBytes(2).toString('hex')}`;
    const p0 = performance.now();
    await control.command(`send-keys -t ${catPane} -l ${token}`);
    for (let polls = 0; polls < 20_000; polls++) if ((await screen(catPane)).includes(token)) break;
    if (i >= 5) floor.push(performance.now() - p0);
    await control.command(`send-keys -t ${catPane} Enter`);
    if (i % 20 === 0) progress(`event to screen ${i}/${tries + 5}`);
  }

  // Idle CPU of the view process (the pane's process: the command was exec'd).
  const pid = Number(tmux('display-message', '-p', '-t', viewPane, '#{pane_pid}').trim());
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  };
  await sleep(1000);
  progress(`idle CPU of the view (pid ${pid}) over ${idleSeconds}s`);
  const c0 = ticks();
  const w0 = performance.now();
  await sleep(idleSeconds * 1000);
  const cpuSeconds = (ticks() - c0) / 100;
  const idleCpuPercent = (cpuSeconds / ((performance.now() - w0) / 1000)) * 100;
  const threads = readdirSync(`/proc/${pid}/task`).length;

  client.close();
  await control.close();
  return {
    hostCallMs: stats(callMs),
    eventToOutputMs: stats(toOutput),
    eventToScreenMs: stats(toScreen),
    peerTmuxFloorMs: stats(floor),
    idleView: { seconds: idleSeconds, cpuSeconds, cpuPercentOfOneCore: Math.round(idleCpuPercent * 1000) / 1000, threads },
  };
}

/** A model that answers from memory at once: N tool calls, then a final answer. */
function instantModel(n: number): Pick<LlmService, 'stream'> {
  let served = 0;
  return {
    async *stream(): AsyncGenerator<StreamPart> {
      served++;
      yield { type: 'attempt', model: 'bench:instant', attempt: 1 };
      if (served <= n) yield { type: 'tool-call', id: `c${served}`, name: 'noop', args: { i: served }, argsText: '{}' };
      else yield { type: 'text-delta', text: 'done' };
      yield { type: 'usage', usage: { input: 10, cachedInput: 0, cacheWrite: 0, output: 1, reasoning: 0 } };
      yield { type: 'finish', reason: served <= n ? 'tool-calls' : 'stop', model: 'bench:instant' };
    },
  };
}

const noop: AgentTool = { name: 'noop', description: 'does nothing', parameters: { type: 'object', properties: {} }, execute: async () => ({ content: 'ok' }) };
const limits = { maxTurns: 1_000_000, maxTokens: 1e12, maxCostUsd: 0 };

async function loopOverhead(): Promise<Record<string, unknown>> {
  // A model with zero tool calls, to subtract the per-turn cost of the model stub itself.
  const measure = async (n: number) => {
    const t0 = performance.now();
    const result = await runAgent({
      llm: instantModel(n), system: 's', messages: [{ role: 'user', content: 'go' }], tools: [noop],
      approvals: new RunApprovals({ default: 'allow', tools: {} }), limits, signal: new AbortController().signal,
      askPerson: async () => 'yes', inbox: new AgentInbox(), interactive: false, onEvent: () => {},
    });
    if (result.status !== 'done') throw new Error(`loop ended ${result.status}: ${result.reason}`);
    return performance.now() - t0;
  };
  await measure(200); // warm up
  const loopMs = await measure(calls);

  // The host path: a job, the SQLite transcript (every message, approval and status), watchers.
  const store = openStore(join(home, 'overhead.db'));
  const jobs = new JobOrchestrator(store, 'bench');
  let notifications = 0;
  const service = new AgentService({
    session: 'bench', runs: new AgentRunStore(store.db), jobs, llm: async () => instantModel(calls),
    policy: { default: 'allow', tools: {} }, limits, defaultModel: 'bench:instant',
    environment: (_run, root) => ({ root, workPane: undefined, origin: 'bench', run: async () => ({ exitCode: 0, output: '', durationMs: 0, interrupted: false }) }),
    tools: async () => [noop],
  });
  service.watch(() => { notifications++; });
  const t0 = performance.now();
  const { job } = service.start({ task: 'go', cwd: home });
  const final = await jobs.wait(job.id);
  const hostMs = performance.now() - t0;
  if (final.status !== 'done') throw new Error(`host path ended ${final.status}: ${final.error}`);
  const entries = store.db.prepare('SELECT COUNT(*) AS n FROM agent_messages').get() as { n: number };
  store.close();
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    toolCalls: calls,
    loopOnlyMsPerToolCall: round(loopMs / calls),
    hostPathMsPerToolCall: round(hostMs / calls),
    transcriptEntries: entries.n,
    notifications,
  };
}

try {
  progress('agent loop overhead');
  const overhead = await loopOverhead();
  progress('event to screen');
  const panes = await eventToScreen();
  process.stdout.write(`${JSON.stringify({ bench: 'panes', tries, ...panes, agentLoop: overhead, goals: { eventToScreenMs: 50, idleCpuPercent: 1, overheadMsPerToolCall: 5 } }, null, 2)}\n`);
} finally {
  for (const c of cleanups.reverse()) c();
  rmSync(home, { recursive: true, force: true });
}
process.exit(0);
