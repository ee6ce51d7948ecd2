import type { Database } from '../store/db.js';
import type { Message, ToolCall } from '../../src/providers/types.js';
import type { AgentLimits, RunUsage } from '../../src/agents/limits.js';
import { redact } from '../../src/providers/keys.js';
import { statementCache } from './statements.js';
import { sqlPage, type PageQuery } from '../ipc/paging.js';

/** A run's status: the loop's statuses plus `interrupted` (the host stopped under it). */
export type RunStatus = 'working' | 'waiting_approval' | 'waiting_input' | 'done' | 'failed' | 'stopped' | 'interrupted';
export const finishedRunStatuses: readonly RunStatus[] = ['done', 'failed', 'stopped', 'interrupted'];

export interface AgentRunRecord {
  readonly id: number;
  readonly session: string | undefined;
  readonly jobId: number | undefined;
  readonly planStepId: number | undefined;
  readonly task: string;
  readonly model: string;
  readonly status: RunStatus;
  readonly workPane: string | undefined;
  readonly cwd: string;
  readonly worktree: string | undefined;
  readonly limits: AgentLimits & { readonly interactive?: boolean; readonly worktree?: boolean; readonly allowedAlways?: readonly string[] };
  readonly usage: RunUsage;
  readonly error: string | undefined;
  readonly createdAt: number;
  readonly finishedAt: number | undefined;
  readonly updatedAt: number;
}

/**
 * One transcript entry. `user`, `assistant` and `tool_result` entries rebuild the
 * conversation (a resumed run continues from them); the others record what happened around
 * it (approvals, status changes) for the pane and the JSONL export.
 */
export type TranscriptEntry =
  | { readonly kind: 'user'; readonly text: string }
  | { readonly kind: 'assistant'; readonly text: string; readonly toolCalls?: readonly ToolCall[] | undefined }
  | {
      readonly kind: 'tool_result'; readonly toolCallId: string; readonly toolName: string; readonly content: string;
      readonly isError?: boolean | undefined; readonly display?: string | undefined; readonly durationMs?: number | undefined;
    }
  | { readonly kind: 'approval_request'; readonly call: ToolCall; readonly reason?: string | undefined }
  | { readonly kind: 'approval'; readonly call: ToolCall; readonly decision: 'allow' | 'deny'; readonly by: string; readonly reason?: string | undefined }
  | { readonly kind: 'status'; readonly status: RunStatus; readonly detail?: string | undefined };

export interface StoredEntry {
  readonly run: number;
  readonly seq: number;
  readonly time: number;
  readonly entry: TranscriptEntry;
}

interface RunRow {
  id: number; session: string | null; job_id: number | null; plan_step_id: number | null; task: string; model: string;
  status: RunStatus; work_pane: string | null; cwd: string; worktree: string | null; limits_json: string; turns: number;
  input_tokens: number; output_tokens: number; cost_usd: number; error: string | null; created_at: number;
  cached_input_tokens?: number; cache_write_tokens?: number; cache_saved_usd?: number;
  finished_at: number | null; updated_at: number;
}

function toRecord(row: RunRow): AgentRunRecord {
  return {
    id: row.id,
    session: row.session ?? undefined,
    jobId: row.job_id ?? undefined,
    planStepId: row.plan_step_id ?? undefined,
    task: row.task,
    model: row.model,
    status: row.status,
    workPane: row.work_pane ?? undefined,
    cwd: row.cwd,
    worktree: row.worktree ?? undefined,
    limits: JSON.parse(row.limits_json) as AgentRunRecord['limits'],
    usage: {
      turns: row.turns, inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd,
      // Prompt-cache figures (issue 19), shown in the agent pane.
      ...(row.cached_input_tokens || row.cache_write_tokens ? {
        cachedInputTokens: row.cached_input_tokens, cacheWriteTokens: row.cache_write_tokens, cacheSavedUsd: row.cache_saved_usd,
      } : {}),
    },
    error: row.error ?? undefined,
    createdAt: row.created_at,
    finishedAt: row.finished_at ?? undefined,
    updatedAt: row.updated_at,
  };
}

export class AgentRunStore {
  private readonly prepare: ReturnType<typeof statementCache>;

  constructor(private readonly db: Database) {
    this.prepare = statementCache(db);
  }

  create(run: {
    session: string | undefined; task: string; model: string; cwd: string; workPane: string | undefined;
    limits: AgentRunRecord['limits']; planStepId?: number | undefined;
  }): AgentRunRecord {
    const now = Date.now();
    const info = this.prepare(
      `INSERT INTO agent_runs (session, plan_step_id, task, model, status, work_pane, cwd, limits_json, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'working', ?, ?, ?, ?, ?)`,
    ).run(run.session ?? null, run.planStepId ?? null, run.task, run.model, run.workPane ?? null, run.cwd, JSON.stringify(run.limits), now, now);
    const id = Number(info.lastInsertRowid);
    this.append(id, { kind: 'user', text: run.task });
    return this.get(id)!;
  }

  get(id: number): AgentRunRecord | undefined {
    const row = this.prepare('SELECT * FROM agent_runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRecord(row);
  }

  list(session: string | undefined, limit = 50): AgentRunRecord[] {
    const rows = (session === undefined
      ? this.prepare('SELECT * FROM agent_runs ORDER BY id DESC LIMIT ?').all(limit)
      : this.prepare('SELECT * FROM agent_runs WHERE session = ? ORDER BY id DESC LIMIT ?').all(session, limit)) as RunRow[];
    return rows.map(toRecord);
  }

  /** One page of the session's runs, oldest first (`agent.list`: host/ipc/paging.ts). */
  page(session: string | undefined, query: PageQuery): AgentRunRecord[] {
    const page = sqlPage(query, session === undefined ? [] : ['session = ?']);
    const rows = this.db.prepare(`SELECT * FROM agent_runs ${page.where} ${page.tail}`).all(...(session === undefined ? [] : [session]), ...page.args) as RunRow[];
    return page.inOrder(rows).map(toRecord);
  }

  update(id: number, fields: { status?: RunStatus; error?: string | null; jobId?: number; cwd?: string; worktree?: string; usage?: RunUsage; limits?: AgentRunRecord['limits']; model?: string }): void {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [Date.now()];
    if (fields.status) {
      sets.push('status = ?', 'finished_at = ?');
      params.push(fields.status, finishedRunStatuses.includes(fields.status) ? Date.now() : null);
    }
    if (fields.error !== undefined) { sets.push('error = ?'); params.push(fields.error); }
    if (fields.jobId !== undefined) { sets.push('job_id = ?'); params.push(fields.jobId); }
    if (fields.cwd !== undefined) { sets.push('cwd = ?'); params.push(fields.cwd); }
    if (fields.worktree !== undefined) { sets.push('worktree = ?'); params.push(fields.worktree); }
    if (fields.model !== undefined) { sets.push('model = ?'); params.push(fields.model); }
    if (fields.limits !== undefined) { sets.push('limits_json = ?'); params.push(JSON.stringify(fields.limits)); }
    if (fields.usage) {
      sets.push('turns = ?', 'input_tokens = ?', 'output_tokens = ?', 'cost_usd = ?');
      params.push(fields.usage.turns, fields.usage.inputTokens, fields.usage.outputTokens, fields.usage.costUsd);
      sets.push('cached_input_tokens = ?', 'cache_write_tokens = ?', 'cache_saved_usd = ?');
      params.push(fields.usage.cachedInputTokens ?? 0, fields.usage.cacheWriteTokens ?? 0, fields.usage.cacheSavedUsd ?? 0);
    }
    this.prepare(`UPDATE agent_runs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
  }

  /** Runs a previous host left mid-flight: marked interrupted (resumable through their job). */
  interruptStale(session: string | undefined): number[] {
    const rows = this.prepare(
      // External agents (agent_external) live in their own panes and outlive a host: they are reconciled from their panes instead.
      `SELECT id FROM agent_runs WHERE session IS ? AND status IN ('working', 'waiting_approval', 'waiting_input')
         AND id NOT IN (SELECT run_id FROM agent_external)`,
    ).all(session ?? null) as Array<{ id: number }>;
    for (const { id } of rows) {
      this.update(id, { status: 'interrupted', error: 'the host stopped during the run' });
      this.append(id, { kind: 'status', status: 'interrupted', detail: 'the host stopped during the run' });
    }
    return rows.map((r) => r.id);
  }

  /**
   * Stores an entry with every known API key (and anything shaped like one) redacted: a tool
   * that prints the environment must not put a key in the database.
   */
  append(run: number, entry: TranscriptEntry): StoredEntry {
    const time = Date.now();
    const json = redact(JSON.stringify(entry));
    const row = this.prepare(
      `INSERT INTO agent_messages (run_id, seq, kind, content_json, created_at)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM agent_messages WHERE run_id = ?), ?, ?, ?) RETURNING seq`,
    ).get(run, run, entry.kind, json, time) as { seq: number };
    return { run, seq: row.seq, time, entry: JSON.parse(json) as TranscriptEntry };
  }

  entries(run: number, afterSeq = 0): StoredEntry[] {
    const rows = this.prepare(
      'SELECT seq, content_json, created_at FROM agent_messages WHERE run_id = ? AND seq > ? ORDER BY seq',
    ).all(run, afterSeq) as Array<{ seq: number; content_json: string; created_at: number }>;
    return rows.map((r) => ({ run, seq: r.seq, time: r.created_at, entry: JSON.parse(r.content_json) as TranscriptEntry }));
  }

  /** The conversation to give the model, rebuilt from the transcript. */
  conversation(run: number): Message[] {
    const messages: Message[] = [];
    for (const { entry } of this.entries(run)) {
      if (entry.kind === 'user') messages.push({ role: 'user', content: entry.text });
      else if (entry.kind === 'assistant') messages.push({ role: 'assistant', content: entry.text, ...(entry.toolCalls?.length ? { toolCalls: entry.toolCalls } : {}) });
      else if (entry.kind === 'tool_result') {
        messages.push({ role: 'tool', toolCallId: entry.toolCallId, toolName: entry.toolName, content: entry.content, ...(entry.isError ? { isError: true } : {}) });
      }
    }
    return messages;
  }
}

/** The transcript as JSON Lines: one object per entry, with the run id, sequence and time. */
export function transcriptJsonl(entries: readonly StoredEntry[]): string {
  return entries.map((e) => JSON.stringify({ run: e.run, seq: e.seq, time: new Date(e.time).toISOString(), ...e.entry })).join('\n') + (entries.length ? '\n' : '');
}
