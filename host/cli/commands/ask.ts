import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { positiveInt } from '../support.js';
import { PicodeError } from '../../core/errors.js';
import type { ContextItem, ContextSource } from '../../../src/context/types.js';
import type { GatheredContext } from '../../../src/context/ask.js';
import type { CompletionRequest, LlmErrorInfo, StreamPart, Usage } from '../../../src/providers/types.js';
import type { ApprovalPrompt } from '../../llm/approval.js';

/**
 * `picode ask "QUESTION"`: gathers context (panes, the last failed command, files), fits it
 * into the budget, passes the `llm.request` gate and the approval policy, and streams the
 * answer. With a host running for the session, the request goes through the host (its hooks,
 * its record, and the agent pane shows the answer); otherwise it runs here with the same
 * hooks and policy. The SDKs are imported only when a request is actually sent from here.
 */
interface AskOptions {
  pane?: string[];
  file?: string[];
  model?: string;
  json?: boolean;
  session?: string;
  lastFailed: boolean;
  budget: string;
  maxTokens?: string;
  yes?: boolean;
  host: boolean;
  plugins: boolean;
}

export function define(program: Command): void {
  program.command('ask')
    .description('ask a model a question with context from panes and files; streams the answer')
    .argument('<question...>', 'the question (quote it, or pass several words)')
    .option('--pane <pane>', 'include a pane\'s recent output (layout name, %id or session:window.pane); repeatable', collect)
    .option('--file <path>', 'include a file; repeatable', collect)
    .option('--model <model>', 'provider:model or an alias from the config (default: models.ask, then models.default)')
    .option('--session <name>', 'session for panes and the host (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--no-last-failed', 'do not include the last failed command of the session (included when < 30 min old)')
    .option('--budget <tokens>', 'context budget in tokens (estimated)', '12000')
    .option('--max-tokens <n>', 'longest answer, in tokens')
    .option('--yes', 'approve sending without a prompt (when the approval policy would ask)')
    .option('--no-host', 'run here even if a host is running for the session')
    .option('--no-plugins', 'do not ask the host\'s plugins for context (gather-context)')
    .option('--json', 'print one JSON document (answer, model, sources, usage, cost) instead of streaming')
    .addHelpText('after', `
Examples:
  picode ask "why does this test fail?" --pane tests
  picode ask "explain this module" --file src/providers/stream.ts --model anthropic:claude-sonnet-4-5
  picode ask "summarise" --pane %3 --json

Providers come from the environment (ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY,
GEMINI_API_KEY) or the config (providers, models, aliases). See docs/providers.md.`)
    .action(async (words: string[], opts: AskOptions, cmd: Command) => {
      await runAsk(words.join(' '), opts, cmd);
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function runAsk(question: string, opts: AskOptions, cmd: Command): Promise<void> {
  if (!question.trim()) throw new PicodeError('ask: the question is empty', { hint: 'picode ask "what failed?" --pane shell' });
  const budget = positiveInt(opts.budget, '--budget');
  const maxTokens = opts.maxTokens === undefined ? undefined : positiveInt(opts.maxTokens, '--max-tokens');
  const env = process.env;
  const cwd = process.cwd();
  const [{ loadConfig }, { optionalSessionTarget }] = await Promise.all([import('../../config/load.js'), import('../../ipc/target.js')]);
  const { config } = await loadConfig({ cwd, env });
  const target = await optionalSessionTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket, env });
  const session = target?.session;
  const tmuxSocket = target?.tmuxSocket ?? globalOptions(cmd).tmuxSocket;

  // Fail early, before gathering anything, when no provider could answer.
  const { resolveChain, enableHint } = await import('../../../src/providers/registry.js');
  try {
    resolveChain(opts.model, 'ask', config, env);
  } catch (error) {
    // A local server may be running without being configured: name it, it is the quickest fix.
    const { doctorChecks } = await import('../../../src/providers/doctor.js');
    const running = (await doctorChecks(env)).filter((c) => c.status === 'ok' && c.name.startsWith('provider '));
    const hint = running.length
      ? `${running.map((c) => `${c.name.slice('provider '.length)} is running (${c.detail})`).join('; ')}: pass --model ${running[0]!.name.slice('provider '.length)}:MODEL or set models in the config`
      : enableHint();
    throw new PicodeError(`ask: ${(error as Error).message.replace(/ Set one of.*$/s, '')}`, { hint });
  }

  const client = opts.host && session ? await tryConnect(session, tmuxSocket) : undefined;
  let context: GatheredContext;
  try {
    context = await gather(question, opts, { config, env, cwd, session, tmuxSocket, budget, client });
  } catch (error) {
    client?.close();
    throw error;
  }
  const { buildAskRequest } = await import('../../../src/context/ask.js');
  const request = buildAskRequest(question, context, { model: opts.model, maxTokens });
  const out = new AnswerPrinter(opts.json === true);

  const started = performance.now();
  if (client) {
    try {
      await streamThroughHost(client, request, question, out, opts, await callerKeys(config, env));
    } finally {
      client.close();
    }
  } else {
    await streamHere(request, out, opts, { config, env, cwd });
  }
  await out.finish(context, performance.now() - started, client !== undefined);
}

interface Env {
  readonly config: import('../../config/schema.js').PicodeConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

type HostClient = import('../../ipc/client.js').HostClient;

async function gather(question: string, opts: AskOptions, e: Env & {
  session: string | undefined; tmuxSocket: string | undefined; budget: number; client: HostClient | undefined;
}): Promise<GatheredContext> {
  const [{ fileSource, paneOutputSource, lastFailedCommandSource }, { gatherContext }, cs] = await Promise.all([
    import('../../../src/context/sources.js'),
    import('../../../src/context/ask.js'),
    import('../../llm/contextSources.js'),
  ]);
  const sources: ContextSource[] = [];
  const read = cs.fileReader(e.cwd);
  for (const file of opts.file ?? []) {
    const path = cs.displayPath(e.cwd, file);
    sources.push(fileSource({ path, read: () => read(file) }));
  }
  if (opts.pane?.length) {
    const { resolveMux } = await import('../../mux/index.js');
    const mux = await resolveMux({ kind: e.config.mux, tmuxSocket: e.tmuxSocket ?? e.config.tmux.socket, tmuxBinary: e.config.tmux.binary, env: e.env });
    for (const pane of opts.pane) {
      const target = await cs.resolvePane(mux, pane, e.session);
      sources.push(paneOutputSource({
        pane: target.id,
        label: target.label,
        lines: 200,
        capture: async (id, lines) => {
          try {
            return await mux.capture(id, { lines });
          } catch (error) {
            throw new PicodeError(`--pane ${pane}: cannot capture it: ${(error as Error).message}`, { hint: 'check the pane exists (picode panes)' });
          }
        },
      }));
    }
  }
  if (opts.lastFailed && e.session) {
    const session = e.session;
    sources.push(lastFailedCommandSource(async () => {
      const { openStore } = await import('../../store/db.js');
      const store = openStore();
      try {
        return cs.lastFailedCommand(store.db, session, e.tmuxSocket, 30 * 60_000);
      } finally {
        store.close();
      }
    }));
  }
  if (opts.plugins && e.client) {
    const client = e.client;
    const targets = [...(opts.pane ?? []), ...(opts.file ?? [])];
    sources.push(async () => pluginContext(client, question, Math.floor(e.budget / 2), targets));
  }
  if (e.client) {
    // Resources of the host's MCP servers named as context (`mcp.servers.NAME.context`).
    const client = e.client;
    sources.push(async () => client.call<ContextItem[]>('mcp.context').catch(() => []));
  }
  return gatherContext(sources, e.budget);
}

/**
 * Context from the host's plugins (their `gather-context` export): what a plugin thinks is
 * relevant to the question (git status, errors seen in panes...). Optional: a host without
 * the plugin runtime, or a failing plugin, leaves it out.
 */
async function pluginContext(client: HostClient, question: string, tokenBudget: number, targets: string[]): Promise<ContextItem[]> {
  const { contextItem } = await import('../../../src/context/types.js');
  let items: Array<{ source?: unknown; title?: unknown; content?: unknown; priority?: unknown }>;
  try {
    ({ items } = await client.call<{ items: typeof items }>('plugin.context', { task: question, tokenBudget, targets }));
  } catch {
    return [];
  }
  return items.filter((i) => typeof i.source === 'string' && typeof i.content === 'string' && i.content).map((i) => contextItem({
    source: `plugin:${String(i.source)}`,
    title: typeof i.title === 'string' ? i.title : String(i.source),
    text: String(i.content),
    // Plugins rank 0-100 among themselves; below the user's own picks (files 70, failures 80).
    priority: Math.min(60, Math.max(0, Number(i.priority) || 0) * 0.6),
    keep: 'head',
  }));
}

async function tryConnect(session: string, tmuxSocket: string | undefined): Promise<HostClient | undefined> {
  const { connectHost } = await import('../../ipc/client.js');
  try {
    return await connectHost(session, tmuxSocket);
  } catch {
    return undefined; // no host: run here
  }
}

/** The approval prompt on this terminal, `--yes`, or none (not a terminal: refuse). */
async function localPrompt(opts: AskOptions): Promise<ApprovalPrompt | undefined> {
  if (opts.yes) return async () => true;
  if (!process.stdin.isTTY) return undefined;
  const { terminalPrompt } = await import('../../llm/approval.js');
  return terminalPrompt(process.stdin, process.stderr);
}

async function streamHere(request: CompletionRequest, out: AnswerPrinter, opts: AskOptions, e: Env): Promise<void> {
  const [{ buildLlmService }, { openStore }, { standaloneGatePass }] = await Promise.all([
    import('../../llm/service.js'),
    import('../../store/db.js'),
    import('../../llm/standaloneGate.js'),
  ]);
  const store = openStore();
  const gate = await standaloneGatePass({ config: e.config, cwd: e.cwd, env: e.env, store });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const service = buildLlmService({ config: e.config, env: e.env, store, gate: gate?.pass, prompt: await localPrompt(opts) });
    for await (const part of service.stream({ ...request, signal: controller.signal })) out.part(part);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await gate?.stop();
    store.close();
  }
}

/** This shell's provider keys, which the host uses for this request when it has none (over the 0600 socket, never stored). */
async function callerKeys(config: Env['config'], env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const { providerKeyNames } = await import('../../llm/providerKeys.js');
  const keys: Record<string, string> = {};
  for (const name of await providerKeyNames(config)) if (env[name]) keys[name] = env[name]!;
  return keys;
}

async function streamThroughHost(client: HostClient, request: CompletionRequest, question: string, out: AnswerPrinter, opts: AskOptions, keys: Record<string, string>): Promise<void> {
  const prompt = await localPrompt(opts);
  const stopParts = client.onNotification('llm.part', (params) => out.part((params as { part: StreamPart }).part));
  const stopApprovals = client.onNotification('llm.approval', (params) => {
    const p = params as { approvalId: string; models: string[]; sources: string[]; preview: string };
    void (async () => {
      const approve = prompt ? await prompt(p) : false;
      await client.call('llm.approve', { approvalId: p.approvalId, approve }).catch(() => undefined);
    })();
  });
  const onSigint = (): void => client.close();
  process.once('SIGINT', onSigint);
  try {
    const { signal: _signal, ...serialisable } = request;
    await client.call('llm.stream', { request: serialisable, question, ...(Object.keys(keys).length > 0 ? { keys } : {}) });
  } finally {
    process.removeListener('SIGINT', onSigint);
    stopParts();
    stopApprovals();
  }
}

/** Writes the answer as it streams (or collects it for --json) and the summary at the end. */
class AnswerPrinter {
  private text = '';
  private model: string | undefined;
  private usage: Usage = { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0 };
  private error: LlmErrorInfo | undefined;
  private finishReason: string | undefined;
  private readonly retries: string[] = [];
  private endsWithNewline = true;

  constructor(private readonly json: boolean) {}

  part(part: StreamPart): void {
    switch (part.type) {
      case 'attempt':
        this.model = part.model;
        if (part.reason) this.retries.push(`${part.reason.model ?? '?'}: ${part.reason.kind}`);
        if (part.reason && !this.json) process.stderr.write(dim(`[${part.reason.kind} from ${part.reason.model ?? 'model'}; trying ${part.model}]\n`));
        break;
      case 'text-delta':
        this.text += part.text;
        if (!this.json) {
          process.stdout.write(part.text);
          this.endsWithNewline = part.text.endsWith('\n');
        }
        break;
      case 'usage': this.usage = part.usage; break;
      case 'finish': this.model = part.model; this.finishReason = part.reason; break;
      case 'error': this.error = part.error; break;
      case 'tool-call': break;
    }
  }

  async finish(context: GatheredContext, durationMs: number, viaHost: boolean): Promise<void> {
    const { loadPrices } = await import('../../llm/prices.js');
    const { costOf, findPrice } = await import('../../../src/providers/cost.js');
    const cost = this.model ? costOf(this.usage, findPrice(loadPrices(), this.model)) : undefined;
    const sources = context.items.map((i) => (i.truncated ? `${i.source} (shortened)` : i.source));
    if (this.json) {
      process.stdout.write(`${JSON.stringify({
        answer: this.text,
        model: this.model ?? null,
        finishReason: this.finishReason ?? null,
        sources: context.items.map((i) => ({ source: i.source, title: i.title, tokens: i.tokens, truncated: i.truncated })),
        dropped: context.dropped,
        usage: this.usage,
        costUsd: cost ?? null,
        durationMs: Math.round(durationMs),
        viaHost,
        retries: this.retries,
        error: this.error ?? null,
      }, null, 2)}\n`);
    } else {
      if (!this.endsWithNewline) process.stdout.write('\n');
      const parts = [
        `sources: ${sources.length ? sources.join(', ') : 'none'}`,
        ...(context.dropped.length ? [`left out: ${context.dropped.map((d) => `${d.source} (${d.reason})`).join(', ')}`] : []),
        `${this.model ?? 'no model'}`,
        `${this.usage.input.toLocaleString('en-US')} in${this.usage.cachedInput ? ` (${this.usage.cachedInput.toLocaleString('en-US')} cached)` : ''} / ${this.usage.output.toLocaleString('en-US')} out tokens`,
        cost === undefined ? 'cost unknown (no price)' : `$${cost.toFixed(4)}`,
      ];
      process.stderr.write(dim(`\n— ${parts.join(' · ')}\n`));
    }
    if (this.error) throw askError(this.error);
  }
}

function askError(error: LlmErrorInfo): PicodeError {
  const hints: Record<string, string> = {
    auth: 'check the key: picode doctor lists the providers and where their keys come from',
    'rate-limited': 'wait and retry, or configure a failover chain (models: [a, b]) in the picode config',
    overloaded: 'the provider is overloaded or failing: retry later, or configure a failover chain',
    'context-too-long': 'use a smaller --budget, fewer panes or files, or a model with a larger context window',
    'bad-request': 'check the model name (provider:model) and the config; docs/providers.md',
    network: 'check the connection and the base URL (providers.NAME.baseUrl, OPENAI_BASE_URL, ANTHROPIC_BASE_URL)',
    stalled: 'the provider stopped sending: retry, or raise failover.stallMs',
    truncated: 'the answer was cut off: retry',
    denied: 'a hook (llm.request) or the approval policy refused it; nothing was sent',
    aborted: 'interrupted',
  };
  return new PicodeError(`ask: ${error.kind}${error.model ? ` (${error.model})` : ''}: ${error.message}`, { hint: hints[error.kind] });
}

function dim(text: string): string {
  return process.stderr.isTTY ? `\x1b[2m${text}\x1b[22m` : text;
}
