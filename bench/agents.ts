/**
 * `npm run bench -- agents [--samples N] [--idle-seconds S] [--tool-calls N]`
 *
 * External agents, on a real host on a private tmux server:
 * 1. Status latency: an agent's hook firing (the HTTP POST Claude Code's `http` hooks make) to
 *    the new status visible in `agent.list` (the IPC call `picode agent list` makes) and in the
 *    tmux status line (`@picode-waiting`). Goal: median under 50 ms.
 * 2. Cost of the wiring per blocking tool call: Claude Code (`claude -p`, the real CLI from the
 *    test-tools cache) running N Bash tool calls against a loopback fake Anthropic server, with
 *    picode's hooks (every PreToolUse passes the host's agent.tool.before gate) and without any
 *    hooks, same server, same run, alternated; (with - without) / N. Also the bare round trip
 *    of one PreToolUse through the gate. Goal: median under 20 ms added per call.
 * 3. Idle cost: the host's CPU time over a quiet interval with no external agents, then with 4
 *    idle ones. Goal: under 1% of a core added.
 *
 * `--parts latency,toolcall,idle` runs only some parts; `--host-cpu-prof DIR` profiles the host.
 * Prints one JSON document on stdout; progress on stderr.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectHost, type HostClient } from '../host/ipc/client.js';
import { hookRelay, wiringFor } from '../host/agents/external/wiring.js';
import { ControlClient } from '../host/mux/tmux/control/client.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const samples = option('samples', 40);
const idleSeconds = option('idle-seconds', 20);
const toolCalls = option('tool-calls', 5);
// `--parts latency,toolcall,idle` (default all): run only some parts.
const parts = new Set((args.includes('--parts') ? args[args.indexOf('--parts') + 1]! : 'latency,toolcall,idle').split(','));
const progress = (line: string): void => { process.stderr.write(`${line}\n`); };
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'picode.js');
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
function stats(values: number[]): { median: number; p95: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: round(at(0.5)), p95: round(at(0.95)), n: sorted.length };
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- a private world ------------------------------------------------------------------------
const home = mkdtempSync(join(tmpdir(), 'picode-bench-agents-'));
const socket = `picode-bench-${process.pid}`;
const session = 'bench';
const fakeBin = join(home, 'bin');
mkdirSync(fakeBin);
// A stand-in `claude` for the latency and idle parts: it ignores picode's arguments and waits.
writeFileSync(join(fakeBin, 'claude'), '#!/bin/sh\nexec sleep 100000\n');
chmodSync(join(fakeBin, 'claude'), 0o755);
const env: NodeJS.ProcessEnv = {
  ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
};
for (const k of ['TMUX', 'TMUX_PANE', 'PICODE_SESSION']) delete env[k];
const tmux = (...a: string[]): string => execFileSync('tmux', ['-L', socket, ...a], { env, encoding: 'utf8' });

let host: ChildProcess | undefined;
let client: HostClient | undefined;
let fake: Server | undefined;

async function main(): Promise<Record<string, unknown>> {
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', home);
  const hostLog = openSync(join(tmpdir(), `picode-bench-agents-host-${process.pid}.log`), 'w', 0o600);
  // `--host-cpu-prof DIR`: the host writes a V8 CPU profile there when it stops (where its time goes).
  const profile = args.includes('--host-cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', resolve(args[args.indexOf('--host-cpu-prof') + 1]!)] : [];
  host = spawn(process.execPath, [...profile, bin, 'host', '--session', session, '--tmux-socket', socket], { cwd: home, env, stdio: ['ignore', 'ignore', hostLog] });
  const deadline = Date.now() + 60_000;
  while (!client) {
    try { client = await connectHost(session, socket, { env }); await client.call('agent.list'); } catch { client = undefined; if (Date.now() > deadline) throw new Error('host did not start'); await sleep(100); }
  }
  progress('host up');
  const { run } = await client.call<{ run: { id: number; pane: string } }>('agent.start', { with: 'claude', task: '', cwd: home });
  const pid = tmux('display-message', '-p', '-t', run.pane, '#{pane_pid}').trim();
  const paneEnv = Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const hookUrl = paneEnv.PICODE_HOOK_URL!;
  const token = paneEnv.PICODE_HOOK_TOKEN!;
  const post = async (payload: Record<string, unknown>): Promise<unknown> => {
    const r = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-picode-token': token }, body: JSON.stringify(payload) });
    return r.json();
  };
  const statusOf = async (): Promise<string> => (await client!.call<Array<{ id: number; status: string }>>('agent.list')).find((r) => r.id === run.id)!.status;

  // 1. Status latency --------------------------------------------------------------------------
  const toList: number[] = [];
  const toStatusLine: number[] = [];
  const hookAnswered: number[] = [];
  const listCall: number[] = [];
  const statusLinePoll: number[] = [];
  // The status line is read the way a tmux client sees it, over a control client of the bench's
  // own: a `tmux show-options` process per look costs more than what is measured.
  const viewer = new ControlClient({ session, socket, env }, { output: () => {}, notification: () => {}, exit: () => {} });
  viewer.start();
  await viewer.attached;
  for (let i = 0; i < samples; i++) {
    const want = i % 2 === 0 ? 'working' : 'waiting_input';
    const payload = want === 'working'
      ? { hook_event_name: 'UserPromptSubmit', session_id: 'bench', prompt: `p${i}` }
      : { hook_event_name: 'Stop', session_id: 'bench', last_assistant_message: `a${i}` };
    const t0 = performance.now();
    const posted = post(payload).then(() => { hookAnswered.push(performance.now() - t0); });
    for (;;) {
      const l0 = performance.now();
      const status = await statusOf();
      listCall.push(performance.now() - l0);
      if (status === want) break;
    }
    toList.push(performance.now() - t0);
    await posted;
    if (want === 'waiting_input') {
      for (;;) {
        const p0 = performance.now();
        const line = (await viewer.command(`show-options -v -t ${session}: @picode-waiting`)).join('\n');
        statusLinePoll.push(performance.now() - p0);
        if (line.includes('1 agent waiting')) break;
      }
      toStatusLine.push(performance.now() - t0);
    }
  }
  await viewer.close();
  progress(`status latency: ${JSON.stringify(stats(toList))}`);

  // 2. Blocking tool call cost ----------------------------------------------------------------
  const gate: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await post({ hook_event_name: 'PreToolUse', session_id: 'bench', tool_name: 'Bash', tool_input: { command: `echo ${i}` }, tool_use_id: `t${i}` });
    gate.push(performance.now() - t0);
  }
  // The relay a program-hook agent (Codex) runs per hook call: curl against picode's Node script.
  const relayCost = async (curl: string | null | undefined): Promise<ReturnType<typeof stats> | string> => {
    const relay = hookRelay(curl, 30);
    if (curl === undefined && relay.notifyArgv[0] !== '/bin/sh') return 'no curl on PATH';
    const times: number[] = [];
    const input = JSON.stringify({ hook_event_name: 'PreToolUse', session_id: 'bench', tool_name: 'Bash', tool_input: { command: 'true' }, tool_use_id: 'relay' });
    for (let i = 0; i < Math.min(samples, 20); i++) {
      const t0 = performance.now();
      await new Promise<void>((done) => {
        const child = spawn('/bin/sh', ['-c', relay.hookLine], { env: { ...env, PICODE_HOOK_URL: hookUrl, PICODE_HOOK_TOKEN: token }, stdio: ['pipe', 'ignore', 'ignore'] });
        child.on('close', () => done());
        child.stdin!.end(input);
      });
      times.push(performance.now() - t0);
    }
    return stats(times);
  };
  const relays = { curl: await relayCost(undefined), nodeScript: await relayCost(null) };
  progress(`relay per hook call: ${JSON.stringify(relays)}`);
  const claudeCost = parts.has('toolcall') ? await claudeToolCallCost(hookUrl, token) : { skipped: 'not in --parts' };

  // 3. Idle cost --------------------------------------------------------------------------------
  await client.call('agent.stop', { run: run.id, kill: true });
  const hostPid = host.pid!;
  const cpu = (): number => { const f = readFileSync(`/proc/${hostPid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
  const measure = async (): Promise<number> => { const c0 = cpu(); const t0 = performance.now(); await sleep(idleSeconds * 1000); return ((cpu() - c0) / ((performance.now() - t0) / 1000)) * 100; };
  let baseline = 0;
  let withAgents = 0;
  if (parts.has('idle')) {
    // The host's start-up work (plugin workers loading) must be over before the baseline.
    const settleDeadline = Date.now() + 60_000;
    for (let last = Infinity; Date.now() < settleDeadline;) {
      const c0 = cpu();
      await sleep(2000);
      const now = (cpu() - c0) / 2 * 100;
      if (Math.abs(now - last) < 1 && now < 5) break;
      last = now;
    }
    baseline = await measure();
    for (let i = 0; i < 4; i++) await client.call('agent.start', { with: 'sleep 100000', task: '', cwd: home });
    await sleep(5000); // past their inferred idle switch
    withAgents = await measure();
  }
  progress(`idle: ${round(baseline, 3)}% -> ${round(withAgents, 3)}% of a core`);

  return {
    machine: { cores: (await import('node:os')).cpus().length, loadavg: loadavg().map((l) => round(l)) },
    statusLatencyMs: {
      hookToAgentList: stats(toList), hookToStatusLine: stats(toStatusLine), goalMedian: 50,
      // The parts: the hook call answered by the host (the status is set before the answer), one
      // `agent.list` call, one look at the status line (a `tmux show-options` process, this bench's own cost).
      breakdown: { hookAnswered: stats(hookAnswered), agentListCall: stats(listCall), statusLinePoll: stats(statusLinePoll) },
    },
    blockingToolCall: { preToolUseRoundTripMs: stats(gate), relayRoundTripMs: relays, claudeCode: claudeCost, goalMedianAddedMs: 20 },
    idle: { seconds: idleSeconds, hostCpuPercentNoAgents: round(baseline, 3), hostCpuPercentFourIdleAgents: round(withAgents, 3), addedPercentOfACore: round(withAgents - baseline, 3), goal: 1 },
  };
}

/** A loopback Anthropic Messages server scripted for `toolCalls` Bash calls, then a final answer, per run. */
async function startFakeAnthropic(): Promise<{ url: string; reset(): void }> {
  let turn = 0;
  const ev = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  fake = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += String(c); });
    req.on('end', () => {
      if ((req.url ?? '').includes('count_tokens')) { res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens":10}'); return; }
      const b = JSON.parse(body || '{}') as { stream?: boolean; tools?: unknown[]; model?: string };
      const side = b.stream !== true || !b.tools?.length;
      if (!side) turn++;
      const tool = !side && turn <= toolCalls;
      if (b.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'm', type: 'message', role: 'assistant', model: b.model, content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(ev('message_start', { message: { id: 'm', type: 'message', role: 'assistant', model: b.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } }));
      if (tool) {
        res.write(ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${turn}`, name: 'Bash', input: {} } }));
        res.write(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify({ command: `true ${turn}`, description: 'noop' }) } }));
      } else {
        res.write(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
        res.write(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'done' } }));
      }
      res.write(ev('content_block_stop', { index: 0 }));
      res.write(ev('message_delta', { delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } }));
      res.end(ev('message_stop', {}));
    });
  });
  await new Promise<void>((r) => fake!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, reset: () => { turn = 0; } };
}

async function claudeToolCallCost(hookUrl: string, token: string): Promise<Record<string, unknown>> {
  const claude = join(env.PICODE_TEST_TOOLS ?? join(homedir(), '.cache', 'picode-test-tools'), 'claude-code-2.1.328', 'node_modules', '.bin', 'claude');
  if (!existsSync(claude)) return { skipped: `no Claude Code at ${claude} (the external-agent tests install it)` };
  const server = await startFakeAnthropic();
  const claudeHome = join(home, 'claude-home');
  mkdirSync(claudeHome, { recursive: true });
  const key = 'sk-ant-bench-0123456789abcdefghij';
  writeFileSync(join(claudeHome, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] }, projects: { [home]: { hasTrustDialogAccepted: true } } }));
  const settings = wiringFor({ kind: 'claude', hookUrl, token, blockingTimeoutSeconds: 60 }).args[1]!;
  // The stand-in `claude` stays off this PATH: Claude Code runs `claude` itself for some of its work.
  const claudeEnv = { ...env, PATH: process.env.PATH, HOME: claudeHome, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', PICODE_HOOK_TOKEN: token };
  // Not spawnSync: the fake server answering Claude Code runs in this process's event loop.
  const once = (withHooks: boolean): Promise<number> => new Promise((done, fail) => {
    server.reset();
    const t0 = performance.now();
    const child = spawn(claude, ['-p', 'run the commands', '--model', 'claude-sonnet-4-5', '--allowedTools', 'Bash', ...(withHooks ? ['--settings', settings] : [])], { cwd: home, env: claudeEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdout!.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done(performance.now() - t0);
      else fail(new Error(`claude -p failed (exit ${code}): ${stderr.slice(-500)}`));
    });
  });
  const rounds = Math.max(3, Math.round(samples / 8));
  const withHooks: number[] = [];
  const without: number[] = [];
  await once(false); // warm the binary's page cache
  for (let i = 0; i < rounds; i++) {
    without.push(await once(false));
    withHooks.push(await once(true));
    progress(`claude -p round ${i + 1}/${rounds}: ${round(without.at(-1)!)} ms without hooks, ${round(withHooks.at(-1)!)} ms with`);
  }
  const added = withHooks.map((w, i) => (w - without[i]!) / toolCalls);
  return { toolCallsPerRun: toolCalls, rounds, runMsWithout: stats(without), runMsWith: stats(withHooks), addedMsPerToolCall: stats(added) };
}

try {
  const result = await main();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  client?.close();
  spawnSync('tmux', ['-L', socket, 'kill-server'], { env, stdio: 'ignore' });
  if (host && host.exitCode === null) host.kill('SIGTERM');
  fake?.close();
  await sleep(500);
  rmSync(home, { recursive: true, force: true });
}
