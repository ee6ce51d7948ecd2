/**
 * `npm run bench -- host [--tries N] [--flood-mb N] [--runs N] [--flood-modes a,b]`: the host's event latency and
 * its cost under a flood, each compared in the same run with the peer the issue names.
 *
 * Latency: a token typed into a pane (send-keys on a control connection of the bench's own)
 * until (a) the host's `pane.output` event containing it reaches an IPC subscriber and
 * (b) the same bytes come out of `pipe-pane` into a FIFO read by the bench. Both paths watch
 * the same keystrokes, so each try yields a paired sample.
 *
 * Flood: a new window printing N MB of base64 (timed inside the pane, from the first byte
 * written to the last), with no client attached, with the host attached, and with
 * `pipe-pane` into a FIFO read by Node (the bulk-capture alternative), interleaved, a fresh
 * tmux server each run. The host's RSS is sampled every 50 ms; its byte count for the pane
 * and its `pane.output.dropped` events account for every byte.
 *
 * One JSON document on stdout; progress on stderr.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, constants } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHost, type HostClient } from '../host/ipc/client.js';
import { ControlClient } from '../host/mux/tmux/control/client.js';
import { packageRoot } from '../host/core/paths.js';
import { openStore } from '../host/store/db.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const tries = option('tries', 200);
const floodMb = option('flood-mb', 50);
const runs = option('runs', 3);
const stallSeconds = option('stall-s', 10);
const progress = (message: string): void => { process.stderr.write(`[bench host] ${message}\n`); };

const home = mkdtempSync(join(tmpdir(), 'picode-bench-host-'));
const env: NodeJS.ProcessEnv = {
  ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), PICODE_HOST_NO_EXTENSIONS: '1',
};
delete env.TMUX;
const cleanups: Array<() => void> = [];

function tmux(socket: string, ...argv: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...argv], { env, encoding: 'utf8' });
}

function newServer(session: string, command: string): { socket: string; pane: string } {
  const socket = `picode-bench-${randomBytes(4).toString('hex')}`;
  cleanups.push(() => { try { tmux(socket, 'kill-server'); } catch { /* gone */ } });
  tmux(socket, 'new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
  return { socket, pane: tmux(socket, 'display-message', '-p', '-t', `=${session}:`, '#{pane_id}').trim() };
}

/** The host, run from a directory whose project config selects the capture mode. */
type Capture = 'spool' | 'control' | 'pipe-pane';

function startHost(session: string, socket: string, capture: Capture = 'spool'): ChildProcess {
  const cwd = join(home, `cwd-${capture}`);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, '.picoderc.json'), JSON.stringify({ host: { capture } }));
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'picode.js'), 'host', '--session', session, '--tmux-socket', socket], {
    cwd, env, stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanups.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return child;
}

async function hostClient(session: string, socket: string): Promise<HostClient> {
  for (let i = 0; i < 300; i++) {
    try {
      const client = await connectHost(session, socket, { env });
      await client.call('host.status');
      return client;
    } catch {
      await sleep(50);
    }
  }
  throw new Error('the host did not start');
}

/** A FIFO read without blocking a thread: opened read-write (Linux), wrapped in a socket. */
function openFifo(path: string): Socket {
  execFileSync('mkfifo', [path]);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  cleanups.push(() => socket.destroy());
  return socket;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
const median = (values: number[]): number => percentile(values, 50);

async function latency(): Promise<Record<string, unknown>> {
  progress(`latency: ${tries} tries`);
  const session = 'lat';
  const { socket, pane } = newServer(session, 'cat');
  const host = startHost(session, socket);
  const client = await hostClient(session, socket);
  // The peer reads its own pane (a pane has one pipe, and the host's capture uses it): each
  // token is typed into both panes by two commands in one write.
  const peerPane = tmux(socket, 'split-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, 'cat').trim();
  await sleep(300);
  const fifo = openFifo(join(home, 'lat.fifo'));
  tmux(socket, 'pipe-pane', '-O', '-t', peerPane, `cat > ${join(home, 'lat.fifo')}`);

  // Arrival times are taken in the data handlers themselves (no polling loop competing for
  // the two cores with tmux and the host).
  let token = '';
  let hostText = '';
  let fifoText = '';
  let t0 = 0n;
  let hostAt = 0;
  let fifoAt = 0;
  let bothSeen: (() => void) | undefined;
  const check = (): void => {
    const now = process.hrtime.bigint();
    if (!hostAt && hostText.includes(token)) hostAt = Number(now - t0) / 1e6;
    if (!fifoAt && fifoText.includes(token)) fifoAt = Number(now - t0) / 1e6;
    if (hostAt && fifoAt) bothSeen?.();
  };
  client.onNotification('event', (params) => { hostText += (params as { data: { text: string } }).data.text; check(); });
  void client.call('events.follow', { types: ['pane.output'], pane }).catch(() => undefined);
  fifo.on('data', (chunk: Buffer) => { fifoText += chunk.toString('latin1'); check(); });

  const injector = new ControlClient({ session, socket, flags: ['no-output'], env }, { output() {}, notification() {}, exit() {} });
  injector.start();
  await injector.attached;
  await sleep(300);

  const hostMs: number[] = [];
  const fifoMs: number[] = [];
  let misses = 0;
  for (let i = 0; i < tries + 10; i++) {
    token = `t${i}x${randomBytes(3).toString('hex')}`;
    hostText = '';
    fifoText = '';
    hostAt = 0;
    fifoAt = 0;
    const seen = new Promise<void>((resolve) => { bothSeen = resolve; });
    t0 = process.hrtime.bigint();
    // Which pane gets the keys first alternates, so neither path is favoured.
    const [a, b] = i % 2 === 0 ? [pane, peerPane] : [peerPane, pane];
    const sent = Promise.all([
      injector.command(`send-keys -t ${a} -l ${token}`), injector.command(`send-keys -t ${b} -l ${token}`),
      injector.command(`send-keys -t ${a} Enter`), injector.command(`send-keys -t ${b} Enter`),
    ]);
    await Promise.race([seen, sleep(1000)]);
    await sent;
    if (i < 10) continue; // warm-up
    if (hostAt && fifoAt) { hostMs.push(hostAt); fifoMs.push(fifoAt); } else misses++;
    await sleep(10);
  }
  await injector.close();
  client.close();
  host.kill('SIGTERM');
  const result = {
    tries: hostMs.length, misses,
    host: { medianMs: round(median(hostMs)), p99Ms: round(percentile(hostMs, 99)) },
    pipePaneFifo: { medianMs: round(median(fifoMs)), p99Ms: round(percentile(fifoMs, 99)) },
  };
  const ratio = result.host.medianMs / result.pipePaneFifo.medianMs;
  return {
    ...result, medianRatio: round(ratio, 2),
    goals: { medianWithin1_2x: ratio <= 1.2, p99Under5ms: result.host.p99Ms < 5 },
  };
}

type FloodMode = 'no-client' | 'host-spool' | 'host-control' | 'host-pipe-pane' | 'pipe-pane-fifo';
const hostModes: Record<string, Capture> = { 'host-spool': 'spool', 'host-control': 'control', 'host-pipe-pane': 'pipe-pane' };

/** CPU seconds (user + system) a process used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Bytes a process has written so far (write syscalls: the store's WAL and checkpoints, IPC). */
function writtenBytes(pid: number): number {
  return Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

/** The 1-minute load average, to say how busy the shared machine was. */
const loadAverage = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/**
 * One flood. `stallMs`: the host is stopped (SIGSTOP) for that long once the flood reached it,
 * and the tmux server's and the host's memory are watched.
 */
async function floodRun(mode: FloodMode, payload: string, expectedBytes: number, stallMs = 0): Promise<Record<string, number>> {
  const session = 'flood';
  const { socket } = newServer(session, 'sh');
  const tmuxPid = Number(tmux(socket, 'display-message', '-p', '#{pid}').trim());
  const result = join(home, `result-${randomBytes(3).toString('hex')}`);
  let host: ChildProcess | undefined;
  let client: HostClient | undefined;
  let fifoBytes = 0;
  let baseline = 0;
  let peak = 0;
  const capture = hostModes[mode];
  if (capture) {
    host = startHost(session, socket, capture);
    client = await hostClient(session, socket);
    await sleep(300);
    baseline = rssBytes(host.pid!);
    peak = baseline;
  }
  const tmuxBaseline = rssBytes(tmuxPid);
  let tmuxPeak = tmuxBaseline;
  // The same script in every mode; the short sleep only lets every mode settle first (the spool
  // capture pipes a new pane before its first byte, pipe-pane capture after it is listed).
  const script = `sleep 0.3; s=$(date +%s%N); base64 ${payload}; e=$(date +%s%N); echo $((e-s)) > ${result}; exec sleep 600`;
  if (mode === 'pipe-pane-fifo') {
    const fifoPath = join(home, `flood-${randomBytes(3).toString('hex')}.fifo`);
    const fifo = openFifo(fifoPath);
    fifo.on('data', (chunk: Buffer) => { fifoBytes += chunk.length; });
    const pane = tmux(socket, 'new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, script).trim();
    tmux(socket, 'pipe-pane', '-O', '-t', pane, `cat > ${fifoPath}`);
  } else {
    tmux(socket, 'new-window', '-d', '-t', `=${session}:`, script);
  }
  const cpu0 = { host: host ? cpuSeconds(host.pid!) : 0, tmux: cpuSeconds(tmuxPid), at: Date.now(), written: host ? writtenBytes(host.pid!) : 0 };
  const sample = (): void => {
    if (host) peak = Math.max(peak, rssBytes(host.pid!));
    tmuxPeak = Math.max(tmuxPeak, rssBytes(tmuxPid));
  };
  const sampler = setInterval(sample, 50);
  if (stallMs > 0 && host && client) {
    for (let i = 0; i < 400; i++) {
      const panes = await client.call<Array<{ bytes: number }>>('panes.list');
      if (panes.some((p) => p.bytes > 0)) break;
      await sleep(10);
    }
    process.kill(host.pid!, 'SIGSTOP');
    await sleep(stallMs);
    process.kill(host.pid!, 'SIGCONT');
  }
  while (!existsSync(result) || statSync(result).size === 0) await sleep(20);
  const ms = Number(readFileSync(result, 'utf8').trim()) / 1e6;
  const out: Record<string, number> = { ms: round(ms, 1), mbPerS: round((expectedBytes / 1e6) / (ms / 1000), 1) };
  out.tmuxCpuS = round(cpuSeconds(tmuxPid) - cpu0.tmux, 2);
  if (client && host) {
    // Every byte is accounted for: received by the host, or reported dropped (counted).
    let received = 0;
    for (let i = 0; i < 600; i++) {
      const panes = await client.call<Array<{ id: string; bytes: number }>>('panes.list');
      received = Math.max(0, ...panes.map((p) => p.bytes));
      if (received >= expectedBytes) break;
      await sleep(50);
    }
    out.hostCpuS = round(cpuSeconds(host.pid!) - cpu0.host, 2);
    // And once the output log has written the flood's end (it may wait for the pane to go quiet).
    const store = openStore(join(env.PICODE_HOME!, 'picode.db'));
    try {
      // This run's rows (the store is shared by the runs).
      const logEnd = (): number => (store.db.prepare('SELECT MAX(offset + length(data)) AS e FROM pane_output WHERE time >= ?').get(cpu0.at) as { e: number | null }).e ?? 0;
      for (let i = 0; i < 400 && logEnd() < received; i++) await sleep(50);
      out.hostCpuWithOutputLogS = round(cpuSeconds(host.pid!) - cpu0.host, 2);
      out.hostWrittenMb = round((writtenBytes(host.pid!) - cpu0.written) / 1e6, 1);
      out.outputLogBytes = (store.db.prepare('SELECT SUM(length(data)) AS n FROM pane_output WHERE time >= ?').get(cpu0.at) as { n: number | null }).n ?? 0;
    } finally {
      store.close();
    }
    clearInterval(sampler);
    const dropped = await client.call<Array<{ data: { bytes?: number } }>>('events.list', { types: ['pane.output.dropped'] });
    out.streamBytes = received;
    out.droppedEvents = dropped.length;
    out.droppedBytes = dropped.reduce((n, e) => n + (e.data.bytes ?? 0), 0);
    out.rssGrowthMb = round((peak - baseline) / 1e6, 1);
    client.close();
    host.kill('SIGTERM');
  }
  clearInterval(sampler);
  out.tmuxRssGrowthMb = round((tmuxPeak - tmuxBaseline) / 1e6, 1);
  if (mode === 'pipe-pane-fifo') {
    for (let i = 0; i < 100 && fifoBytes < expectedBytes; i++) await sleep(50);
    out.streamBytes = fifoBytes;
  }
  try { tmux(socket, 'kill-server'); } catch { /* gone */ }
  return out;
}

async function flood(): Promise<Record<string, unknown>> {
  const payload = join(home, 'payload.bin');
  // N MB of base64 text = 3/4 N MB of random bytes.
  writeFileSync(payload, randomBytes(Math.round((floodMb * 1e6 * 3) / 4)));
  const b64 = execFileSync('base64', [payload], { maxBuffer: 1024 * 1024 * 1024 });
  let lines = 0;
  for (const byte of b64) if (byte === 10) lines++;
  // The pty turns each \n into \r\n (onlcr).
  const expectedBytes = b64.length + lines;
  const allModes: FloodMode[] = ['no-client', 'host-spool', 'host-control', 'host-pipe-pane', 'pipe-pane-fifo'];
  // `--flood-modes no-client,host-spool`: a quicker before/after of one mode against no client.
  const chosen = args.includes('--flood-modes') ? args[args.indexOf('--flood-modes') + 1]!.split(',') : allModes;
  const modes = allModes.filter((m) => chosen.includes(m));
  const results = Object.fromEntries(allModes.map((m) => [m, [] as Array<Record<string, number>>])) as Record<FloodMode, Array<Record<string, number>>>;
  const load: number[] = [];
  for (let run = 0; run < (args.includes('--stall-only') ? 0 : runs); run++) {
    for (const mode of modes) {
      progress(`flood ${floodMb} MB: run ${run + 1}/${runs}, ${mode}`);
      load.push(loadAverage());
      results[mode].push(await floodRun(mode, payload, expectedBytes));
    }
  }
  const med = (mode: FloodMode, key: string): number => median(results[mode].map((r) => r[key]!).filter((v) => v !== undefined));
  const noClient = med('no-client', 'ms') ?? 0;
  const hostSummary = (mode: FloodMode, limit: number): Record<string, unknown> => {
    const ms = med(mode, 'ms');
    const rss = Math.max(...results[mode].map((r) => r.rssGrowthMb!));
    const everyByte = results[mode].every((r) => r.streamBytes === expectedBytes || r.droppedEvents! > 0);
    return {
      medianMs: ms, ratio: round(ms / noClient, 2), rssGrowthMbMax: rss,
      hostCpuSMedian: med(mode, 'hostCpuS'), hostCpuWithOutputLogSMedian: med(mode, 'hostCpuWithOutputLogS'), hostWrittenMbMedian: med(mode, 'hostWrittenMb'), tmuxCpuSMedian: med(mode, 'tmuxCpuS'), runs: results[mode],
      goals: { [`within${limit}x`]: ms / noClient <= limit, everyByteAccountedFor: everyByte },
    };
  };
  const pipeMs = med('pipe-pane-fifo', 'ms');
  // The host stopped for 10 s mid-flood, in the default mode and in control mode.
  const stall: Record<string, unknown> = {};
  const stallModes = (args.includes('--stall-spool-only') ? ['host-spool'] : ['host-spool', 'host-control'])
    .filter((m) => chosen.includes(m)) as Array<'host-spool' | 'host-control'>;
  for (const mode of stallModes) {
    progress(`flood ${floodMb} MB: host stopped ${stallSeconds} s, ${mode}`);
    load.push(loadAverage());
    const r = await floodRun(mode, payload, expectedBytes, stallSeconds * 1000);
    stall[mode] = {
      ...r,
      goals: { tmuxRssGrowthUnder50Mb: r.tmuxRssGrowthMb! < 50, hostRssGrowthUnder50Mb: r.rssGrowthMb! < 50, everyByteAccountedFor: r.streamBytes === expectedBytes || r.droppedEvents! > 0 },
    };
  }
  return {
    payloadBytes: expectedBytes, runs, loadAverage: { min: Math.min(...load), max: Math.max(...load) },
    noClient: { medianMs: noClient, tmuxCpuSMedian: med('no-client', 'tmuxCpuS'), runs: results['no-client'] },
    hostSpoolMode: hostSummary('host-spool', 1.15),
    hostControlMode: hostSummary('host-control', 1.15),
    hostPipePaneMode: hostSummary('host-pipe-pane', 1.15),
    pipePaneFifo: { medianMs: pipeMs, ratio: round(pipeMs / noClient, 2), tmuxCpuSMedian: med('pipe-pane-fifo', 'tmuxCpuS'), runs: results['pipe-pane-fifo'] },
    stalled: stall,
  };
}

try {
  const only = args.includes('--latency-only') ? 'latency' : args.includes('--flood-only') || args.includes('--stall-only') ? 'flood' : undefined;
  const out: Record<string, unknown> = { bench: 'host', tmux: execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim(), node: process.version };
  out.loadAverageAtStart = loadAverage();
  if (only !== 'flood') out.latency = await latency();
  if (only !== 'latency') out.flood = await flood();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  for (const cleanup of cleanups.reverse()) cleanup();
  rmSync(home, { recursive: true, force: true });
  closeSync(openSync('/dev/null', 'r'));
}
process.exit(0);
