import type { HostClient } from '../../ipc/client.js';
import type { PlanRecord, PlanStepRecord } from '../../agents/planStore.js';
import { formatDuration, line, pad, wrap, type FrameContent, type Line } from '../frame.js';
import { linkLabel, type KeyBinding, type View, type ViewContext } from '../view.js';
import { statusMark } from './jobs.js';
import type { StepCheck } from '../../agents/planCheck.js';
import { LlmNotice } from '../llmNotice.js';

/**
 * The plan pane: the session's current plan as a list of steps with status, who works on
 * it and for how long, and the selected step's detail. Keys approve, edit, skip, hand a
 * step to an agent (or re-run it), mark it done, and ask for a revision or a new plan.
 */
export class PlanView implements View {
  readonly name = 'plan';
  private plan: PlanRecord | undefined;
  private selectedId: number | undefined;
  /** Said at once when the host has no usable provider for plans. */
  readonly llm = new LlmNotice('plan');

  constructor(private readonly session: string, private readonly cwd: string, private readonly now: () => number = Date.now) {}

  title(): string {
    if (!this.plan) return 'picode plan';
    const done = this.plan.steps.filter((s) => s.status === 'done').length;
    return `picode plan #${this.plan.id} ${this.plan.status === 'generating' ? 'generating' : `${done}/${this.plan.steps.length}`}`;
  }

  async subscribe(client: HostClient, redraw: () => void): Promise<void> {
    client.onNotification('plan.changed', (params) => {
      this.apply((params as { plan: PlanRecord }).plan);
      redraw();
    });
    const snapshot = await client.call<{ plan: PlanRecord | null }>('plan.watch');
    this.plan = snapshot.plan ?? undefined;
    await this.llm.subscribe(client, redraw);
  }

  /** A newer plan (a revision, a new task) replaces the one shown; older plans' updates are ignored. */
  apply(plan: PlanRecord): void {
    if (!this.plan || plan.id >= this.plan.id) this.plan = plan;
  }

  current(): PlanRecord | undefined {
    return this.plan;
  }

  selected(): PlanStepRecord | undefined {
    const steps = this.plan?.steps ?? [];
    return steps.find((s) => s.id === this.selectedId) ?? steps.find((s) => s.status === 'pending' || s.status === 'running') ?? steps[0];
  }

  move(delta: number): void {
    const steps = this.plan?.steps ?? [];
    if (!steps.length) return;
    const at = Math.max(0, steps.findIndex((s) => s.id === this.selected()?.id));
    this.selectedId = steps[Math.min(steps.length - 1, Math.max(0, at + delta))]!.id;
  }

  ticking(): boolean {
    return (this.plan?.steps ?? []).some((s) => s.status === 'running') || this.plan?.status === 'generating';
  }

  render(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const plan = this.plan;
    const footer = ' ↑↓ select · a approve · e edit · s skip · x run by agent · d done · v revise · n new plan · q quit';
    if (!plan) {
      return {
        header: ` picode plan · ${this.session}${linkLabel(link)}`,
        body: [...this.llm.lines(size.width), line('No plan yet.', 'dim'), line('Press n to describe a task, or run `picode plan "TASK"`.', 'dim')],
        footer,
      };
    }
    const done = plan.steps.filter((s) => s.status === 'done').length;
    const header = ` plan #${plan.id}${plan.revision > 1 ? ` rev ${plan.revision}` : ''} · ${plan.status}${plan.status === 'ready' ? ` · ${done}/${plan.steps.length} done` : ''} · ${this.session}${linkLabel(link)}`;
    const body: Line[] = [...this.llm.lines(size.width)];
    body.push(...wrap(plan.task, size.width).map((t) => line(t, 'bold')));
    if (plan.status === 'generating') body.push(line(`generating… (${formatDuration(this.now() - plan.createdAt)})`, 'accent'));
    if (plan.status === 'failed') body.push(...wrap(`failed: ${plan.error ?? 'unknown error'}`, size.width).map((t) => line(t, 'error')));
    if (plan.summary) body.push(...wrap(plan.summary, size.width).map((t) => line(t, 'dim')));
    body.push(line(''));
    const current = this.selected();
    let selected: number | undefined;
    const titleWidth = Math.max(10, size.width - 36);
    for (const step of plan.steps) {
      if (step.id === current?.id) selected = body.length;
      const end = step.finishedAt ?? (step.status === 'running' ? this.now() : undefined);
      const elapsed = step.startedAt !== undefined && end !== undefined ? formatDuration(end - step.startedAt) : '';
      const text = `${String(step.position).padStart(2)}. ${statusMark[step.status] ?? ' '} ${step.approved ? '✔' : ' '} ${pad(step.title, titleWidth)} ${pad(step.status, 8)} ${pad(step.assignee ?? '', 9)} ${elapsed}`;
      body.push(line(text, step.status === 'failed' ? 'error' : step.status === 'running' ? 'accent' : step.status === 'done' ? 'ok' : step.status === 'skipped' ? 'dim' : step.status === 'review' ? 'warn' : 'normal'));
    }
    if (current) {
      body.push(line(''));
      body.push(line(`Step ${current.position}: ${current.title}`, 'bold'));
      if (current.detail) body.push(...wrap(current.detail, size.width, '  ').map((t) => line(t)));
      if (current.files.length) body.push(line(`  files: ${current.files.join(', ')}`, 'dim'));
      for (const c of current.commands) body.push(line(`  $ ${c}`, 'accent'));
      if (current.acceptance) body.push(...wrap(`done when: ${current.acceptance}`, size.width, '  ').map((t) => line(t, 'ok')));
      const check = (current as { check?: StepCheck }).check;
      if (check) {
        const style = check.verdict === 'done' ? 'ok' : check.verdict === 'failed' ? 'error' : 'warn';
        body.push(...wrap(`check: ${check.reason}`, size.width, '  ').map((t) => line(t, style)));
        for (const out of check.output.trimEnd().split('\n').slice(-6)) if (out) body.push(line(`  │ ${out}`, 'dim'));
      }
    }
    return { header, body, selected, footer };
  }

  readonly keys: readonly KeyBinding[] = [
    { keys: ['up', 'k'], run: () => this.move(-1) },
    { keys: ['down', 'j'], run: () => this.move(1) },
    { keys: ['a'], run: (ctx) => this.stepAction(ctx, this.selected()?.approved ? 'unapprove' : 'approve') },
    { keys: ['s'], run: (ctx) => this.stepAction(ctx, 'skip') },
    { keys: ['d'], run: (ctx) => this.stepAction(ctx, 'done') },
    { keys: ['x'], run: (ctx) => this.stepAction(ctx, 'agent') },
    { keys: ['u'], run: (ctx) => this.stepAction(ctx, 'reset') },
    {
      keys: ['e'],
      run: async (ctx) => {
        const step = this.selected();
        if (!step) return;
        const title = await ctx.terminal.ask(' step title: ', step.title);
        if (title === undefined || !title.trim()) return;
        const detail = await ctx.terminal.ask(' detail (Enter keeps it): ', step.detail);
        await ctx.link.call('plan.edit', { step: step.id, title: title.trim(), ...(detail !== undefined ? { detail } : {}) });
      },
    },
    {
      keys: ['v'],
      run: async (ctx) => {
        if (!this.plan) return;
        const feedback = await ctx.terminal.ask(' revise: what should change? ');
        if (!feedback?.trim()) return;
        await ctx.link.call('plan.revise', { plan: this.plan.id, feedback: feedback.trim(), cwd: this.cwd });
        ctx.flash(' revision requested');
      },
    },
    {
      keys: ['n'],
      run: async (ctx) => {
        const task = await ctx.terminal.ask(' new plan, task: ');
        if (!task?.trim()) return;
        await ctx.link.call('plan.create', { task: task.trim(), cwd: this.cwd });
      },
    },
  ];

  private async stepAction(ctx: ViewContext, action: string): Promise<void> {
    const step = this.selected();
    if (!step) return;
    const plan = await ctx.link.call<PlanRecord>('plan.step', { step: step.id, action, cwd: this.cwd });
    this.apply(plan);
    if (action === 'agent') ctx.flash(` step ${step.position} handed to an agent`);
  }
}
