import type { PicodeEvent } from '../../bus/envelope.js';
import type { HostClient } from '../../ipc/client.js';
import type { AgentNotification, PendingApproval } from '../../agents/agentService.js';
import type { AgentRunRecord, StoredEntry, TranscriptEntry } from '../../agents/runStore.js';
import { line, wrap, type FrameContent, type Line } from '../frame.js';
import { linkLabel, scrollKeys, type KeyBinding, type View, type ViewContext } from '../view.js';
import { TmuxStatusLine } from '../statusLine.js';
import { NotificationsArea } from '../notifications.js';
import { LlmNotice } from '../llmNotice.js';
import { AskLog, askEventTypes, askHeader, askLines, formatTokens, llmApprovalLines, type AskExchange, type LlmApproval } from './agentAsks.js';
import { mcpApprovalLines, watchMcpApprovals, type McpApprovalRow } from './mcpAsks.js';

type RunRow = AgentRunRecord & { pendingApproval?: PendingApproval | null | undefined };

/** What `[` and `]` move between: agent runs and `picode ask` exchanges, oldest first. */
type Entry = { readonly kind: 'run'; readonly id: number; readonly at: number } | { readonly kind: 'ask'; readonly id: string; readonly at: number };

/** How many recent ask events a view loads when it starts (older asks are history). */
const askHistoryEvents = 500;

const collapsedLines = 6;
const collapsedDiffLines = 24;

/**
 * The agent pane: one run's conversation as it streams (the model's text, each tool call
 * with its arguments and result, collapsed when long, diffs of file writes), approvals asked
 * inline (y / n / a = always for this tool), tokens and cost, and a prompt to message the
 * agent mid-run. Without `--run` it shows the runs the host hands it (each new run goes to a free agent pane);
 * `[` and `]` switch.
 *
 * It also shows `picode ask` exchanges made through the host (the question, the answer as it
 * streams, model, tokens and cost), each an entry of its own between the runs; a new ask is
 * shown at once unless the run in view needs the person. LLM requests the approval policy
 * holds (from agents, plugins) are shown with their whole payload and answered with y / n.
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
  /** The ask in view, when one is (else the run `shown`). */
  private shownAsk: string | undefined;
  private readonly asks = new AskLog();
  private llmApprovals: LlmApproval[] = [];
  /** MCP clients' calls waiting for a person (`mcp.approvals.watch`); answered here after the run's own. */
  private mcpApprovals: McpApprovalRow[] = [];
  private connectedBefore = false;
  /** Rings the bell once per new thing needing the person (see `attention`). */
  private readonly attending = { keys: new Set<string>(), count: 0 };
  /** The last notifications, pinned above the help line. */
  readonly notifications = new NotificationsArea();
  /** Said at once when the host has no usable provider for agent runs. */
  readonly llm = new LlmNotice('agent');

  constructor(
    private readonly session: string,
    private readonly pinned: number | undefined,
    private readonly statusLine: { update(runs: ReadonlyArray<{ id: number; status: string }>, extra?: readonly string[]): void } = new TmuxStatusLine(),
  ) {
    this.shown = pinned;
  }

  title(): string {
    const llm = this.llmApprovals.length ? ' · LLM request waiting approval' : '';
    if (this.ask()) return `picode agent: ask${llm}`;
    const run = this.run();
    return run ? `picode agent #${run.id}: ${run.status.replace('_', ' ')}${llm}` : `picode agent${llm}`;
  }

  /** The ask in view, if an ask is what the view shows. */
  ask(): AskExchange | undefined {
    return this.shownAsk === undefined ? undefined : this.asks.get(this.shownAsk);
  }

  /** Runs and asks in the order they started. */
  allEntries(): Entry[] {
    const entries: Entry[] = [
      ...this.allRuns().map((r) => ({ kind: 'run' as const, id: r.id, at: r.createdAt })),
      ...this.asks.list().map((a) => ({ kind: 'ask' as const, id: a.requestId, at: a.startedAt })),
    ];
    return entries.sort((a, b) => a.at - b.at);
  }

  pendingLlmApprovals(): readonly LlmApproval[] {
    return this.llmApprovals;
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
      else redraw(); // the run it already had, brought back from an ask
    });
    // Asks and held LLM requests come over the same connection: the bus events of asks
    // (`events.follow`, replaying what was missed while away) and the approval list.
    client.onNotification('event', (params) => {
      const event = params as PicodeEvent;
      if (!this.notifications.add(event)) this.applyAskEvent(event, true);
      redraw();
    });
    client.onNotification('mcp.approvals', (params) => {
      this.mcpApprovals = [...(params as { pending: McpApprovalRow[] }).pending];
      redraw();
    });
    client.onNotification('llm.approvals.changed', (params) => {
      this.setLlmApprovals((params as { pending: LlmApproval[] }).pending);
      redraw();
    });
    // A view that follows (not pinned) registers as a viewer: the host hands each new run to
    // a free agent pane, so several panes show several runs.
    const snapshot = await client.call<{ runs: RunRow[]; assigned: number | null }>('agent.watch', this.pinned === undefined ? { viewer: this.viewerId } : {});
    this.runs.clear();
    for (const run of snapshot.runs) this.runs.set(run.id, run);
    this.statusLine.update(this.allRuns());
    if (this.pinned === undefined) this.shown = snapshot.assigned ?? undefined;
    await this.load();
    await this.llm.subscribe(client, redraw);
    await this.subscribeLlm(client);
  }

  private async subscribeLlm(client: HostClient): Promise<void> {
    // A host without the llm extension has neither; the runs still show.
    const approvals = await client.call<{ pending: LlmApproval[] }>('llm.approvals.watch').catch(() => ({ pending: [] }));
    this.setLlmApprovals(approvals.pending);
    void watchMcpApprovals(client, (pending) => { this.mcpApprovals = pending; this.redrawView(); });
    if (this.connectedBefore) {
      // The host went away: answers that were streaming died with it (replay may still finish them).
      this.asks.interruptStreaming();
    } else {
      const recent = await client.call<PicodeEvent[]>('events.list', { types: [...askEventTypes], last: true, limit: askHistoryEvents }).catch(() => []);
      for (const event of recent) this.applyAskEvent(event, false);
      const newest = this.asks.newest();
      if (this.pinned === undefined && this.shown === undefined && newest) this.shownAsk = newest.requestId;
    }
    this.connectedBefore = true;
    await this.notifications.load(client);
    // Resolves only when the connection ends; the notifications carry the events.
    void client.call('events.follow', { afterId: this.asks.lastEventId, types: [...askEventTypes, 'notification'] }).catch(() => {});
  }

  /** An ask event; a new ask is shown at once (`live`) unless the run in view needs the person. */
  applyAskEvent(event: PicodeEvent, live: boolean): void {
    const started = this.asks.apply(event);
    if (started && live && this.pinned === undefined && !this.runNeedsPerson()) this.shownAsk = started.requestId;
  }

  setLlmApprovals(pending: readonly LlmApproval[]): void {
    this.llmApprovals = [...pending].sort((a, b) => (a.since ?? 0) - (b.since ?? 0));
    this.statusLine.update(this.allRuns(), this.statusExtra());
  }

  private statusExtra(): string[] {
    return this.llmApprovals.length ? ['LLM request waiting approval'] : [];
  }

  /** The run in view waits for an approval or for a message. */
  private runNeedsPerson(): boolean {
    const run = this.shownAsk === undefined ? this.run() : undefined;
    return run !== undefined && AgentView.needsPerson(run);
  }

  /** The host handed this view a run to show; false when pinned to another. */
  assign(run: number): boolean {
    if (this.pinned !== undefined) return false;
    if (run === this.shown) {
      this.shownAsk = undefined;
      return false;
    }
    this.shown = run;
    this.shownAsk = undefined;
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

  private static needsPerson(run: RunRow): boolean {
    return Boolean(run.pendingApproval) || run.status === 'waiting_input';
  }

  apply(n: AgentNotification): void {
    if (n.kind === 'run') {
      const row: RunRow = { ...n.run, pendingApproval: n.pendingApproval ?? null };
      this.runs.set(n.run.id, row);
      this.statusLine.update(this.allRuns(), this.statusExtra());
      // The view's run needs the person: it comes back from an ask.
      if (n.run.id === this.shown && this.shownAsk !== undefined && AgentView.needsPerson(row)) this.shownAsk = undefined;
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

  /**
   * Changes (and so rings the bell) each time something new needs the person: a tool approval
   * or a question of the run in view, or an LLM request held for approval; not when one of
   * several is answered.
   */
  attention(): string | undefined {
    const keys = new Set<string>();
    const run = this.ask() ? undefined : this.run();
    if (run?.pendingApproval) keys.add(`${run.id}:approval:${run.pendingApproval.call.id}`);
    if (run?.status === 'waiting_input') keys.add(`${run.id}:input:${run.usage.turns}`);
    for (const a of this.llmApprovals) keys.add(`llm:${a.approvalId}`);
    for (const a of this.mcpApprovals) keys.add(`mcp:${a.id}`);
    if ([...keys].some((k) => !this.attending.keys.has(k))) this.attending.count++;
    this.attending.keys = keys;
    return keys.size ? `attention:${this.attending.count}` : undefined;
  }

  transcriptLines(width: number): Line[] {
    const out: Line[] = [];
    const sorted = [...this.entries.values()].sort((a, b) => a.seq - b.seq);
    for (const { entry } of sorted) out.push(...entryLines(entry, width, this.expanded));
    if (this.live) out.push(...wrap(this.live, width).map((t) => line(t)));
    return out;
  }

  render(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const notes = this.notifications.lines(size);
    const frame = this.renderView(size, link);
    return notes.length ? { ...frame, pinned: notes } : frame;
  }

  private renderView(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const frame = this.renderEntry(size, link);
    if (this.mcpApprovals.length && !(!this.ask() && this.run()?.pendingApproval)) {
      const mcp = mcpApprovalLines(this.mcpApprovals, size.width);
      return { ...frame, body: [...frame.body, ...mcp], stickToBottom: true, footer: ` y allow · n deny · a always allow ${this.mcpApprovals[0]!.tool} for ${this.mcpApprovals[0]!.client} (the MCP call) · [ ] runs and asks · q quit` };
    }
    if (!this.llmApprovals.length) return frame;
    // y / n answer the run's tool approval first; the held LLM request is shown after it.
    if (!this.ask() && this.run()?.pendingApproval) {
      return { ...frame, body: [...frame.body, line(`then: ${this.llmApprovals.length} LLM request(s) wait for approval`, 'dim')] };
    }
    const llm = llmApprovalLines(this.llmApprovals, size.width);
    return { ...frame, body: [...frame.body, ...llm], stickToBottom: true, footer: ' y send · n refuse (the LLM request) · [ ] runs and asks · PgUp/PgDn scroll · q quit' };
  }

  private position(entry: Entry['kind'], id: number | string): string {
    const entries = this.allEntries();
    return entries.length > 1 ? ` · ${entry} ${entries.findIndex((e) => e.id === id) + 1}/${entries.length}` : '';
  }

  private renderEntry(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const ask = this.ask();
    if (ask) {
      return {
        header: ` ${askHeader(ask)}${this.position('ask', ask.requestId)}${linkLabel(link)}`,
        body: askLines(ask, size.width),
        stickToBottom: true,
        scroll: this.scroll.value,
        footer: ' [ ] runs and asks · PgUp/PgDn scroll · q quit',
      };
    }
    const run = this.run();
    if (!run) {
      return {
        header: ` picode agent · ${this.session}${linkLabel(link)}`,
        body: [...this.llm.lines(size.width),
          line(this.pinned !== undefined ? `Agent run ${this.pinned} is not known to this host.` : 'No agent runs yet.', 'dim'),
          ...wrap('Start one with `picode agent "TASK"`, or hand a plan step to an agent (x in the plan pane).', size.width).map((t) => line(t, 'dim'))],
        footer: this.allEntries().length ? ' [ ] runs and asks · q quit' : ' q quit',
      };
    }
    const tokens = run.usage.inputTokens + run.usage.outputTokens;
    const position = this.position('run', run.id);
    // External agents (Claude Code, Codex... in their own panes) report no tokens to picode: their kind, status source and pane instead.
    const external = externalOf(run);
    const header = external
      ? ` agent #${run.id} · ${external.kind} · ${run.status.replace('_', ' ')} (${external.statusSource}) · pane ${external.pane ?? '?'}${position}${linkLabel(link)}`
      : ` agent #${run.id} · ${run.status.replace('_', ' ')} · ${run.model} · ${run.usage.turns} turns · ${formatTokens(tokens)} tok · $${run.usage.costUsd.toFixed(4)}${cacheLabel(run.usage)}${position}${linkLabel(link)}`;
    const body = this.transcriptLines(size.width);
    if (run.status === 'working' && !this.live) body.push(line('working…', 'dim'));
    if (run.status === 'failed' && run.error) body.push(...wrap(`failed: ${run.error}`, size.width).map((t) => line(t, 'error')));
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
    if (external) footer = ` g go to its pane ·${footer}`;
    return { header, body, stickToBottom: true, scroll: this.scroll.value, footer };
  }

  readonly keys: readonly KeyBinding[] = [
    {
      keys: ['g'],
      run: async (ctx) => {
        const run = this.run();
        if (!run || !externalOf(run)) return;
        await ctx.link.call('agent.select', { run: run.id });
      },
    },
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
    { keys: ['['], run: () => this.switchEntry(-1) },
    { keys: [']'], run: () => this.switchEntry(1) },
  ];

  private async switchEntry(delta: number): Promise<void> {
    const entries = this.allEntries();
    const at = entries.findIndex((e) => (this.shownAsk !== undefined ? e.id === this.shownAsk : e.id === this.shown));
    const next = entries[Math.min(entries.length - 1, Math.max(0, at + delta))];
    if (!next || at === entries.indexOf(next)) return;
    this.scroll.value = 0;
    if (next.kind === 'ask') {
      this.shownAsk = next.id;
      return;
    }
    this.shownAsk = undefined;
    if (next.id === this.shown) return;
    this.shown = next.id;
    if (this.pinned === undefined) await this.client?.call('agent.show', { viewer: this.viewerId, run: next.id }).catch(() => {});
    await this.load();
  }

  /** y / n / a: the tool approval of the run in view, else the oldest MCP call, else the oldest held LLM request (y / n). */
  private async answer(ctx: ViewContext, answer: 'yes' | 'no' | 'always'): Promise<void> {
    const run = this.ask() ? undefined : this.run();
    if (run?.pendingApproval) {
      await ctx.link.call('agent.approve', { run: run.id, answer });
      return;
    }
    const mcp = this.mcpApprovals[0];
    if (mcp) {
      this.mcpApprovals = this.mcpApprovals.slice(1);
      await ctx.link.call('mcp.approve', { id: mcp.id, answer });
      ctx.flash(` ${answer === 'no' ? 'denied' : 'allowed'} ${mcp.client}'s ${mcp.tool}`);
      return;
    }
    const held = this.llmApprovals[0];
    if (!held || answer === 'always') return;
    // Gone from the list at once; the host's `llm.approvals.changed` confirms it.
    this.setLlmApprovals(this.llmApprovals.filter((a) => a.approvalId !== held.approvalId));
    await ctx.link.call('llm.approve', { approvalId: held.approvalId, approve: answer === 'yes' });
    ctx.flash(answer === 'yes' ? ` sent the LLM request to ${held.models[0] ?? 'the model'}` : ' refused the LLM request: nothing was sent');
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


/** The run's prompt-cache figures (issue 19): share of input read from the cache, and what it saved. */
export function cacheLabel(usage: { inputTokens: number; cachedInputTokens?: number | undefined; cacheSavedUsd?: number | undefined }): string {
  if (usage.cachedInputTokens === undefined || !usage.inputTokens) return '';
  const hit = Math.round((usage.cachedInputTokens / usage.inputTokens) * 100);
  return ` · cache ${hit}% · saved $${(usage.cacheSavedUsd ?? 0).toFixed(4)}`;
}

/** The external-agent fields a run carries when it is one (`picode agent --with`). */
function externalOf(run: object): { kind: string; statusSource: string; pane: string | undefined } | undefined {
  const r = run as { kind?: unknown; statusSource?: unknown; pane?: unknown };
  return typeof r.kind === 'string' && r.kind !== 'picode'
    ? { kind: r.kind, statusSource: String(r.statusSource ?? ''), pane: typeof r.pane === 'string' ? r.pane : undefined }
    : undefined;
}
