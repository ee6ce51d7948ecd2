/**
 * `npm run bench -- layout [--runs N]`: how long until a 6-pane workspace is ready, launched
 * by picode, tmuxp, tmuxinator and a raw tmux script, in the same run, interleaved.
 *
 * The layout (the same for every launcher): window 1 has four tiled panes, window 2 is split
 * 30/70; every pane runs `sh`. "Ready" = every pane's command has started, observed the same
 * way for all launchers: each pane's command first touches a marker file (`touch DIR/N;
 * exec sh`), and the bench polls the marker folder. Each run uses a fresh private tmux
 * server (`-L`), killed afterwards. picode runs with a warm cache (its steady state: a
 * layout launched before); one cold run (empty cache) is reported apart. picode is measured
 * with NODE_EXTRA_CA_CERTS as the environment has it and with it unset, because that
 * variable alone costs Node ~130 ms at every start on this machine.
 *
 * One JSON document goes to stdout; progress to stderr.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const work = mkdtempSync(join(tmpdir(), 'picode-bench-layout-'));
const log = (text: string): void => { process.stderr.write(`${text}\n`); };

function have(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** tmuxp and tmuxinator come from Debian; installed once if missing (the issue asks the bench to). */
function ensurePeers(): void {
  const missing = ['tmuxp', 'tmuxinator'].filter((c) => !have(c));
  if (missing.length === 0) return;
  log(`installing ${missing.join(' ')} (apt-get)...`);
  const result = spawnSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >&2 || (apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >&2)`], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) log(`could not install ${missing.join(' ')}; they are left out of the comparison`);
}

const marks = (run: string): string => join(work, 'marks', run);
const paneCommand = (dir: string, n: number): string => `touch ${dir}/${n}; exec sh`;

interface Launcher {
  readonly name: string;
  readonly available: boolean;
  /** Writes the launcher's files for a run; returns the argv to time and its environment. */
  prepare(socket: string, dir: string): { argv: string[]; env: NodeJS.ProcessEnv };
}

const baseEnv: NodeJS.ProcessEnv = { ...process.env, SHELL: '/bin/bash', TERM: 'xterm-256color', HOME: join(work, 'home') };
delete baseEnv.TMUX;
mkdirSync(join(work, 'home'), { recursive: true });

function picodeLauncher(name: string, caCerts: boolean, stateDir: string): Launcher {
  return {
    name,
    available: true,
    prepare(socket, dir) {
      const file = join(work, 'picode.yaml');
      // Written once: the file's signature is part of the cache key. The layout text is the same every run except the marker folder, so the cache key would
      // change each time; the markers go through an environment variable instead (the layout
      // reads none, so a warm cache stays warm: the steady state of a user's `picode up`).
      if (!existsSync(file)) writeFileSync(file, [
        'name: bench',
        'windows:',
        '  - name: one',
        '    layout: tiled',
        '    panes:',
        ...[1, 2, 3, 4].map((n) => `      - { command: 'touch "$MARKS"/${n}; exec sh', onExit: close }`),
        '  - name: two',
        '    split: row',
        '    panes:',
        `      - { command: 'touch "$MARKS"/5; exec sh', size: 30%, onExit: close }`,
        `      - { command: 'touch "$MARKS"/6; exec sh', onExit: close }`,
        '',
      ].join('\n'));
      const env: NodeJS.ProcessEnv = { ...baseEnv, MARKS: dir, PICODE_HOME: stateDir, XDG_CONFIG_HOME: join(work, 'xdg'), PICODE_NO_HOST: '1' };
      if (!caCerts) delete env.NODE_EXTRA_CA_CERTS;
      return { argv: [process.execPath, join(root, 'bin', 'picode.js'), 'up', file, '--detach', '--tmux-socket', socket], env };
    },
  };
}

const tmuxp: Launcher = {
  name: 'tmuxp',
  available: have('tmuxp') || existsSync('/usr/bin/tmuxp'),
  prepare(socket, dir) {
    const file = join(work, 'tmuxp.yaml');
    writeFileSync(file, [
      'session_name: bench',
      'windows:',
      '  - window_name: one',
      '    layout: tiled',
      '    panes:',
      ...[1, 2, 3, 4].map((n) => `      - ${paneCommand(dir, n)}`),
      '  - window_name: two',
      '    layout: "even-horizontal"',
      '    panes:',
      `      - ${paneCommand(dir, 5)}`,
      `      - ${paneCommand(dir, 6)}`,
      '',
    ].join('\n'));
    return { argv: ['tmuxp', 'load', '-d', '-L', socket, file], env: baseEnv };
  },
};

const tmuxinator: Launcher = {
  name: 'tmuxinator',
  available: have('tmuxinator'),
  prepare(socket, dir) {
    const file = join(work, 'tmuxinator.yml');
    writeFileSync(file, [
      'name: bench',
      `socket_name: ${socket}`,
      'root: /tmp',
      'windows:',
      '  - one:',
      '      layout: tiled',
      '      panes:',
      ...[1, 2, 3, 4].map((n) => `        - ${paneCommand(dir, n)}`),
      '  - two:',
      '      layout: even-horizontal',
      '      panes:',
      `        - ${paneCommand(dir, 5)}`,
      `        - ${paneCommand(dir, 6)}`,
      '',
    ].join('\n'));
    return { argv: ['tmuxinator', 'start', '-p', file, '--no-attach'], env: baseEnv };
  },
};

/** What a person would write by hand: one tmux invocation, commands as the panes' programs. */
const rawTmux: Launcher = {
  name: 'rawTmux',
  available: true,
  prepare(socket, dir) {
    const file = join(work, 'raw.sh');
    const q = (n: number): string => `'${paneCommand(dir, n)}'`;
    writeFileSync(file, [
      '#!/bin/sh',
      `exec tmux -L ${socket} new-session -d -s bench -n one ${q(1)} \\; split-window ${q(2)} \\; split-window ${q(3)} \\; \\`,
      `  split-window ${q(4)} \\; select-layout tiled \\; new-window -n two ${q(5)} \\; split-window -h -l 70% ${q(6)}`,
      '',
    ].join('\n'));
    return { argv: ['sh', file], env: baseEnv };
  },
};

function killServer(socket: string): void {
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
}

/** Milliseconds from spawning the launcher until all six markers exist (and the launcher exited, for its status). */
async function measure(launcher: Launcher, run: string): Promise<number | undefined> {
  const socket = `picode-bench-layout-${process.pid}-${run}`;
  const dir = marks(run);
  mkdirSync(dir, { recursive: true });
  const { argv, env } = launcher.prepare(socket, dir);
  const start = process.hrtime.bigint();
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
  let ready: number | undefined;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (readdirSync(dir).length >= 6) {
      ready = Number(process.hrtime.bigint() - start) / 1e6;
      break;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const code = await exited;
  if (code !== 0 || ready === undefined) log(`  ${launcher.name}: exit ${code}${ready === undefined ? ', never ready' : ''}: ${stderr.trim().slice(0, 300)}`);
  killServer(socket);
  rmSync(dir, { recursive: true, force: true });
  return ready;
}

function stats(values: readonly number[]): { median: number; min: number; max: number; n: number } | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!), n: values.length };
}

ensurePeers();
const state = join(work, 'state');
const launchers = [
  picodeLauncher('picode', true, state),
  picodeLauncher('picodeWithoutCaCerts', false, state),
  tmuxp,
  tmuxinator,
  rawTmux,
].filter((l) => l.available);

// One cold picode run (empty cache: yaml, zod and cosmiconfig loaded), then warm runs.
const cold = await measure(picodeLauncher('picodeCold', true, join(work, 'cold-state')), 'cold');
await measure(launchers[0]!, 'warmup');
const results = new Map<string, number[]>(launchers.map((l) => [l.name, []]));
for (let i = 0; i < runs; i++) {
  // Rotate the order every run so no launcher always follows the same one.
  const order = launchers.map((_, k) => launchers[(k + i) % launchers.length]!);
  for (const launcher of order) {
    const ms = await measure(launcher, `${i}-${launcher.name}`);
    if (ms !== undefined) results.get(launcher.name)!.push(ms);
  }
  log(`run ${i + 1}/${runs}: ${order.map((l) => `${l.name} ${results.get(l.name)!.at(-1)?.toFixed(0) ?? '-'}ms`).join(', ')}`);
}

// The floor picode cannot go under: Node starting and exiting, measured in the same run.
const nodeStart = (caCerts: boolean): number[] => Array.from({ length: Math.min(runs, 10) }, () => {
  const env = { ...process.env };
  if (!caCerts) delete env.NODE_EXTRA_CA_CERTS;
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
});
const nodeStartMs = { withCaCerts: stats(nodeStart(true)), withoutCaCerts: stats(nodeStart(false)) };

const readyMs = Object.fromEntries([...results].map(([name, values]) => [name, stats(values)]));
const median = (name: string): number | undefined => readyMs[name]?.median;
const picode = median('picode');
const ratioToPicode = Object.fromEntries(launchers.map((l) => [l.name, picode && median(l.name) ? Math.round((median(l.name)! / picode) * 100) / 100 : null]));
const goal = (name: string, peer: string, limit: number): { ratio: number | null; limit: number; met: boolean | null } => {
  const a = median(name);
  const b = median(peer);
  const ratio = a && b ? Math.round((a / b) * 100) / 100 : null;
  return { ratio, limit, met: ratio === null ? null : ratio <= limit };
};
const loadAverage = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim().split(' ').slice(0, 3).join(' ');
process.stdout.write(`${JSON.stringify({
  bench: 'layout',
  layout: 'window 1: four tiled panes; window 2: split 30/70; each pane runs sh (touch marker; exec sh)',
  ready: 'all six pane commands started (marker files), fresh private tmux server per run',
  runs,
  node: process.versions.node,
  tmux: execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim(),
  loadAverage,
  readyMs,
  picodeColdMs: cold === undefined ? null : Math.round(cold * 10) / 10,
  nodeStartMs,
  ratioToPicode,
  goals: {
    picodeVsTmuxp: goal('picode', 'tmuxp', 0.25),
    picodeVsRawTmux: goal('picode', 'rawTmux', 1.5),
    picodeWithoutCaCertsVsTmuxp: goal('picodeWithoutCaCerts', 'tmuxp', 0.25),
    picodeWithoutCaCertsVsRawTmux: goal('picodeWithoutCaCerts', 'rawTmux', 1.5),
  },
}, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
