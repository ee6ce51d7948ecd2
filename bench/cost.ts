/**
 * `npm run bench -- cost`: what prompt caching saves on a 20-turn agent run.
 *
 * The same scripted run (19 turns that each call a shell command and get its output back, then
 * a final answer) is played against a loopback fake Anthropic server that bills as the API
 * does (tests/fixtures/fake-llm/anthropicBilling.ts: a prefix up to a breakpoint is written
 * once and read by later requests within its TTL; no breakpoint, no cache), by:
 * 1. picode's agent loop (src/agents/loop.ts with the host's real tools) with `cache: auto`;
 * 2. the same with `cache: off`;
 * 3. Claude Code 2.1.328 (`claude -p TASK --allowedTools Bash`), offline against the same fake.
 * Reported per run: billed input tokens (uncached, cache writes, cache reads), dollars at Claude
 * Sonnet 4.5 prices (config/prices.json), and time to first token per turn as the server saw it
 * (request in -> first content event out), with a simulated prefill of `PREFILL_UNCACHED` ms per
 * 1,000 uncached input tokens and `PREFILL_CACHED` per 1,000 cached ones.
 *
 * 4. For OpenAI: the same run through the OpenAI adapter, billed by the fake as OpenAI's automatic
 *    prompt caching bills (tests/fixtures/fake-llm/openaiBilling.ts); for each request after the
 *    first, the share of its prompt (tools, then messages, as the model reads them) that is a
 *    byte-identical prefix of the previous request's, beside the most any client could reach.
 *
 * Prints one JSON document on stdout; progress on stderr.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAgent } from '../src/agents/loop.js';
import { AgentInbox } from '../src/agents/inbox.js';
import { RunApprovals } from '../src/agents/policy.js';
import { defaultLimits } from '../src/agents/limits.js';
import { createProviderService } from '../src/providers/service.js';
import { costOf, findPrice, type PriceTable } from '../src/providers/cost.js';
import type { CallRecord } from '../src/providers/types.js';
import { hostTools } from '../host/agents/tools.js';
import { localEnvironment } from '../host/agents/toolEnvironment.js';
import type { FakeLlm, RecordedRequest, Scripted } from '../tests/fixtures/fake-llm/server.js';

const turns = 20;
const model = 'claude-sonnet-4-5';
const prefill = { uncached: Number(process.env.PREFILL_UNCACHED ?? 20), cached: Number(process.env.PREFILL_CACHED ?? 2) };
const claudeVersion = '2.1.328';
const here = fileURLToPath(import.meta.url);
const root = join(here, '..', '..', '..');
const prices = (JSON.parse(readFileSync(join(root, 'config', 'prices.json'), 'utf8')) as { prices: PriceTable }).prices;
const price = findPrice(prices, `anthropic:${model}`)!;
const task = `Run the numbered steps: for each step N from 1 to ${turns - 1}, run \`seq 1 N00\` with the shell tool, one step per turn, then say "done".`;

function log(message: string): void {
  process.stderr.write(`[cost] ${message}\n`);
}

/** The tool call of turn `n` (1-based) in the named tool's argument shape, or the final answer. */
function scriptedTurn(n: number, tool: 'run_command' | 'Bash'): Scripted {
  if (n >= turns) return { kind: 'stream', deltas: ['All ', 'steps ', 'done.'], usage: { output: 12 } };
  const command = `seq 1 ${n}00`;
  const args = tool === 'Bash' ? { command, description: `step ${n}` } : { command };
  return { kind: 'stream', deltas: [`Step ${n}.`], toolCalls: [{ id: `toolu_step_${n}`, name: tool, args }], usage: { output: 40 } };
}

function toolResults(body: Record<string, unknown>): number {
  let count = 0;
  for (const m of (body.messages as Array<{ content: unknown }> | undefined) ?? []) {
    if (Array.isArray(m.content)) count += m.content.filter((b: { type?: string }) => b.type === 'tool_result').length;
    if ((m as { role?: string }).role === 'tool') count++;
  }
  return count;
}

/** The agent's turns are the requests that offer the scripted tool; anything else is a side request. */
function isMainRequest(body: Record<string, unknown>, tool: string): boolean {
  const tools = (body.tools as Array<{ name?: string; function?: { name?: string } }> | undefined) ?? [];
  return tools.some((t) => (t.name ?? t.function?.name) === tool);
}

async function fakeServer(tool: 'run_command' | 'Bash'): Promise<FakeLlm> {
  const [{ startFakeLlm }, { AnthropicCacheBiller }, { OpenAiCacheBiller }] = await Promise.all([
    import('../tests/fixtures/fake-llm/server.js'), import('../tests/fixtures/fake-llm/anthropicBilling.js'),
    import('../tests/fixtures/fake-llm/openaiBilling.js'),
  ]);
  return startFakeLlm({
    anthropicBilling: new AnthropicCacheBiller(),
    openaiBilling: new OpenAiCacheBiller(),
    prefillMsPerKToken: prefill,
    respond: (request) => (isMainRequest(request.body, tool)
      ? scriptedTurn(toolResults(request.body) + 1, tool)
      // Claude Code's own small requests (titles, topic checks): a short answer.
      : { kind: 'stream', deltas: ['{"isNewTopic": false, "title": "steps"}'], usage: { output: 10 } }),
  });
}

interface RunFigures {
  readonly requests: number;
  readonly mainRequests: number;
  readonly inputTokens: { readonly uncached: number; readonly cacheWrite: number; readonly cacheRead: number; readonly total: number };
  /** Input tokens billed at the input price, counting a write as 1.25 and a read as 0.1 (what the input cost in input-price tokens). */
  readonly billedInputEquivalent: number;
  readonly costUsd: number;
  readonly maxBreakpoints: number;
  /** Per main turn: server-side time to first token (ms). */
  readonly ttftMsPerTurn: readonly number[];
  readonly ttftMsMedian: number;
}

function figures(requests: readonly RecordedRequest[], tool: string): RunFigures {
  const billed = requests.filter((r) => r.bill);
  const sum = (f: (r: RecordedRequest) => number): number => billed.reduce((n, r) => n + f(r), 0);
  const uncached = sum((r) => r.bill!.input);
  const cacheWrite = sum((r) => r.bill!.cacheWrite);
  const cacheRead = sum((r) => r.bill!.cacheRead);
  // Input only: the output is the same script for every client.
  const costUsd = billed.reduce((n, r) => {
    const p = findPrice(prices, `anthropic:${String(r.body.model)}`) ?? price;
    return n + (costOf({ input: r.bill!.input + r.bill!.cacheRead + r.bill!.cacheWrite, cachedInput: r.bill!.cacheRead, cacheWrite: r.bill!.cacheWrite, output: 0, reasoning: 0 }, p) ?? 0);
  }, 0);
  const main = requests.filter((r) => isMainRequest(r.body, tool));
  const ttft = main.map((r) => Math.round(((r.firstContentAt ?? r.receivedAt) - r.receivedAt) * 10) / 10);
  return {
    requests: requests.length,
    mainRequests: main.length,
    inputTokens: { uncached, cacheWrite, cacheRead, total: uncached + cacheWrite + cacheRead },
    billedInputEquivalent: Math.round(uncached + cacheWrite * 1.25 + cacheRead * 0.1),
    costUsd: Math.round(costUsd * 1e6) / 1e6,
    maxBreakpoints: Math.max(0, ...billed.map((r) => r.bill!.breakpoints)),
    ttftMsPerTurn: ttft,
    ttftMsMedian: median(ttft),
  };
}

/** Time to first token per turn as picode measured it (request sent -> first text or tool call). */
function clientTtft(records: readonly CallRecord[]): number[] {
  return records.map((r) => Math.round((r.ttftMs ?? 0) * 10) / 10);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
}

async function picodeRun(cache: 'auto' | 'off', provider: 'anthropic' | 'openai'): Promise<{ requests: RecordedRequest[]; records: CallRecord[] }> {
  const fake = await fakeServer('run_command');
  const dir = mkdtempSync(join(tmpdir(), 'picode-bench-cost-'));
  const records: CallRecord[] = [];
  try {
    const llm = createProviderService({
      config: {
        providers: {
          anthropic: { baseUrl: fake.anthropicBaseUrl, cache },
          openai: { baseUrl: fake.openaiBaseUrl, cache },
        },
        failover: { retries: 0 },
      },
      env: { ANTHROPIC_API_KEY: 'sk-ant-bench-0123456789abcdef', OPENAI_API_KEY: 'sk-bench-0123456789abcdef' },
      prices,
      record: (r) => records.push(r),
    });
    const env = localEnvironment(dir, 'agent:bench');
    const result = await runAgent({
      llm, model: provider === 'anthropic' ? `anthropic:${model}` : 'openai:gpt-4.1',
      system: agentSystem(dir),
      messages: [{ role: 'user', content: task }],
      tools: hostTools(env),
      approvals: new RunApprovals({ default: 'allow', tools: {} }),
      limits: { ...defaultLimits, maxTurns: turns + 5 },
      signal: new AbortController().signal,
      askPerson: async () => 'yes',
      inbox: new AgentInbox(),
      interactive: false,
      onEvent: () => {},
    });
    if (result.status !== 'done') throw new Error(`picode run ended ${result.status}: ${result.reason}`);
    return { requests: [...fake.requests], records };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The host's system prompt for a run without a work pane (host/agents/agentService.ts). */
function agentSystem(dir: string): string {
  return [
    'You are a coding agent working in a developer\'s terminal workspace through tools.',
    `The project is at ${dir}.`,
    'Work in small verified steps: read before you edit, run the tests after a change, and stop when the task is done.',
    'Finish with a short summary of what you changed and how you checked it.',
  ].join(' ');
}

function claudeBinary(): string | undefined {
  const dir = join(homedir(), '.cache', 'picode-test-tools', `claude-code-${claudeVersion}`);
  const bin = join(dir, 'node_modules', '.bin', 'claude');
  if (existsSync(bin)) return bin;
  try {
    log(`installing @anthropic-ai/claude-code@${claudeVersion} into ${dir}`);
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--prefix', dir, `@anthropic-ai/claude-code@${claudeVersion}`], { stdio: 'ignore' });
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

async function claudeCodeRun(): Promise<{ requests: RecordedRequest[] } | { skipped: string }> {
  const bin = claudeBinary();
  if (!bin) return { skipped: `Claude Code ${claudeVersion} is not installed and could not be installed` };
  const fake = await fakeServer('Bash');
  const home = mkdtempSync(join(tmpdir(), 'picode-bench-claude-'));
  const cwd = join(home, 'project');
  mkdirSync(cwd);
  const key = 'sk-ant-bench-0123456789abcdefghijklmnop';
  writeFileSync(join(home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
    projects: { [cwd]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  }));
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: key,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1',
    };
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(bin, ['-p', task, '--model', model, '--allowedTools', 'Bash', '--output-format', 'json'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
      child.stdout.resume();
      const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`claude did not finish in 300 s: ${err.slice(-500)}`)); }, 300_000);
      child.on('error', reject);
      child.on('exit', (c) => { clearTimeout(timer); if (c !== 0) log(`claude exited ${c}: ${err.slice(-500)}`); resolve(c); });
    });
    const main = fake.requests.filter((r) => isMainRequest(r.body, 'Bash')).length;
    if (code !== 0 || main < turns) log(`claude: exit ${code}, ${main} main requests of ${turns}`);
    return { requests: [...fake.requests] };
  } finally {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The same for an Anthropic request: tools, system, messages, without the breakpoint markers. */
function anthropicPrompt(body: Record<string, unknown>): string {
  return promptBlocksOf(body).map((b) => b.json).join('');
}

let promptBlocksOf: typeof import('../tests/fixtures/fake-llm/anthropicBilling.js').promptBlocks;
let openaiPrompt: typeof import('../tests/fixtures/fake-llm/openaiBilling.js').openaiPrompt;
let commonPrefixLength: typeof import('../tests/fixtures/fake-llm/openaiBilling.js').commonPrefixLength;

const percent = (part: number, whole: number): number => Math.round((part / whole) * 1000) / 10;

/**
 * Per request after the first: the share of its prompt that is a byte-identical prefix of the
 * previous prompt (`ofCurrent`); the share of the previous prompt repeated at its start
 * (`ofPrevious`, 100 = nothing reshuffled); and `bound`, the most `ofCurrent` can be for any
 * client: the previous prompt whole, over this one (what the turn appends is new to every cache).
 */
function prefixShares(
  requests: readonly RecordedRequest[],
  prompt: (body: Record<string, unknown>) => string = openaiPrompt,
  // An OpenAI prompt ends with the `]` that closes its messages: the next turn inserts before it.
  closing = 1,
): { ofCurrent: number[]; ofPrevious: number[]; bound: number[] } {
  const ofCurrent: number[] = [];
  const ofPrevious: number[] = [];
  const bound: number[] = [];
  for (let i = 1; i < requests.length; i++) {
    const previous = prompt(requests[i - 1]!.body);
    const current = prompt(requests[i]!.body);
    const same = commonPrefixLength(previous, current);
    ofCurrent.push(percent(same, current.length));
    ofPrevious.push(percent(same, previous.length));
    bound.push(percent(Math.min(previous.length - closing, current.length), current.length));
  }
  return { ofCurrent, ofPrevious, bound };
}

/** Input tokens and dollars of the OpenAI run as the fake billed it (gpt-4.1 prices), and the same with nothing cached. */
function openaiBilling(requests: readonly RecordedRequest[]): { inputTokens: number; cachedTokens: number; costUsd: number; uncachedCostUsd: number; cachedShareOfInput: number } {
  const p = findPrice(prices, 'openai:gpt-4.1')!;
  let inputTokens = 0;
  let cachedTokens = 0;
  let cost = 0;
  let uncached = 0;
  for (const r of requests) {
    const bill = r.openaiBill;
    if (!bill) continue;
    inputTokens += bill.input;
    cachedTokens += bill.cachedInput;
    const usage = { input: bill.input, cachedInput: bill.cachedInput, cacheWrite: 0, output: 0, reasoning: 0 };
    cost += costOf(usage, p) ?? 0;
    uncached += costOf({ ...usage, cachedInput: 0 }, p) ?? 0;
  }
  const usd = (n: number): number => Math.round(n * 1e6) / 1e6;
  return { inputTokens, cachedTokens, costUsd: usd(cost), uncachedCostUsd: usd(uncached), cachedShareOfInput: percent(cachedTokens, inputTokens) };
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  log('picode, cache auto');
  const cached = await picodeRun('auto', 'anthropic');
  log('picode, cache off');
  const uncached = await picodeRun('off', 'anthropic');
  log('Claude Code');
  const claude = await claudeCodeRun();
  log('picode through the OpenAI adapter');
  const openai = await picodeRun('auto', 'openai');

  const on = figures(cached.requests, 'run_command');
  const off = figures(uncached.requests, 'run_command');
  const cc = 'requests' in claude ? figures(claude.requests, 'Bash') : undefined;
  promptBlocksOf = (await import('../tests/fixtures/fake-llm/anthropicBilling.js')).promptBlocks;
  ({ openaiPrompt, commonPrefixLength } = await import('../tests/fixtures/fake-llm/openaiBilling.js'));
  const shares = prefixShares(openai.requests);
  const claudeShares = 'requests' in claude
    ? prefixShares(claude.requests.filter((r) => isMainRequest(r.body, 'Bash')), anthropicPrompt, 0) : undefined;
  const result = {
    bench: 'cost',
    machine: { loadavg1: Math.round(load * 100) / 100, cpus: (await import('node:os')).cpus().length },
    script: { turns, model, prices: price, prefillMsPerKToken: prefill },
    picodeCached: { ...on, clientTtftMsPerTurn: clientTtft(cached.records) },
    picodeUncached: { ...off, clientTtftMsPerTurn: clientTtft(uncached.records) },
    claudeCode: cc ?? claude,
    ratios: {
      cachedVsUncachedCost: Math.round((on.costUsd / off.costUsd) * 1000) / 1000,
      cachedVsClaudeCodeCost: cc ? Math.round((on.costUsd / cc.costUsd) * 1000) / 1000 : null,
      goals: { cachedVsUncached: '<= 0.3', cachedVsClaudeCode: '<= 1.1' },
    },
    openai: {
      requests: openai.requests.length,
      promptCacheKeys: new Set(openai.requests.map((r) => r.body.prompt_cache_key)).size,
      /** Per request after the first: % of its prompt that is a byte-identical prefix of the previous prompt. */
      prefixShareOfRequest: shares.ofCurrent,
      prefixShareOfRequestMin: Math.min(...shares.ofCurrent),
      prefixShareOfRequestMedian: median(shares.ofCurrent),
      /** Per request after the first: the most the share above can be (the previous prompt whole, over this one). */
      prefixShareBound: shares.bound,
      /** Turns whose share is below its bound (0 = every turn repeats the whole previous prompt). */
      turnsBelowBound: shares.ofCurrent.filter((v, i) => v < shares.bound[i]!).length,
      /** Per request after the first: % of the previous prompt repeated unchanged at its start (100 = nothing reshuffled). */
      previousPromptReused: shares.ofPrevious,
      previousPromptReusedMin: Math.min(...shares.ofPrevious),
      goal: '>= 95% after the first turn',
      /** As OpenAI bills it (1,024-token minimum, 128-token steps; tokens = characters / 4), at gpt-4.1 prices, input only. */
      billing: openaiBilling(openai.requests),
      /** The same measure on Claude Code's requests (its fixed prompt is ~10x picode's, so each turn adds a smaller share). */
      claudeCodePrefixShareOfRequest: claudeShares?.ofCurrent ?? null,
      claudeCodePrefixShareBound: claudeShares?.bound ?? null,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
