/**
 * Which agent pane shows which run. Several agent panes (the `agents` layout has four) must
 * show different runs: each view registers as a viewer, and a run that starts goes to a viewer
 * showing nothing, else to one whose run has ended, else to the viewer that got its run longest
 * ago. A view pinned to a run (`--run ID`) does not register.
 */
export class ViewerRegistry {
  private readonly viewers: Array<{ id: string; run: number | undefined; assignedAt: number; notify: (run: number) => void }> = [];
  private clock = 0;

  constructor(private readonly isActive: (run: number) => boolean) {}

  /** Registers a view; returns the run it should show first (an active run no other view shows). */
  add(id: string, runs: readonly number[], notify: (run: number) => void): number | undefined {
    this.remove(id);
    const shown = new Set(this.viewers.map((v) => v.run));
    const newestFirst = [...runs].sort((a, b) => b - a);
    const run = newestFirst.find((r) => this.isActive(r) && !shown.has(r)) ?? newestFirst.find((r) => !shown.has(r));
    this.viewers.push({ id, run, assignedAt: ++this.clock, notify });
    return run;
  }

  remove(id: string): void {
    const at = this.viewers.findIndex((v) => v.id === id);
    if (at >= 0) this.viewers.splice(at, 1);
  }

  /** A view switched runs itself (`[` / `]`). */
  showing(id: string, run: number): void {
    const viewer = this.viewers.find((v) => v.id === id);
    if (viewer) viewer.run = run;
  }

  started(run: number): string | undefined {
    if (!this.viewers.length) return undefined;
    // An empty pane first, then one whose run has ended, then the longest-assigned one.
    const byAge = [...this.viewers].sort((a, b) => a.assignedAt - b.assignedAt);
    const target = byAge.find((v) => v.run === undefined)
      ?? byAge.find((v) => !this.isActive(v.run!))
      ?? byAge[0]!;
    target.run = run;
    target.assignedAt = ++this.clock;
    target.notify(run);
    return target.id;
  }
}
