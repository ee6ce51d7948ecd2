/**
 * `npm run bench -- providers`: what picode's provider layer adds on top of the raw SDKs, and
 * what `picode ask` costs to start.
 *
 * 1. The same 5,000-token stream, served by the fake LLM server (tests/fixtures/fake-llm) running
 *    in a CHILD process (so its CPU is not counted), read in this process through the raw SDK
 *    (`chat.completions.create` / `messages.create` with stream: true) and through picode's
 *    `streamCompletion` (adapter + watchdog + retry layer + typed parts), interleaved, after a
 *    warm-up. Reported: median time to first token, and client CPU (user+system) per token.
 * 2. Start-up: `node -e ''`, `picode ask --help` (CLI without the SDKs), importing each SDK, and a
 *    whole `picode ask --json` against the fake server (config, context, SDK import, request).
 *
 * Prints one JSON document on stdout; progress on stderr.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { streamCompletion } from '../src/providers/stream.js';
import type { ProviderDeps } from '../src/providers/types.js';

const tokens = 5000;
const runs = Number(process.env.BENCH_RUNS ?? 15);
const here = fileURLToPath(import.meta.url);
const root = join(here, '..', '..', '..');

/**
 * Time stamps of the one HTTP request of a run, from a wrapper around the global fetch (both SDKs
 * call it): the client's share of the time to first token is (request sent - start) + (first
 * token - headers), which leaves out the server and the network (~100 ms of scheduling noise
 * on a saturated machine).
 */
const wire = { sent: 0, headers: 0 };
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  wire.sent = performance.now();
  const response = await realFetch(input, init);
  wire.headers = performance.now();
  return response;
};

if (process.argv.includes('--serve')) {
  await serve();
} else {
  await main();
}

async function serve(): Promise<void> {
  const { startFakeLlm } = await import('../tests/fixtures/fake-llm/server.js');
  const deltas = Array.from({ length: tokens }, (_, i) => `tok${i} `);
  const fake = await startFakeLlm({ fallback: { kind: 'stream', deltas, usage: { input: 50, output: tokens } } });
  process.stdout.write(`${JSON.stringify({ openai: fake.openaiBaseUrl, anthropic: fake.anthropicBaseUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { void fake.close().then(() => process.exit(0)); });
}

interface Sample { ttftMs: number; clientTtftMs: number; cpuToFirstTokenUs: number; cpuUsPerToken: number; tokens: number }


async function main(): Promise<void> {
  const child = spawn(process.execPath, [here, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const urls = JSON.parse(line) as { openai: string; anthropic: string };
  try {
    const deps: ProviderDeps = {
      config: { providers: { openai: { baseUrl: urls.openai }, anthropic: { baseUrl: urls.anthropic } }, failover: { retries: 0 } },
      env: { OPENAI_API_KEY: 'sk-bench', ANTHROPIC_API_KEY: 'sk-bench' },
    };
    const { default: OpenAI } = await import('openai');
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const openai = new OpenAI({ apiKey: 'sk-bench', baseURL: urls.openai, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: 'sk-bench', authToken: null, baseURL: urls.anthropic, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'stream please' }];

    const rawOpenai = async (): Promise<Sample> => measure(async (first) => {
      let n = 0;
      const stream = await openai.chat.completions.create({ model: 'gpt-bench', messages, stream: true, stream_options: { include_usage: true } });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) { if (n++ === 0) first(); }
      return n;
    });
    const rawAnthropic = async (): Promise<Sample> => measure(async (first) => {
      let n = 0;
      const stream = await anthropic.messages.create({ model: 'claude-bench', max_tokens: 8192, messages, stream: true });
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') { if (n++ === 0) first(); }
      }
      return n;
    });
    const picode = (model: string) => async (): Promise<Sample> => measure(async (first) => {
      let n = 0;
      for await (const part of streamCompletion({ model, messages }, deps)) {
        if (part.type === 'text-delta') { if (n++ === 0) first(); }
        else if (part.type === 'error') throw new Error(part.error.message);
      }
      return n;
    });

    const cases = {
      'openai raw SDK': rawOpenai,
      'openai picode': picode('openai:gpt-bench'),
      'anthropic raw SDK': rawAnthropic,
      'anthropic picode': picode('anthropic:claude-bench'),
    };
    const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    process.stderr.write(`warming up...\n`);
    for (const fn of Object.values(cases)) { await fn(); await fn(); }
    // The order rotates every run (which provider first, raw or picode first within the pair),
    // so neither path always runs right after the same one.
    const pairs = [['openai raw SDK', 'openai picode'], ['anthropic raw SDK', 'anthropic picode']] as const;
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`stream run ${i + 1}/${runs}\r`);
      const ordered = i % 2 === 0 ? pairs : [...pairs].reverse();
      for (const pair of ordered) {
        const names = Math.floor(i / 2) % 2 === 0 ? pair : [pair[1], pair[0]];
        for (const name of names) samples[name]!.push(await cases[name]());
      }
    }
    process.stderr.write('\n');
    const summary = Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, {
      ttftMsMedian: round(median(s.map((x) => x.ttftMs)), 3),
      clientTtftMsMedian: round(median(s.map((x) => x.clientTtftMs)), 3),
      cpuToFirstTokenUsMedian: round(median(s.map((x) => x.cpuToFirstTokenUs)), 1),
      cpuUsPerTokenMedian: round(median(s.map((x) => x.cpuUsPerToken)), 3),
      tokens: s[0]!.tokens,
    }]));
    // Paired differences (run i of picode minus run i of the raw SDK, measured back to back)
    // cancel most of the drift of a shared machine; the median of them is what picode adds.
    const added = (p: string) => {
      const pic = samples[`${p} picode`]!;
      const raw = samples[`${p} raw SDK`]!;
      const ttft = pic.map((x, i) => x.ttftMs - raw[i]!.ttftMs);
      const cpu = pic.map((x, i) => x.cpuUsPerToken - raw[i]!.cpuUsPerToken);
      const cpuFirst = pic.map((x, i) => x.cpuToFirstTokenUs - raw[i]!.cpuToFirstTokenUs);
      const clientTtft = pic.map((x, i) => x.clientTtftMs - raw[i]!.clientTtftMs);
      return {
        // The client's share of the time to first token (server and network left out).
        clientTtftMs: round(median(clientTtft), 3),
        clientTtftMsQuartiles: [round(quantile(clientTtft, 0.25), 3), round(quantile(clientTtft, 0.75), 3)],
        // Wall-clock TTFT on a shared machine is dominated by scheduling noise; the CPU this
        // process spends before the first token is what picode's own work adds to it.
        cpuToFirstTokenMs: round(median(cpuFirst) / 1000, 3),
        ttftMs: round(median(ttft), 3),
        ttftMsQuartiles: [round(quantile(ttft, 0.25), 3), round(quantile(ttft, 0.75), 3)],
        cpuUsPerToken: round(median(cpu), 3),
        cpuUsPerTokenQuartiles: [round(quantile(cpu, 0.25), 3), round(quantile(cpu, 0.75), 3)],
      };
    };

    process.stderr.write('start-up...\n');
    const startup = measureStartup(urls.openai);
    const result = {
      bench: 'providers',
      node: process.version,
      streamTokens: tokens,
      runs,
      stream: summary,
      addedByPicode: { openai: added('openai'), anthropic: added('anthropic') },
      goals: { addedTtftMs: 1, addedCpuUsPerToken: 10 },
      startup,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    child.stdin!.end();
  }
}

async function measure(body: (first: () => void) => Promise<number>): Promise<Sample> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let ttft = Number.NaN;
  let cpuFirst = Number.NaN;
  let clientTtft = Number.NaN;
  const n = await body(() => {
    const now = performance.now();
    ttft = now - t0;
    clientTtft = (wire.sent - t0) + (now - wire.headers);
    const c = process.cpuUsage(c0);
    cpuFirst = c.user + c.system;
  });
  const c = process.cpuUsage(c0);
  if (n !== tokens) throw new Error(`expected ${tokens} tokens, got ${n}`);
  return { ttftMs: ttft, clientTtftMs: clientTtft, cpuToFirstTokenUs: cpuFirst, cpuUsPerToken: (c.user + c.system) / n, tokens: n };
}

function measureStartup(openaiBaseUrl: string): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'picode-bench-'));
  try {
    mkdirSync(join(dir, 'cfg', 'picode'), { recursive: true });
    writeFileSync(join(dir, 'cfg', 'picode', 'config.yaml'), `providers:\n  openai: { baseUrl: "${openaiBaseUrl}" }\nmodels: openai:gpt-bench\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, PICODE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'cfg'), OPENAI_API_KEY: 'sk-bench' };
    delete env.TMUX;
    const bin = join(root, 'bin', 'picode.js');
    const time = (args: string[], n = 5, cwd = dir): number => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        execFileSync(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'ignore'] });
        times.push(performance.now() - t);
      }
      return round(median(times), 1);
    };
    return {
      nodeEmptyMs: time(['-e', '']),
      askHelpMs: time([bin, 'ask', '--help']),
      // Resolved from the package root, where node_modules is.
      importOpenaiMs: time(['--input-type=module', '-e', "await import('openai')"], 5, root),
      importAnthropicMs: time(['--input-type=module', '-e', "await import('@anthropic-ai/sdk')"], 5, root),
      // A whole ask: config, store, SDK import, one 5,000-token answer from the fake server.
      askRunMs: time([bin, 'ask', 'hello', '--json', '--no-last-failed'], 3),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
