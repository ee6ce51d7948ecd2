/**
 * `npm run bench -- mcp [--starts N] [--calls N]`: MCP both ways.
 *
 * 1. Start of `picode mcp serve` (stdio): from spawning `node bin/picode.js mcp serve
 *    --session S` to the answer to `initialize`, through the SDK's own client, against a real
 *    host on a private tmux server. Peers, interleaved in the same run (bench/mcpPeers.mjs):
 *    the smallest stdio server written with the SDK (`Server` + stdio transport: the SDK's own
 *    floor), and a Node process answering `initialize` by hand without the SDK (Node's floor).
 * 2. `read_pane` through `picode mcp serve` after start: N calls from the SDK client (the
 *    tool, the policy, the agent.tool.before gate, the record and a tmux capture). Peer: the
 *    same capture over picode's IPC directly (`panes.capture`), which is what MCP adds to.
 * 3. An MCP tool call from picode's agent loop: the `mcp__fixture__echo` agent tool (the
 *    manager, the bounded transport, the result rendering) against the SDK client calling the
 *    same tool of another instance of the same server directly; N calls each, interleaved.
 *
 * One JSON document on stdout; progress on stderr.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { connectHost } from '../host/ipc/client.js';
import { packageRoot } from '../host/core/paths.js';
import { McpClientManager } from '../host/mcp/client/manager.js';
import { mcpAgentTools } from '../host/mcp/client/agentTools.js';
import { configSchema } from '../host/config/schema.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const starts = option('starts', 20);
const calls = option('calls', 500);
const progress = (message: string): void => { process.stderr.write(`[bench mcp] ${message}\n`); };

const root = packageRoot();
const bin = join(root, 'bin', 'picode.js');
const fixture = join(root, 'tests', 'fixtures', 'mcp', 'server.mjs');
const peers = join(root, 'bench', 'mcpPeers.mjs');
const home = mkdtempSync(join(tmpdir(), 'picode-bench-mcp-'));
const env: NodeJS.ProcessEnv = { ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config') };
for (const k of ['TMUX', 'TMUX_PANE', 'PICODE_SESSION', 'PICODE_HOST_NO_EXTENSIONS']) delete env[k];
const socket = `picode-bench-${randomBytes(4).toString('hex')}`;
const session = 'bench';
const tmux = (...argv: string[]): string => execFileSync('tmux', ['-L', socket, ...argv], { env, encoding: 'utf8' });
let host: ChildProcess | undefined;

function stats(samples: number[]): { n: number; median: number; p90: number; p99: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, median: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), min: round(s[0] ?? NaN), max: round(s.at(-1) ?? NaN) };
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { const v = await check(); if (v !== undefined) return v; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Spawn to `initialize` answered, through the SDK client: the wall time, and the CPU time the
 * server process used by then (user + system, from /proc; 10 ms ticks), which the machine's
 * load does not inflate the way it inflates the wall time.
 */
async function timeStart(command: string, argv: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const client = new Client({ name: 'bench', version: '1' });
  const transport = new StdioClientTransport({ command, args: argv, env: env as Record<string, string>, cwd: home, stderr: 'ignore' });
  const started = performance.now();
  await client.connect(transport);
  const wallMs = performance.now() - started;
  const cpuMs = cpuTimeMs(transport.pid);
  await client.close();
  return { wallMs, cpuMs };
}

function cpuTimeMs(pid: number | null): number {
  if (pid === null) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function main(): Promise<Record<string, unknown>> {
  mkdirSync(join(home, 'config', 'picode'), { recursive: true });
  writeFileSync(join(home, 'config', 'picode', 'config.yaml'), 'plugins:\n  defaults:\n    eventDeadlineMs: 10000\n    gateDeadlineMs: 10000\n');
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', 'env PS1="$ " bash --norc --noprofile -i');
  const pane = tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_id}').trim();
  tmux('set-option', '-p', '-t', pane, '@picode_name', 'shell');
  for (let i = 0; i < 60; i++) tmux('send-keys', '-t', pane, `echo line ${i} of some test output`, 'Enter');
  host = spawn(process.execPath, [bin, 'host', '--session', session, '--tmux-socket', socket], { cwd: home, env, stdio: 'ignore' });
  progress('waiting for the host and its extensions');
  await until(async () => {
    const c = await connectHost(session, socket, { env });
    try { await c.call('mcp.tools.list'); return true; } finally { c.close(); }
  }, 120_000);

  // 1. Start, interleaved with the SDK's minimal server and Node's floor.
  const serveArgs = [bin, '--tmux-socket', socket, 'mcp', 'serve', '--session', session];
  const sdkArgs = [peers, 'sdk'];
  const sdkCjsArgs = [peers, 'sdk-cjs'];
  const nodeArgs = [peers, 'node'];
  for (const argv of [serveArgs, sdkArgs, sdkCjsArgs, nodeArgs]) await timeStart(process.execPath, argv);
  const serveStarts: Array<{ wallMs: number; cpuMs: number }> = [];
  const sdkStarts: Array<{ wallMs: number; cpuMs: number }> = [];
  const sdkCjsStarts: Array<{ wallMs: number; cpuMs: number }> = [];
  const nodeStarts: Array<{ wallMs: number; cpuMs: number }> = [];
  for (let i = 0; i < starts; i++) {
    serveStarts.push(await timeStart(process.execPath, serveArgs));
    sdkStarts.push(await timeStart(process.execPath, sdkArgs));
    sdkCjsStarts.push(await timeStart(process.execPath, sdkCjsArgs));
    nodeStarts.push(await timeStart(process.execPath, nodeArgs));
  }
  const wall = (s: typeof serveStarts) => stats(s.map((x) => x.wallMs));
  const cpu = (s: typeof serveStarts) => stats(s.map((x) => x.cpuMs));
  const line = (name: string, s: typeof serveStarts) => `${name} ${wall(s).median} ms (cpu ${cpu(s).median})`;
  progress(`start: ${[line('picode', serveStarts), line('SDK minimal server', sdkStarts), line('same from the SDK\'s CommonJS build', sdkCjsStarts), line('node without the SDK', nodeStarts)].join(', ')}`);

  // 2. read_pane through mcp serve, against panes.capture over IPC.
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: serveArgs, env: env as Record<string, string>, cwd: home, stderr: 'ignore' }));
  const ipc = await connectHost(session, socket, { env });
  const viaMcp: number[] = [];
  const viaIpc: number[] = [];
  for (let i = 0; i < 20; i++) {
    await client.callTool({ name: 'read_pane', arguments: { pane: 'shell', lines: 50 } });
    await ipc.call('panes.capture', { pane, lines: 50 });
  }
  for (let i = 0; i < calls; i++) {
    let t = performance.now();
    const result = await client.callTool({ name: 'read_pane', arguments: { pane: 'shell', lines: 50 } });
    viaMcp.push(performance.now() - t);
    if (result.isError) throw new Error(`read_pane failed: ${JSON.stringify(result.content)}`);
    t = performance.now();
    await ipc.call('panes.capture', { pane, lines: 50 });
    viaIpc.push(performance.now() - t);
  }
  await client.close();
  ipc.close();
  progress(`read_pane: MCP ${stats(viaMcp).median} ms, IPC capture ${stats(viaIpc).median} ms`);

  // 3. The agent loop's MCP tool against the SDK client directly, same server program.
  const config = configSchema.parse({ mcp: { servers: { fixture: { command: process.execPath, args: [fixture] } } } }).mcp;
  const manager = new McpClientManager({ config, cwd: home, env, log: { warn: () => {}, info: () => {} } });
  const echo = (await mcpAgentTools(manager)).find((t) => t.name === 'mcp__fixture__echo')!;
  const direct = new Client({ name: 'bench', version: '1' });
  await direct.connect(new StdioClientTransport({ command: process.execPath, args: [fixture], env: env as Record<string, string>, cwd: home, stderr: 'ignore' }));
  const signal = new AbortController().signal;
  const viaAgent: number[] = [];
  const viaSdk: number[] = [];
  for (let i = 0; i < 50; i++) {
    await echo.execute({ text: 'warm' }, { callId: 'w', signal });
    await direct.callTool({ name: 'echo', arguments: { text: 'warm' } });
  }
  for (let i = 0; i < calls; i++) {
    let t = performance.now();
    const out = await echo.execute({ text: `call ${i}` }, { callId: String(i), signal });
    viaAgent.push(performance.now() - t);
    if (out.isError) throw new Error(out.content);
    t = performance.now();
    await direct.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
    viaSdk.push(performance.now() - t);
  }
  await direct.close();
  await manager.stop();
  const overhead = viaAgent.map((a, i) => a - viaSdk[i]!);
  progress(`agent tool ${stats(viaAgent).median} ms, SDK direct ${stats(viaSdk).median} ms`);

  return {
    machine: { load: loadavg().map((l) => Math.round(l * 100) / 100), node: process.version },
    serveStartMs: {
      picode: { wall: wall(serveStarts), cpu: cpu(serveStarts) },
      sdkMinimalServer: { wall: wall(sdkStarts), cpu: cpu(sdkStarts) },
      sdkMinimalServerCommonJs: { wall: wall(sdkCjsStarts), cpu: cpu(sdkCjsStarts) },
      nodeWithoutSdk: { wall: wall(nodeStarts), cpu: cpu(nodeStarts) },
      budgetMedian: 300,
    },
    readPaneMs: { viaMcpServe: stats(viaMcp), peerIpcCapture: stats(viaIpc), budgetMedian: 5 },
    agentToolCallMs: { viaAgentTool: stats(viaAgent), peerSdkClientDirect: stats(viaSdk), overheadPairwise: stats(overhead), budgetMedianOverhead: 1 },
  };
}

try {
  process.stdout.write(`${JSON.stringify(await main(), null, 2)}\n`);
} finally {
  host?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  try { execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' }); } catch { /* gone */ }
  rmSync(home, { recursive: true, force: true });
}
process.exit(0);
