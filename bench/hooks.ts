/**
 * `npm run bench -- hooks [--iterations N] [--saves N] [--debounce MS]`
 *
 * 1. Dispatch overhead: HookEngine.dispatch of one non-blocking event with 0, 10 and 100
 *    configured hooks that do not match it, in three shapes: hooks on other event types
 *    (indexed away), hooks on the same type whose conditions fail (each one evaluated), and
 *    hooks whose event matcher is a regular expression (each one scanned). Median and p99 per
 *    event, and the cost per non-matching hook. Goal: under 20 us per non-matching hook.
 * 2. Save to command start: a real host (`picode up` on a private tmux server) with a
 *    test-on-save hook; the time from writing a file under src/ to the hook's command starting
 *    in its pane (the command stamps the clock), against chokidar's own notification time for
 *    the same write, measured in the same run by a watcher in this process. Goal: within
 *    2x chokidar's latency plus the debounce.
 *
 * Prints one JSON document on stdout; progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HookEngine } from '../host/hooks/engine.js';
import { hookLimitsSchema, hookSchema, type HookConfig } from '../host/config/sections/hooks.js';
import type { HookServices } from '../host/hooks/services.js';
import type { PicodeEvent } from '../host/bus/envelope.js';

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
const iterations = option('iterations', 50_000);
const saves = option('saves', 30);
const debounceMs = option('debounce', 50);
const progress = (line: string): void => { process.stderr.write(`${line}\n`); };

function quantiles(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99) };
}
const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------------
// 1. Dispatch overhead
// ---------------------------------------------------------------------------------------------

const inertServices: HookServices = {
  session: 'bench', cwd: process.cwd(), env: {},
  panes: {
    run: async () => ({ exitCode: 0, output: '', durationMs: 0, interrupted: false }),
    sendText: async () => {}, sendKeys: async () => {}, capture: async () => '',
  },
  emit: (e) => ({ id: 0, type: e.type, time: 0, session: 'bench', window: undefined, pane: e.pane, paneName: undefined, data: e.data }),
  log: { debug() {}, info() {}, warn() {}, error() {} },
  deliverToPlugin: async () => ({ summary: '' }),
  ask: async () => '',
  createPlan: async () => undefined,
};

type Shape = 'other-types' | 'same-type-conditions-fail' | 'regex-event-matchers';

function hooksOf(shape: Shape, n: number): HookConfig[] {
  return Array.from({ length: n }, (_, i) => hookSchema.parse(
    shape === 'other-types' ? { event: `file.changed`, match: { path: `pkg${i}/**` }, run: { pane: 'tests', command: 'true' } }
      : shape === 'same-type-conditions-fail' ? { event: 'pane.output', match: { pane: `p${i}`, text: `^ERROR ${i}` }, notify: { message: 'x' } }
        : { event: `^never${i}\\.(a|b)$`, notify: { message: 'x' } },
  ));
}

function measureDispatch(shape: Shape, n: number): { hooks: number; shape: Shape; medianUs: number; p99Us: number } {
  const engine = new HookEngine({
    hooks: hooksOf(shape, n), limits: hookLimitsSchema.parse({}), services: inertServices, blockingTypes: new Set(['pane.send.before']),
  });
  const events: PicodeEvent[] = Array.from({ length: 64 }, (_, i) => ({
    id: i, type: 'pane.output', time: 0, session: 'bench', window: '@1', pane: '%1', paneName: 'editor',
    data: { text: `line ${i} of output\n`, offset: i * 20 },
  }));
  for (let i = 0; i < 5000; i++) engine.dispatch(events[i & 63]!); // warm-up (JIT)
  const samples: number[] = new Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    engine.dispatch(events[i & 63]!);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const q = quantiles(samples);
  return { hooks: n, shape, medianUs: round(q.median), p99Us: round(q.p99) };
}

// The cost of reading the clock around an empty call: subtracted from nothing, reported.
function timerFloorUs(): number {
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t0 = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return round(quantiles(samples).median);
}

// ---------------------------------------------------------------------------------------------
// 2. Save to command start, with a real host
// ---------------------------------------------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..', '..');
const bin = join(packageDir, 'bin', 'picode.js');
const nowMs = (): number => performance.timeOrigin + performance.now();

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function measureSaveToStart(): Promise<Record<string, unknown>> {
  const { connectHost } = await import('../host/ipc/client.js');
  const home = mkdtempSync(join(tmpdir(), 'picode-bench-hooks-'));
  const project = join(home, 'project');
  const stamps = join(home, 'stamps');
  const socket = `picode-bench-hooks-${process.pid}`;
  const env = { ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), PICODE_TMUX_SOCKET: '' };
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'picode.config.yaml'), [
    'watch:',
    "  paths: ['src/**']",
    `  debounceMs: ${debounceMs}`,
    'hooks:',
    '  - name: test-on-save',
    '    event: file.changed',
    "    match: { path: 'src/**' }",
    // `date` stamps when the command starts in the pane (the shell has just forked it).
    `    run: { pane: tests, command: 'date +%s%N >> ${stamps}' }`,
  ].join('\n'));
  writeFileSync(join(project, 'layout.yaml'), [
    'name: bench', 'windows:', '  - name: w', '    panes:', '      - name: tests', '        shellInit: true',
  ].join('\n'));
  const { watch } = await import('chokidar');
  const own = watch(join(project, 'src'), { ignoreInitial: true });
  let chokidarAt = 0;
  own.on('all', () => { if (chokidarAt === 0) chokidarAt = nowMs(); });
  await new Promise<void>((r) => own.once('ready', () => r()));
  const result: Record<string, unknown> = {};
  try {
    progress('save-to-start: starting a host on a private tmux server');
    const up = spawnSync(process.execPath, [bin, '--tmux-socket', socket, 'up', join(project, 'layout.yaml'), '--detach', '--session', 'bench'], { cwd: project, env, encoding: 'utf8' });
    if (up.status !== 0) throw new Error(`picode up failed: ${up.stderr}`);
    const client = await until(async () => {
      try {
        const c = await connectHost('bench', socket, { env });
        const list = await c.call<{ watching: unknown }>('hooks.list').catch(() => undefined);
        if (list?.watching) return c;
        c.close();
      } catch { /* not up yet */ }
      return undefined;
    }, 30_000);
    if (!client) throw new Error('the host did not start its file watcher');
    client.close();
    await new Promise((r) => setTimeout(r, 1000)); // the pane's shell prompt

    const total: number[] = [];
    const marks: Array<{ writtenAt: number; startedAt: number }> = [];
    const chokidar: number[] = [];
    let lost = 0;
    // Save 0 is a warm-up (the host's first run in the pane, the JIT); it is not counted.
    for (let i = 0; i <= saves; i++) {
      const before = existsSync(stamps) ? readFileSync(stamps, 'utf8').trim().split('\n').length : 0;
      chokidarAt = 0;
      const writtenAt = nowMs();
      writeFileSync(join(project, 'src', 'file.ts'), `export const n = ${i};\n`);
      const startedAt = await until(() => {
        if (!existsSync(stamps)) return undefined;
        const lines = readFileSync(stamps, 'utf8').trim().split('\n');
        return lines.length > before ? Number(lines.at(-1)) / 1e6 : undefined;
      }, 10_000);
      // Wait for the hook's run to end (panes.run returns when the command finished), so that
      // the next save starts a run instead of being coalesced behind this one.
      await until(async () => {
        const c = await connectHost('bench', socket, { env });
        try {
          const list = await c.call<{ hooks: Array<{ running: number; runs: number }> }>('hooks.list');
          return list.hooks[0]!.running === 0 && list.hooks[0]!.runs >= i + 1 ? true : undefined;
        } finally {
          c.close();
        }
      }, 15_000);
      if (i === 0) continue;
      if (startedAt === undefined || !Number.isFinite(startedAt) || startedAt < writtenAt || chokidarAt === 0) { lost++; continue; }
      total.push(startedAt - writtenAt);
      marks.push({ writtenAt, startedAt });
      chokidar.push(chokidarAt - writtenAt);
      progress(`  save ${i}/${saves}: ${round(startedAt - writtenAt, 1)} ms to start, chokidar ${round(chokidarAt - writtenAt, 1)} ms`);
    }
    // The floor under any hook that runs a command in a pane: the host's own `panes.run`
    // (send the line through the pane.send.before gate, tmux, the shell forking the command),
    // asked directly over IPC with no file watching and no hooks involved.
    const ipc2 = async <T>(method: string, params: unknown): Promise<T> => {
      const c = await connectHost('bench', socket, { env });
      try { return await c.call<T>(method, params); } finally { c.close(); }
    };
    const direct: number[] = [];
    const ipc = await connectHost('bench', socket, { env });
    for (let i = 0; i < saves; i++) {
      const before = readFileSync(stamps, 'utf8').trim().split('\n').length;
      const askedAt = nowMs();
      const running = ipc.call('panes.run', { pane: 'tests', command: `date +%s%N >> ${stamps}` });
      const startedAt = await until(() => {
        const lines = readFileSync(stamps, 'utf8').trim().split('\n');
        return lines.length > before ? Number(lines.at(-1)) / 1e6 : undefined;
      }, 10_000);
      await running;
      if (startedAt !== undefined) direct.push(startedAt - askedAt);
      await new Promise((r) => setTimeout(r, 100));
    }
    ipc.close();
    const d = quantiles(direct);
    result.paneRunFloorMs = { median: round(d.median, 1), p99: round(d.p99, 1) };
    progress(`  panes.run over IPC to command start: median ${round(d.median, 1)} ms`);
    // Where the time goes: write -> the host's file.changed (its chokidar + the debounce), and
    // file.changed -> command start (bus, hook engine, panes.run). Event times are in ms.
    const changed = await ipc2<Array<{ time: number }>>('events.list', { types: ['file.changed'], limit: 1000 });
    const toEvent: number[] = [];
    const fromEvent: number[] = [];
    for (const m of marks) {
      const e = changed.find((ev) => ev.time >= Math.floor(m.writtenAt));
      if (!e || e.time > m.startedAt) continue;
      toEvent.push(e.time - m.writtenAt);
      fromEvent.push(m.startedAt - e.time);
    }
    const te = quantiles(toEvent);
    const fe = quantiles(fromEvent);
    result.writeToFileChangedEventMs = { median: round(te.median, 1), p99: round(te.p99, 1) };
    result.fileChangedEventToCommandStartMs = { median: round(fe.median, 1), p99: round(fe.p99, 1) };
    const t = quantiles(total);
    const c = quantiles(chokidar);
    const budget = 2 * c.median + debounceMs;
    Object.assign(result, {
      samples: total.length,
      lost,
      debounceMs,
      saveToCommandStartMs: { median: round(t.median, 1), p99: round(t.p99, 1) },
      chokidarNotificationMs: { median: round(c.median, 1), p99: round(c.p99, 1) },
      goalMs: round(budget, 1),
      goalMet: t.median <= budget,
    });
  } finally {
    await own.close();
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await new Promise((r) => setTimeout(r, 500));
    rmSync(home, { recursive: true, force: true });
  }
  return result;
}

const shapes: Shape[] = ['other-types', 'same-type-conditions-fail', 'regex-event-matchers'];
progress(`dispatch overhead: ${iterations} events per configuration`);
const floor = timerFloorUs();
const dispatch = shapes.flatMap((shape) => [0, 10, 100].map((n) => {
  const r = measureDispatch(shape, n);
  progress(`  ${shape} x${n}: median ${r.medianUs} us, p99 ${r.p99Us} us`);
  return r;
}));
const perHook = Object.fromEntries(shapes.map((shape) => {
  const zero = dispatch.find((d) => d.shape === shape && d.hooks === 0)!;
  const hundred = dispatch.find((d) => d.shape === shape && d.hooks === 100)!;
  return [shape, round((hundred.medianUs - zero.medianUs) / 100)];
}));
const worstPerHook = Math.max(...Object.values(perHook));
const saveToStart = await measureSaveToStart();
process.stdout.write(`${JSON.stringify({
  bench: 'hooks',
  node: process.version,
  timerFloorUs: floor,
  dispatch,
  perNonMatchingHookUs: perHook,
  dispatchGoal: { perHookUs: 20, worstUs: worstPerHook, met: worstPerHook < 20 },
  saveToStart,
}, null, 2)}\n`);
