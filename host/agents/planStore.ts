import type { Database } from '../store/db.js';
import type { PlanDraft, StepStatus } from '../../src/plans/schema.js';
import { sqlPage, type PageQuery } from '../ipc/paging.js';

export type PlanStatus = 'generating' | 'ready' | 'failed' | 'superseded';

export interface PlanStepRecord {
  readonly id: number;
  readonly planId: number;
  readonly position: number;
  readonly title: string;
  readonly detail: string;
  readonly files: readonly string[];
  readonly commands: readonly string[];
  readonly acceptance: string;
  readonly status: StepStatus;
  readonly approved: boolean;
  readonly assignee: string | undefined;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
}

export interface PlanRecord {
  readonly id: number;
  readonly session: string | undefined;
  readonly task: string;
  readonly summary: string;
  readonly status: PlanStatus;
  readonly revision: number;
  readonly parentId: number | undefined;
  readonly feedback: string | undefined;
  readonly model: string | undefined;
  readonly jobId: number | undefined;
  readonly error: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly steps: readonly PlanStepRecord[];
}

interface PlanRow {
  id: number; session: string | null; task: string; summary: string; status: PlanStatus; revision: number;
  parent_id: number | null; feedback: string | null; model: string | null; job_id: number | null; error: string | null;
  created_at: number; updated_at: number;
}
interface StepRow {
  id: number; plan_id: number; position: number; title: string; detail: string; files_json: string; commands_json: string;
  acceptance: string; status: StepStatus; approved: number; assignee: string | null; started_at: number | null; finished_at: number | null;
}

function toStep(row: StepRow): PlanStepRecord {
  return {
    id: row.id, planId: row.plan_id, position: row.position, title: row.title, detail: row.detail,
    files: JSON.parse(row.files_json) as string[], commands: JSON.parse(row.commands_json) as string[],
    acceptance: row.acceptance, status: row.status, approved: row.approved === 1, assignee: row.assignee ?? undefined,
    startedAt: row.started_at ?? undefined, finishedAt: row.finished_at ?? undefined,
  };
}

/** SQL for `plans` and `plan_steps` (migration 0006). */
export class PlanStore {
  constructor(private readonly db: Database) {}

  create(plan: { session: string | undefined; task: string; parentId?: number; revision?: number; feedback?: string; model?: string | undefined }): PlanRecord {
    const now = Date.now();
    const info = this.db.prepare(
      `INSERT INTO plans (session, task, status, revision, parent_id, feedback, model, created_at, updated_at)
       VALUES (?, ?, 'generating', ?, ?, ?, ?, ?, ?)`,
    ).run(plan.session ?? null, plan.task, plan.revision ?? 1, plan.parentId ?? null, plan.feedback ?? null, plan.model ?? null, now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): PlanRecord | undefined {
    const row = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
    if (!row) return undefined;
    const steps = (this.db.prepare('SELECT * FROM plan_steps WHERE plan_id = ? ORDER BY position').all(id) as StepRow[]).map(toStep);
    return {
      id: row.id, session: row.session ?? undefined, task: row.task, summary: row.summary, status: row.status,
      revision: row.revision, parentId: row.parent_id ?? undefined, feedback: row.feedback ?? undefined,
      model: row.model ?? undefined, jobId: row.job_id ?? undefined, error: row.error ?? undefined,
      createdAt: row.created_at, updatedAt: row.updated_at, steps,
    };
  }

  /**
   * The plan the pane shows: the newest that is not superseded, leaving out a plan that failed
   * in an earlier session of the same name (created before the session's latest `picode up`):
   * that failure is not news to the new session (`picode plan list` still shows it).
   */
  current(session: string | undefined): PlanRecord | undefined {
    const row = this.db.prepare(
      `SELECT id FROM plans WHERE session IS ? AND status != 'superseded'
         AND NOT (status = 'failed' AND created_at < COALESCE((SELECT MAX(created_at) FROM sessions WHERE name = plans.session), 0))
       ORDER BY id DESC LIMIT 1`,
    ).get(session ?? null) as { id: number } | undefined;
    return row && this.get(row.id);
  }

  list(session: string | undefined, limit = 50): PlanRecord[] {
    const rows = this.db.prepare('SELECT id FROM plans WHERE session IS ? ORDER BY id DESC LIMIT ?').all(session ?? null, limit) as Array<{ id: number }>;
    return rows.map((r) => this.get(r.id)!);
  }

  /** One page of the session's plans, oldest first (`plan.list`: host/ipc/paging.ts). */
  page(session: string | undefined, query: PageQuery): PlanRecord[] {
    const page = sqlPage(query, ['session IS ?']);
    const rows = this.db.prepare(`SELECT id FROM plans ${page.where} ${page.tail}`).all(session ?? null, ...page.args) as Array<{ id: number }>;
    return page.inOrder(rows).map((r) => this.get(r.id)!);
  }

  setJob(id: number, jobId: number): void {
    this.db.prepare('UPDATE plans SET job_id = ?, updated_at = ? WHERE id = ?').run(jobId, Date.now(), id);
  }

  setStatus(id: number, status: PlanStatus, error?: string): void {
    this.db.prepare('UPDATE plans SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error ?? null, Date.now(), id);
  }

  /** Stores the generated steps and marks the plan ready (and its parent superseded), atomically. */
  fill(id: number, draft: PlanDraft, model: string): void {
    const now = Date.now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM plan_steps WHERE plan_id = ?').run(id);
      const insert = this.db.prepare(
        `INSERT INTO plan_steps (plan_id, position, title, detail, files_json, commands_json, acceptance)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      draft.steps.forEach((s, i) => insert.run(id, i + 1, s.title, s.detail, JSON.stringify(s.files), JSON.stringify(s.commands), s.acceptance));
      this.db.prepare(`UPDATE plans SET summary = ?, model = ?, status = 'ready', error = NULL, updated_at = ? WHERE id = ?`).run(draft.summary, model, now, id);
      this.db.prepare(`UPDATE plans SET status = 'superseded', updated_at = ? WHERE id = (SELECT parent_id FROM plans WHERE id = ?)`).run(now, id);
    })();
  }

  step(id: number): PlanStepRecord | undefined {
    const row = this.db.prepare('SELECT * FROM plan_steps WHERE id = ?').get(id) as StepRow | undefined;
    return row && toStep(row);
  }

  updateStep(id: number, fields: { status?: StepStatus; approved?: boolean; assignee?: string | null; title?: string; detail?: string }): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    const now = Date.now();
    if (fields.status) {
      sets.push('status = ?');
      params.push(fields.status);
      if (fields.status === 'running') { sets.push('started_at = ?', 'finished_at = NULL'); params.push(now); }
      else if (fields.status === 'pending') sets.push('started_at = NULL', 'finished_at = NULL');
      else { sets.push('finished_at = ?'); params.push(now); }
    }
    if (fields.approved !== undefined) { sets.push('approved = ?'); params.push(fields.approved ? 1 : 0); }
    if (fields.assignee !== undefined) { sets.push('assignee = ?'); params.push(fields.assignee); }
    if (fields.title !== undefined) { sets.push('title = ?'); params.push(fields.title); }
    if (fields.detail !== undefined) { sets.push('detail = ?'); params.push(fields.detail); }
    if (!sets.length) return;
    this.db.prepare(`UPDATE plan_steps SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
    this.db.prepare('UPDATE plans SET updated_at = ? WHERE id = (SELECT plan_id FROM plan_steps WHERE id = ?)').run(now, id);
  }

  /** The plan as the model wrote it (for a revision prompt). */
  draftOf(plan: PlanRecord): PlanDraft {
    return {
      summary: plan.summary,
      steps: plan.steps.map((s) => ({ title: s.title, detail: s.detail, files: [...s.files], commands: [...s.commands], acceptance: s.acceptance })),
    };
  }
}
