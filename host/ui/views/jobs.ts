import type { HostClient } from '../../ipc/client.js';
import { formatDuration, line, pad, progressBar, type FrameContent, type Line } from '../frame.js';
import { linkLabel, type KeyBinding, type View } from '../view.js';

export interface JobRow {
  readonly id: number;
  readonly kind: string;
  readonly title: string;
  readonly status: string;
  readonly stage?: string | undefined;
  readonly stagesDone: number;
  readonly stages: readonly string[];
  readonly progress: number;
  readonly message?: string | undefined;
  readonly error?: string | undefined;
  readonly createdAt: number;
  readonly startedAt?: number | undefined;
  readonly finishedAt?: number | undefined;
}

export const statusMark: Record<string, string> = {
  queued: '·', running: '▶', done: '✓', failed: '✗', cancelled: '⊘', interrupted: '⏸',
  working: '▶', waiting_approval: '?', waiting_input: '…', stopped: '⊘', pending: '·', skipped: '⤼', review: '?', generating: '▶', ready: '✓', superseded: '↺',
};

/** The jobs pane: every job of the session with stage, progress and duration; cancel, retry, resume. */
export class JobsView implements View {
  readonly name = 'jobs';
  private readonly jobs = new Map<number, JobRow>();
  private selectedId: number | undefined;

  constructor(private readonly session: string, private readonly now: () => number = Date.now) {}

  title(): string {
    const running = this.sorted().filter((j) => j.status === 'running').length;
    return `picode jobs${running ? ` (${running} running)` : ''}`;
  }

  async subscribe(client: HostClient, redraw: () => void): Promise<void> {
    client.onNotification('jobs.changed', (params) => {
      this.apply((params as { job: JobRow }).job);
      redraw();
    });
    const snapshot = await client.call<{ jobs: JobRow[] }>('jobs.watch');
    this.jobs.clear();
    for (const job of snapshot.jobs) this.jobs.set(job.id, job);
  }

  apply(job: JobRow): void {
    this.jobs.set(job.id, job);
  }

  sorted(): JobRow[] {
    return [...this.jobs.values()].sort((a, b) => b.id - a.id);
  }

  selected(): JobRow | undefined {
    const list = this.sorted();
    return list.find((j) => j.id === this.selectedId) ?? list[0];
  }

  move(delta: number): void {
    const list = this.sorted();
    if (!list.length) return;
    const at = Math.max(0, list.findIndex((j) => j.id === this.selected()?.id));
    this.selectedId = list[Math.min(list.length - 1, Math.max(0, at + delta))]!.id;
  }

  ticking(): boolean {
    return this.sorted().some((j) => j.status === 'running');
  }

  render(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const list = this.sorted();
    const running = list.filter((j) => j.status === 'running').length;
    const header = ` picode jobs · ${this.session} · ${list.length} jobs, ${running} running${linkLabel(link)}`;
    const body: Line[] = [];
    const titleWidth = Math.max(10, size.width - 58);
    const current = this.selected();
    let selected: number | undefined;
    for (const job of list) {
      if (job.id === current?.id) selected = body.length;
      const stage = job.stages.length ? `${job.stage ?? job.stages[0]} ${Math.min(job.stagesDone + (job.status === 'running' ? 1 : 0), job.stages.length)}/${job.stages.length}` : '';
      const end = job.finishedAt ?? (job.status === 'running' ? this.now() : undefined);
      const duration = job.startedAt !== undefined && end !== undefined ? formatDuration(end - job.startedAt) : '';
      const text = [
        pad(`#${job.id}`, 5), statusMark[job.status] ?? ' ', pad(job.status, 11), pad(job.kind, 6), pad(job.title, titleWidth),
        pad(stage, 14), progressBar(job.progress, 8), pad(`${String(Math.round(job.progress * 100)).padStart(3)}%`, 5), duration,
      ].join(' ');
      body.push(line(text, job.status === 'failed' ? 'error' : job.status === 'interrupted' ? 'warn' : job.status === 'running' ? 'accent' : job.status === 'done' ? 'normal' : 'dim'));
    }
    if (!list.length) body.push(line('No jobs yet. `picode plan "TASK"` or `picode agent "TASK"` start some.', 'dim'));
    if (current) {
      body.push(line(''));
      body.push(line(`#${current.id} ${current.title}`, 'bold'));
      if (current.message) body.push(line(`  ${current.message}`, 'dim'));
      if (current.error) body.push(line(`  ${current.error}`, 'error'));
    }
    return {
      header,
      body,
      selected,
      footer: ' ↑↓/jk select · c cancel · r retry · R resume · q quit',
    };
  }

  readonly keys: readonly KeyBinding[] = [
    { keys: ['up', 'k'], run: () => this.move(-1) },
    { keys: ['down', 'j'], run: () => this.move(1) },
    { keys: ['c'], run: (ctx) => this.act(ctx, 'jobs.cancel', 'cancelling') },
    { keys: ['r'], run: (ctx) => this.act(ctx, 'jobs.retry', 'retrying') },
    { keys: ['S-r'], run: (ctx) => this.act(ctx, 'jobs.resume', 'resuming') },
  ];

  private async act(ctx: Parameters<KeyBinding['run']>[0], method: string, verb: string): Promise<void> {
    const job = this.selected();
    if (!job) return;
    await ctx.link.call(method, { job: job.id });
    ctx.flash(` ${verb} job #${job.id}`);
  }
}
