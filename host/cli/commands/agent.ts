import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import type { AgentsClient } from '../../agents/client.js';
import { positiveInt, positiveNumber, withAgentsClient, withParent } from '../../agents/cliSupport.js';
import type { AgentNotification, PendingApproval } from '../../agents/agentService.js';
import type { AgentRunRecord, StoredEntry } from '../../agents/runStore.js';

interface StartOptions {
  pane?: string; model?: string; worktree?: boolean; interactive?: boolean; wait?: boolean; yes?: boolean;
  maxTurns?: string; maxCost?: string; session?: string; json?: boolean;
}

/**
 * `picode agent "TASK"` starts an agent run (in the session's host when one runs, else in this
 * process); `agent list|log|send|approve|stop` inspect and steer runs.
 */
export function define(program: Command): void {
  const agent = program.command('agent')
    .description('run an agent on a task (in the host when one runs), or inspect and steer runs')
    .argument('[task]', 'what the agent should do')
    .option('--pane <pane>', 'pane its commands run in (id like %3 or the layout name); default: child processes in the working directory')
    .option('--model <model>', 'model (`provider:model` or an alias); default: config `agents.model`, then the `models` chain')
    .option('--worktree', 'work in a new git worktree (branch picode/agent-N) instead of the checkout')
    .option('--interactive', 'after answering, wait for the next message instead of finishing')
    .option('--wait', 'follow the run here until it ends (always on without a host)')
    .option('--yes', 'answer yes to every approval the run asks (tools the policy denies stay denied)')
    .option('--max-turns <n>', 'stop after this many model calls (default: config agents.maxTurns)')
    .option('--max-cost <usd>', 'stop when the run has cost this many US dollars (default: config agents.maxCostUsd)')
    .option('--session <name>', 'session (default: PICODE_SESSION or the current tmux session)')
    .option('--json', 'print the run (and with --wait the final state) as JSON')
    .action(async (task: string | undefined, opts: StartOptions, cmd: Command) => {
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

  agent.command('list')
    .description('list agent runs with their status, tokens and cost')
    .option('--session <name>', 'session')
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; json?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, async (client) => {
        const runs = await client.call<AgentRunRecord[]>('agent.list');
        if (opts.json) { process.stdout.write(`${JSON.stringify(runs)}\n`); return; }
        if (!runs.length) { process.stdout.write('no agent runs\n'); return; }
        for (const r of runs) {
          process.stdout.write(`#${r.id}  ${r.status.padEnd(16)} ${String(r.usage.turns).padStart(3)} turns  ${String(r.usage.inputTokens + r.usage.outputTokens).padStart(8)} tok  $${r.usage.costUsd.toFixed(4)}  ${r.task.split('\n')[0]!.slice(0, 60)}\n`);
        }
      });
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
        const detail = await client.call<{ run: AgentRunRecord; entries: StoredEntry[] }>('agent.get', { run });
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
        await client.call('agent.message', { run: positiveInt(runArg, 'RUN'), text });
        process.stdout.write('sent\n');
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
    .description('stop a run (its job is cancelled; the transcript is kept)')
    .argument('<run>', 'run id')
    .option('--session <name>', 'session')
    .action(async (runArg: string, opts: { session?: string }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, async (client) => {
        const run = await client.call<AgentRunRecord>('agent.stop', { run: positiveInt(runArg, 'RUN') });
        process.stdout.write(`agent run #${run.id}: ${run.status}\n`);
      }, true);
    });
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

