import type { HostClient } from '../../ipc/client.js';
import type { AgentNotification, PendingApproval } from '../../agents/agentService.js';
import type { AgentRunRecord, StoredEntry, TranscriptEntry } from '../../agents/runStore.js';
import { line, wrap, type FrameContent, type Line } from '../frame.js';
import { linkLabel, scrollKeys, type KeyBinding, type View, type ViewContext } from '../view.js';
import { TmuxStatusLine } from '../statusLine.js';

type RunRow = AgentRunRecord & { pendingApproval?: PendingApproval | null | undefined };

const collapsedLines = 6;
const collapsedDiffLines = 24;

/**
 * The agent pane: one run's conversation as it streams (the model's text, each tool call
 * with its arguments and result, collapsed when long, diffs of file writes), approvals asked
 * inline (y / n / a = always for this tool), tokens and cost, and a prompt to message the
 * agent mid-run. Without `--run` it shows the runs the host hands it (each new run goes to a free agent pane);
 * `[` and `]` switch.
 */
export class AgentView implements View {
  readonly name = 'agent';
  private readonly runs = new Map<number, RunRow>();
  private shown: number | undefined;
  private readonly entries = new Map<number, StoredEntry>();
  private live = '';
  private expanded = false;
  private readonly scroll = { value: 0 };
  private client: HostClient | undefined;
  private readonly viewerId = process.env.TMUX_PANE ?? `view-${process.pid}`;
  private redrawView: () => void = () => {};

  constructor(
    private readonly session: string,
    private readonly pinned: number | undefined,
    private readonly statusLine: { update(runs: ReadonlyArray<{ id: number; status: string }>): void } = new TmuxStatusLine(),
  ) {
    this.shown = pinned;
  }

  title(): string {
    const run = this.run();
    return run ? `picode agent #${run.id}: ${run.status.replace('_', ' ')}` : 'picode agent';
  }

  run(): RunRow | undefined {
    return this.shown === undefined ? undefined : this.runs.get(this.shown);
  }

  allRuns(): RunRow[] {
    return [...this.runs.values()].sort((a, b) => a.id - b.id);
  }

  async subscribe(client: HostClient, redraw: () => void): Promise<void> {
    this.client = client;
    this.redrawView = redraw;
    client.onNotification('agent.update', (params) => {
      this.apply(params as AgentNotification);
      redraw();
    });
    client.onNotification('agent.assigned', (params) => {
      if (this.assign((params as { run: number }).run)) void this.load().then(() => this.redrawView(), () => {});
    });
    // A view that follows (not pinned) registers as a viewer: the host hands each new run to
    // a free agent pane, so several panes show several runs.
    const snapshot = await client.call<{ runs: RunRow[]; assigned: number | null }>('agent.watch', this.pinned === undefined ? { viewer: this.viewerId } : {});
    this.runs.clear();
    for (const run of snapshot.runs) this.runs.set(run.id, run);
    this.statusLine.update(this.allRuns());
    if (this.pinned === undefined) this.shown = snapshot.assigned ?? undefined;
    await this.load();
  }

  /** The host handed this view a run to show; false when pinned to another. */
  assign(run: number): boolean {
    if (this.pinned !== undefined || run === this.shown) return false;
    this.shown = run;
    return true;
  }

  /** Loads the shown run's transcript (merged by sequence with entries that streamed in meanwhile). */
  async load(): Promise<void> {
    const id = this.shown;
    this.entries.clear();
    this.live = '';
    this.scroll.value = 0;
    if (id === undefined || !this.client) return;
    const detail = await this.client.call<{ run: AgentRunRecord; entries: StoredEntry[]; pendingApproval: PendingApproval | null }>('agent.get', { run: id });
    if (this.shown !== id) return;
    this.runs.set(id, { ...detail.run, pendingApproval: detail.pendingApproval });
    for (const e of detail.entries) this.entries.set(e.seq, e);
  }

  apply(n: AgentNotification): void {
    if (n.kind === 'run') {
      this.runs.set(n.run.id, { ...n.run, pendingApproval: n.pendingApproval ?? null });
      this.statusLine.update(this.allRuns());
    } else if (n.kind === 'entry') {
      if (n.entry.run !== this.shown) return;
      this.entries.set(n.entry.seq, n.entry);
      if (n.entry.entry.kind === 'assistant') this.live = '';
    } else if (n.kind === 'text') {
      if (n.run === this.shown) this.live += n.text;
    }
  }

  ticking(): boolean {
    return false;
  }

  attention(): string | undefined {
    const run = this.run();
    if (run?.pendingApproval) return `${run.id}:approval:${run.pendingApproval.call.id}`;
    if (run?.status === 'waiting_input') return `${run.id}:input:${run.usage.turns}`;
    return undefined;
  }

  transcriptLines(width: number): Line[] {
    const out: Line[] = [];
    const sorted = [...this.entries.values()].sort((a, b) => a.seq - b.seq);
    for (const { entry } of sorted) out.push(...entryLines(entry, width, this.expanded));
    if (this.live) out.push(...wrap(this.live, width).map((t) => line(t)));
    return out;
  }

  render(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const run = this.run();
    const runs = this.allRuns();
    if (!run) {
      return {
        header: ` picode agent · ${this.session}${linkLabel(link)}`,
        body: [line(this.pinned !== undefined ? `Agent run ${this.pinned} is not known to this host.` : 'No agent runs yet.', 'dim'),
          line('Start one with `picode agent "TASK"`, or hand a plan step to an agent (x in the plan pane).', 'dim')],
        footer: ' q quit',
      };
    }
    const tokens = run.usage.inputTokens + run.usage.outputTokens;
    const position = runs.length > 1 ? ` · run ${runs.findIndex((r) => r.id === run.id) + 1}/${runs.length}` : '';
    const header = ` agent #${run.id} · ${run.status.replace('_', ' ')} · ${run.model} · ${run.usage.turns} turns · ${formatTokens(tokens)} tok · $${run.usage.costUsd.toFixed(4)}${position}${linkLabel(link)}`;
    const body = this.transcriptLines(size.width);
    if (run.status === 'working' && !this.live) body.push(line('working…', 'dim'));
    if (run.status === 'failed' && run.error) body.push(line(`failed: ${run.error}`, 'error'));
    const pending = run.pendingApproval;
    let footer: string;
    if (pending) {
      body.push(line(''));
      body.push(...wrap(`Allow ${pending.call.name} ${oneLine(pending.call.args, size.width * 2)}?${pending.reason ? ` (${pending.reason})` : ''}`, size.width).map((t) => line(t, 'warn')));
      footer = ` y allow · n deny · a always allow ${pending.call.name} in this run · i message · s stop`;
    } else if (run.status === 'waiting_input' || ['done', 'failed', 'stopped', 'interrupted'].includes(run.status)) {
      footer = ' i message (continues the run) · t expand · [ ] runs · PgUp/PgDn scroll · q quit';
    } else {
      footer = ' i message · s stop · t expand · [ ] runs · PgUp/PgDn scroll · q quit';
    }
    return { header, body, stickToBottom: true, scroll: this.scroll.value, footer };
  }

  readonly keys: readonly KeyBinding[] = [
    { keys: ['y'], run: (ctx) => this.answer(ctx, 'yes') },
    { keys: ['n'], run: (ctx) => this.answer(ctx, 'no') },
    { keys: ['a'], run: (ctx) => this.answer(ctx, 'always') },
    {
      keys: ['i', 'enter'],
      run: async (ctx) => {
        const run = this.run();
        if (!run) return;
        const text = await ctx.terminal.ask(` message to agent #${run.id}: `);
        if (!text?.trim()) return;
        await ctx.link.call('agent.message', { run: run.id, text: text.trim() });
      },
    },
    {
      keys: ['s'],
      run: async (ctx) => {
        const run = this.run();
        if (!run) return;
        await ctx.link.call('agent.stop', { run: run.id });
        ctx.flash(` stopping agent #${run.id}`);
      },
    },
    { keys: ['t'], run: () => { this.expanded = !this.expanded; } },
    ...scrollKeys(this.scroll),
    { keys: ['['], run: () => this.switchRun(-1) },
    { keys: [']'], run: () => this.switchRun(1) },
  ];

  private async switchRun(delta: number): Promise<void> {
    const runs = this.allRuns();
    const at = runs.findIndex((r) => r.id === this.shown);
    const next = runs[Math.min(runs.length - 1, Math.max(0, at + delta))];
    if (!next || next.id === this.shown) return;
    this.shown = next.id;
    if (this.pinned === undefined) await this.client?.call('agent.show', { viewer: this.viewerId, run: next.id }).catch(() => {});
    await this.load();
  }

  private async answer(ctx: ViewContext, answer: 'yes' | 'no' | 'always'): Promise<void> {
    const run = this.run();
    if (!run?.pendingApproval) return;
    await ctx.link.call('agent.approve', { run: run.id, answer });
  }
}

/** The lines of one transcript entry (also what `picode agent log` prints). */
export function entryLines(entry: TranscriptEntry, width: number, expanded: boolean): Line[] {
  switch (entry.kind) {
    case 'user':
      return [line(''), ...wrap(`› ${entry.text}`, width).map((t) => line(t, 'bold'))];
    case 'assistant': {
      const out = entry.text ? wrap(entry.text, width).map((t) => line(t)) : [];
      for (const call of entry.toolCalls ?? []) out.push(line(`⚙ ${call.name} ${oneLine(call.args, width)}`, 'accent'));
      return out;
    }
    case 'tool_result': {
      const time = entry.durationMs !== undefined ? ` (${entry.durationMs} ms)` : '';
      if (entry.display) {
        const diff = entry.display.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
        const shown = expanded ? diff : diff.slice(0, collapsedDiffLines);
        const out = [line(`  ↳ ${entry.content}${time}`, entry.isError ? 'error' : 'ok')];
        for (const d of shown) out.push(line(`    ${d}`, d.startsWith('+') && !d.startsWith('+++') ? 'added' : d.startsWith('-') && !d.startsWith('---') ? 'removed' : 'dim'));
        if (shown.length < diff.length) out.push(line(`    … ${diff.length - shown.length} more lines (t expands)`, 'dim'));
        return out;
      }
      const lines = entry.content.replace(/\s+$/, '').split('\n');
      const shown = expanded ? lines : lines.slice(0, collapsedLines);
      const out = shown.map((t, i) => line(`${i === 0 ? '  ↳ ' : '    '}${t}${i === 0 ? time : ''}`, entry.isError ? (i === 0 ? 'error' : 'dim') : 'dim'));
      if (shown.length < lines.length) out.push(line(`    … ${lines.length - shown.length} more lines (t expands)`, 'dim'));
      return out;
    }
    case 'approval_request':
      return [line(`? approval asked for ${entry.call.name}${entry.reason ? `: ${entry.reason}` : ''}`, 'warn')];
    case 'approval':
      return [line(`${entry.decision === 'allow' ? '✓ allowed' : '✗ denied'} ${entry.call.name} (${entry.by}${entry.reason ? `: ${entry.reason}` : ''})`, entry.decision === 'allow' ? 'ok' : 'error')];
    case 'status':
      if (entry.status === 'working') return [];
      return [line(`— ${entry.status.replace('_', ' ')}${entry.detail ? `: ${entry.detail}` : ''}`, entry.status === 'failed' ? 'error' : entry.status === 'done' ? 'ok' : 'dim')];
  }
}

function oneLine(value: unknown, max: number): string {
  let text: string;
  try { text = JSON.stringify(value) ?? ''; } catch { text = String(value); }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
