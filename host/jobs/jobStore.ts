import type { Database } from '../store/db.js';
import type { JobRecord, JobStatus } from './types.js';
import { sqlPage, type PageQuery } from '../ipc/paging.js';

/** SQL for the `jobs` table (migration 0006). Synchronous, like the rest of the store. */
interface JobRow {
  id: number;
  session: string | null;
  kind: string;
  title: string;
  status: JobStatus;
  stages_json: string;
  stages_done: number;
  stage: string | null;
  progress: number;
  message: string | null;
  input_json: string;
  state_json: string;
  result_json: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    session: row.session ?? undefined,
    kind: row.kind,
    title: row.title,
    status: row.status,
    stages: JSON.parse(row.stages_json) as string[],
    stagesDone: row.stages_done,
    stage: row.stage ?? undefined,
    progress: row.progress,
    message: row.message ?? undefined,
    input: JSON.parse(row.input_json) as unknown,
    state: JSON.parse(row.state_json) as Record<string, unknown>,
    result: row.result_json === null ? undefined : (JSON.parse(row.result_json) as unknown),
    error: row.error ?? undefined,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    updatedAt: row.updated_at,
  };
}

export class JobStore {
  constructor(private readonly db: Database) {}

  insert(job: { session: string | undefined; kind: string; title: string; stages: readonly string[]; input: unknown }): JobRecord {
    const now = Date.now();
    const info = this.db.prepare(
      `INSERT INTO jobs (session, kind, title, status, stages_json, input_json, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)`,
    ).run(job.session ?? null, job.kind, job.title, JSON.stringify(job.stages), JSON.stringify(job.input ?? null), now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toRecord(row);
  }

  list(options: { session?: string | undefined; statuses?: readonly JobStatus[]; limit?: number } = {}): JobRecord[] {
    const { filters: where, params } = jobFilters(options);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, options.limit ?? 100) as JobRow[];
    return rows.map(toRecord);
  }

  /** One page of jobs, oldest first (`jobs.list`: host/ipc/paging.ts). */
  page(options: { session?: string | undefined; statuses?: readonly JobStatus[] }, query: PageQuery): JobRecord[] {
    const { filters, params } = jobFilters(options);
    const page = sqlPage(query, filters);
    return page.inOrder(this.db.prepare(`SELECT * FROM jobs ${page.where} ${page.tail}`).all(...params, ...page.args) as JobRow[]).map(toRecord);
  }

  markStarted(id: number, resumed: boolean): void {
    const now = Date.now();
    this.db.prepare(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, error = NULL, finished_at = NULL,
         started_at = CASE WHEN ? THEN COALESCE(started_at, ?) ELSE ? END, updated_at = ? WHERE id = ?`,
    ).run(resumed ? 1 : 0, now, now, now, id);
  }

  /** Forgets completed stages so a retry starts from the first one. */
  reset(id: number): void {
    this.db.prepare(
      `UPDATE jobs SET stages_done = 0, state_json = '{}', result_json = NULL, progress = 0, stage = NULL,
         message = NULL, updated_at = ? WHERE id = ?`,
    ).run(Date.now(), id);
  }

  stageStarted(id: number, stage: string, progress: number): void {
    this.db.prepare('UPDATE jobs SET stage = ?, progress = ?, message = NULL, updated_at = ? WHERE id = ?')
      .run(stage, progress, Date.now(), id);
  }

  progress(id: number, progress: number, message: string | undefined): void {
    this.db.prepare('UPDATE jobs SET progress = ?, message = COALESCE(?, message), updated_at = ? WHERE id = ?')
      .run(progress, message ?? null, Date.now(), id);
  }

  stageDone(id: number, stagesDone: number, state: Record<string, unknown>, progress: number): void {
    this.db.prepare('UPDATE jobs SET stages_done = ?, state_json = ?, progress = ?, updated_at = ? WHERE id = ?')
      .run(stagesDone, JSON.stringify(state), progress, Date.now(), id);
  }

  finish(id: number, status: JobStatus, fields: { result?: unknown; error?: string | undefined }): void {
    const now = Date.now();
    this.db.prepare(
      `UPDATE jobs SET status = ?, result_json = COALESCE(?, result_json), error = ?, finished_at = ?, updated_at = ?,
         progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END WHERE id = ?`,
    ).run(status, fields.result === undefined ? null : JSON.stringify(fields.result), fields.error ?? null, now, now, status, id);
  }

  /** Jobs left running or queued by a host that is gone: marked interrupted; returns them. */
  interruptStale(session: string | undefined): JobRecord[] {
    const stale = this.list({ session, statuses: ['running', 'queued'], limit: 10_000 });
    const stmt = this.db.prepare(
      `UPDATE jobs SET status = 'interrupted', error = 'the host stopped while the job was running', updated_at = ?
       WHERE id = ?`,
    );
    const now = Date.now();
    for (const job of stale) stmt.run(now, job.id);
    return stale.map((j) => this.get(j.id)!);
  }
}

/** The WHERE clauses (and their values) for jobs of a session and of some statuses. */
function jobFilters(options: { session?: string | undefined; statuses?: readonly JobStatus[] }): { filters: string[]; params: unknown[] } {
  const filters: string[] = [];
  const params: unknown[] = [];
  if (options.session !== undefined) { filters.push('session = ?'); params.push(options.session); }
  if (options.statuses?.length) {
    filters.push(`status IN (${options.statuses.map(() => '?').join(',')})`);
    params.push(...options.statuses);
  }
  return { filters, params };
}
