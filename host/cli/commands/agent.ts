import type { Command } from 'commander';
import { ExitCode, PicodeError } from '../../core/errors.js';
import type { AgentsClient } from '../../agents/client.js';
import { positiveInt, positiveNumber, withAgentsClient, withParent } from '../support.js';
import type { AgentNotification, PendingApproval } from '../../agents/agentService.js';
import type { AgentRunRecord, StoredEntry, TranscriptEntry } from '../../agents/runStore.js';
import type { InPlaceLaunch } from '../../agents/external/service.js';
import { listOptions, listRequest, printListing } from '../listing.js';

interface StartOptions {
  pane?: string; model?: string; worktree?: boolean; interactive?: boolean; wait?: boolean; yes?: boolean;
  maxTurns?: string; maxCost?: string; session?: string; json?: boolean; with?: string; cwd?: string;
}

type Listed = AgentRunRecord & { kind: string; pane?: string; statusSource: string; since: number; queued?: number };

/**
 * `picode agent "TASK"` starts an agent run (in the session's host when one runs, else in this
 * process); `agent list|log|send|approve|stop` inspect and steer runs.
 */
export function define(program: Command): void {
  const agent = program.command('agent')
    .description('run an agent on a task (in the host when one runs), or inspect and steer runs')
    .argument('[task]', 'what the agent should do')
    .argument('[agentArgs...]', 'with --with: arguments after -- go to the agent\'s CLI')
    .option('--with <agent>', 'run a coding agent\'s own CLI in a pane instead: claude, codex, gemini, opencode, aider, or \'CMD ARGS\'')
    .option('--cwd <dir>', 'with --with: the directory it starts in (default: this one)')
    .option('--pane <pane>', 'pane its commands run in (id like %3 or the layout name); default: child processes in the working directory. With --with: the pane the agent runs in (`next`: the next free agent pane), default a new pane')
    .option('--model <model>', 'model (`provider:model` or an alias); default: config `agents.model`, then the `models` chain')
    .option('--worktree', 'work in a new git worktree (branch picode/agent-N) instead of the checkout')
    .option('--interactive', 'after answering, wait for the next message instead of finishing')
    .option('--wait', 'follow the run here until it ends (always on without a host)')
    .option('--yes', 'answer yes to every approval the run asks (tools the policy denies stay denied)')
    .option('--max-turns <n>', 'stop after this many model calls (default: config agents.maxTurns)')
    .option('--max-cost <usd>', 'stop when the run has cost this many US dollars (default: config agents.maxCostUsd)')
    .option('--session <name>', 'session (default: PICODE_SESSION or the current tmux session)')
    .option('--json', 'print the run (and with --wait the final state) as JSON')
    .action(async (task: string | undefined, agentArgs: string[], opts: StartOptions, cmd: Command) => {
      if (opts.with !== undefined) {
        await startExternal(cmd, task ?? '', agentArgs, opts);
        return;
      }
      if (agentArgs.length) throw new PicodeError(`agent: unexpected arguments: ${agentArgs.join(' ')}`, { hint: 'quote the task ("fix the tests"); arguments after -- go to an agent CLI started with --with' });
      if (!task) {
        cmd.help({ error: true });
        return;
      }
      await withAgentsClient(cmd, opts.session, async (client) => {
        const limits: Record<string, number> = {};
        if (opts.maxTurns !== undefined) limits.maxTurns = positiveInt(opts.maxTurns, '--max-turns');
        if (opts.maxCost !== undefined) limits.maxCostUsd = positiveNumber(opts.maxCost, '--max-cost');
        const follow = opts.wait || client.standalone;
        const printer = follow ? new Follower(client, opts.json === true, opts.yes === true) : undefined;
        await printer?.attach();
        const { run } = await client.call<{ run: AgentRunRecord }>('agent.start', {
          task, model: opts.model, pane: opts.pane, cwd: process.cwd(), worktree: opts.worktree === true,
          interactive: opts.interactive === true, limits,
        });
        if (!printer) {
          process.stdout.write(opts.json ? `${JSON.stringify(run)}\n` : `agent run #${run.id} started in session ${client.session}; watch it with \`picode pane agent --run ${run.id}\` or \`picode agent log ${run.id}\`\n`);
          return;
        }
        const final = await printer.until(run.id);
        if (opts.json) process.stdout.write(`${JSON.stringify(final)}\n`);
        if (final.status !== 'done') process.exitCode = 1;
      });
    });

  listOptions(agent.command('list'), 'runs', 50)
    .description('list agent runs with their status, tokens and cost, newest first')
    .option('--session <name>', 'session')
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; json?: boolean; limit: number; all?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, (client) => printListing({
        fetch: (page) => client.call<Listed[]>('agent.list', page), keyOf: (r) => r.id, request: listRequest(opts, 'newestFirst'),
        json: opts.json === true, empty: 'no agent runs', print: printRuns,
      }));
    });

  agent.command('log')
    .description("print a run's transcript: messages, tool calls and results, approvals")
    .argument('<run>', 'run id')
    .option('--jsonl', 'one JSON object per entry (for export)')
    .option('--session <name>', 'session')
    .action(async (runArg: string, opts: { jsonl?: boolean; session?: string }, cmd: Command) => {
      opts = withParent(cmd, opts);
      const run = positiveInt(runArg, 'RUN');
      await withAgentsClient(cmd, opts.session, async (client) => {
        const detail = await client.call<{ run: Listed; entries: StoredEntry[] }>('agent.get', { run });
        if (detail.run.kind && detail.run.kind !== 'picode') {
          const own = await client.call<{ source: string; path: string | null; entries: TranscriptEntry[] }>('agent.transcript', { run });
          const time = new Date(detail.run.createdAt).toISOString();
          if (opts.jsonl) { for (const [i, e] of own.entries.entries()) process.stdout.write(`${JSON.stringify({ run, seq: i + 1, time, ...e })}\n`); return; }
          const { entryLines } = await import('../../ui/views/agent.js');
          process.stdout.write(`agent run #${run} · ${detail.run.kind} · ${detail.run.status} (${detail.run.statusSource})${own.path ? ` · from ${own.path}` : ''}\n`);
          for (const e of own.entries) for (const l of entryLines(e, process.stdout.columns || 100, true)) process.stdout.write(`${l.text}\n`);
          return;
        }
        if (opts.jsonl) {
          const { transcriptJsonl } = await import('../../agents/runStore.js');
          process.stdout.write(transcriptJsonl(detail.entries));
          return;
        }
        const { entryLines } = await import('../../ui/views/agent.js');
        const width = process.stdout.columns || 100;
        process.stdout.write(`agent run #${detail.run.id} · ${detail.run.status} · ${detail.run.model} · ${detail.run.usage.turns} turns · $${detail.run.usage.costUsd.toFixed(4)}\n`);
        for (const e of detail.entries) for (const l of entryLines(e.entry, width, true)) process.stdout.write(`${l.text}\n`);
      });
    });

  agent.command('send')
    .description('send a message to a run (a finished run continues with it)')
    .argument('<run>', 'run id')
    .argument('<text>', 'the message')
    .option('--session <name>', 'session')
    .action(async (runArg: string, text: string, opts: { session?: string }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, async (client) => {
        const result = await client.call<{ run: Listed; sent: boolean; queued: number }>('agent.message', { run: positiveInt(runArg, 'RUN'), text });
        process.stdout.write(result.sent ? 'sent\n' : `queued (${result.queued} waiting): agent #${result.run.id} is ${result.run.status.replace('_', ' ')}; it gets the message when it waits for input\n`);
      }, true);
    });

  agent.command('approve')
    .description('answer the approval a run is waiting for')
    .argument('<run>', 'run id, or mcp:ID for a call an MCP client waits on (picode mcp approvals)')
    .argument('<answer>', 'yes, no, or always (allow this tool for the rest of the run)')
    .option('--session <name>', 'session')
    .action(async (runArg: string, answer: string, opts: { session?: string }, cmd: Command) => {
      opts = withParent(cmd, opts);
      if (!['yes', 'no', 'always'].includes(answer)) throw new PicodeError(`approve: "${answer}" is not an answer`, { hint: 'answer yes, no or always' });
      await withAgentsClient(cmd, opts.session, async (client) => {
        if (runArg.startsWith('mcp:')) await client.call('mcp.approve', { id: positiveInt(runArg.slice(4), 'mcp:ID'), answer });
        else await client.call('agent.approve', { run: positiveInt(runArg, 'RUN'), answer });
        process.stdout.write(`answered ${answer}\n`);
      }, true);
    });

  agent.command('stop')
    .description('stop a run (its job is cancelled; the transcript is kept); an external agent is interrupted the way its CLI expects')
    .argument('<run>', 'run id')
    .option('--kill', 'external agents: also end the agent\'s process')
    .option('--session <name>', 'session')
    .action(async (runArg: string, opts: { session?: string; kill?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, async (client) => {
        const run = await client.call<AgentRunRecord>('agent.stop', { run: positiveInt(runArg, 'RUN'), kill: opts.kill === true });
        process.stdout.write(`agent run #${run.id}: ${run.status}\n`);
      }, true);
    });
}

/** `picode agent "TASK" --with KIND`: the agent's own CLI in a pane of the running session. */
async function startExternal(cmd: Command, task: string, agentArgs: string[], opts: StartOptions): Promise<void> {
  const { parseWith } = await import('../../agents/external/kinds.js');
  parseWith(opts.with!); // an unknown kind is refused here, before any host is asked
  const { resolve } = await import('node:path');
  // `--pane self`: the pane this runs in (a layout pane with `agent: KIND`), whose host may still be starting.
  // In Zellij the host cannot restart a pane's program: this process runs the agent itself (in place).
  const self = opts.pane === 'self';
  const zellijPane = !process.env.TMUX_PANE && process.env.ZELLIJ_PANE_ID ? `terminal_${process.env.ZELLIJ_PANE_ID}` : undefined;
  const pane = self ? process.env.TMUX_PANE ?? zellijPane : opts.pane;
  if (self && !pane) throw new PicodeError('--pane self: not running inside a tmux or Zellij pane', { hint: 'give a pane id or name, or leave --pane out for a new pane' });
  const inPlace = self && zellijPane !== undefined;
  const deadline = Date.now() + (self ? 60_000 : 0);
  for (;;) {
    try {
      const started = await withAgentsClient(cmd, opts.session, async (client) => {
        const answer = await client.call<{ run: Listed; launch?: InPlaceLaunch }>('agent.start', {
          with: opts.with, task, cwd: resolve(opts.cwd ?? process.cwd()), pane, worktree: opts.worktree === true,
          model: opts.model, args: agentArgs, ...(inPlace ? { inPlace: true } : {}),
        });
        const { run } = answer;
        process.stdout.write(opts.json ? `${JSON.stringify(run)}\n` : `agent run #${run.id} (${run.kind}) started in pane ${run.pane ?? '?'}; \`picode agent list\` shows its status, \`picode attention --next\` jumps to it when it waits\n`);
        return answer;
      }, true);
      if (started?.launch) {
        const { runInPlace } = await import('../../agents/external/inPlace.js');
        process.exitCode = await runInPlace(started.run.id, started.launch, (method, params) => withAgentsClient(cmd, opts.session, (c) => c.call(method, params), true));
      }
      return;
    } catch (error) {
      const unavailable = error instanceof PicodeError && error.exitCode === ExitCode.unavailable;
      if (!unavailable || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Prints a run as it goes (text streamed, tool calls and results, status changes) and
 * answers approvals: on a terminal by asking, with --yes by allowing, otherwise by denying
 * (a script cannot answer, and waiting forever helps nobody).
 */
class Follower {
  private run: number | undefined;
  private lastSeq = 0;
  private midText = false;
  private answered = new Set<string>();
  private resolveEnd: ((run: AgentRunRecord) => void) | undefined;
  private readonly early: AgentNotification[] = [];
  private format!: typeof import('../../ui/views/agent.js').entryLines;

  constructor(private readonly client: AgentsClient, private readonly quiet: boolean, private readonly yes: boolean) {}

  async attach(): Promise<void> {
    this.format = (await import('../../ui/views/agent.js')).entryLines;
    this.client.onNotification('agent.update', (params) => {
      const n = params as AgentNotification;
      if (this.run === undefined) this.early.push(n);
      else this.handle(n);
    });
    await this.client.call('agent.watch');
  }

  until(run: number): Promise<AgentRunRecord> {
    this.run = run;
    const end = new Promise<AgentRunRecord>((resolve) => { this.resolveEnd = resolve; });
    for (const n of this.early.splice(0)) this.handle(n);
    return end;
  }

  private out(text: string): void {
    if (!this.quiet) process.stdout.write(text);
  }

  private handle(n: AgentNotification): void {
    if (n.kind === 'text') {
      if (n.run !== this.run) return;
      this.out(n.text);
      this.midText = true;
      return;
    }
    if (n.kind === 'entry') {
      if (n.entry.run !== this.run || n.entry.seq <= this.lastSeq) return;
      this.lastSeq = n.entry.seq;
      const entryLines = this.format;
      {
        const entry = n.entry.entry;
        if (entry.kind === 'assistant') {
          // Its text already streamed: print only the tool calls.
          if (this.midText) this.out('\n');
          this.midText = false;
          for (const l of entryLines({ ...entry, text: '' }, 120, false)) this.out(`${l.text}\n`);
          return;
        }
        if (entry.kind === 'user' && this.lastSeq === 1) return;
        for (const l of entryLines(entry, 120, false)) this.out(`${l.text}\n`);
      }
      return;
    }
    if (n.run.id !== this.run) return;
    if (n.pendingApproval) void this.approve(n.run, n.pendingApproval);
    if (['done', 'failed', 'stopped', 'interrupted'].includes(n.run.status) || (n.run.status === 'waiting_input' && !process.stdin.isTTY)) {
      this.resolveEnd?.(n.run);
    }
  }

  private async approve(run: AgentRunRecord, pending: PendingApproval): Promise<void> {
    if (this.answered.has(pending.call.id)) return;
    this.answered.add(pending.call.id);
    let answer: 'yes' | 'no' | 'always';
    const args = JSON.stringify(pending.call.args);
    if (this.yes) {
      answer = 'yes';
      this.out(`allowed (--yes): ${pending.call.name} ${args}\n`);
    } else if (process.stdin.isTTY) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const reply = (await rl.question(`Allow ${pending.call.name} ${args}?${pending.reason ? ` (${pending.reason})` : ''} [y]es / [n]o / [a]lways: `)).trim().toLowerCase();
      rl.close();
      answer = reply.startsWith('a') ? 'always' : reply.startsWith('y') ? 'yes' : 'no';
    } else {
      answer = 'no';
      this.out(`denied (no terminal to ask; pass --yes to allow): ${pending.call.name} ${args}\n`);
    }
    await this.client.call('agent.approve', { run: run.id, answer }).catch(() => {});
  }
}

/** One line per run: kind, status, and tokens and cost (picode's own) or pane and status source (external). */
function printRuns(runs: readonly Listed[]): void {
  for (const r of runs) {
    const kind = (r.kind ?? 'picode').padEnd(8);
    const usage = r.kind && r.kind !== 'picode'
      ? `${(r.pane ?? '-').padEnd(5)} ${r.statusSource.padEnd(8)} since ${new Date(r.since).toLocaleTimeString()}${r.worktree ? `  ${r.worktree}` : ''}`
      : `${String(r.usage.turns).padStart(3)} turns  ${String(r.usage.inputTokens + r.usage.outputTokens).padStart(8)} tok  $${r.usage.costUsd.toFixed(4)}`;
    process.stdout.write(`#${r.id}  ${kind} ${r.status.padEnd(16)} ${usage}  ${r.task.split('\n')[0]!.slice(0, 60)}\n`);
  }
}
