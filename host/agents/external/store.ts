import type { Database } from '../../store/db.js';
import type { ExternalKind } from './kinds.js';
import { statementCache } from '../statements.js';

export type StatusSource = 'hooks' | 'inferred';

/** What picode keeps about an external run besides its `agent_runs` row. */
export interface ExternalRecord {
  readonly run: number;
  readonly kind: ExternalKind;
  readonly command: readonly string[];
  readonly pane: string | undefined;
  readonly statusSource: StatusSource;
  readonly statusSince: number;
  readonly agentSession: string | undefined;
  readonly transcriptPath: string | undefined;
  readonly token: string;
  readonly exitCode: number | undefined;
}

interface Row {
  run_id: number; kind: ExternalKind; command_json: string; pane: string | null; status_source: StatusSource; status_since: number;
  agent_session: string | null; transcript_path: string | null; token: string; exit_code: number | null;
}

const toRecord = (r: Row): ExternalRecord => ({
  run: r.run_id, kind: r.kind, command: JSON.parse(r.command_json) as string[], pane: r.pane ?? undefined,
  statusSource: r.status_source, statusSince: r.status_since, agentSession: r.agent_session ?? undefined,
  transcriptPath: r.transcript_path ?? undefined, token: r.token, exitCode: r.exit_code ?? undefined,
});

export class ExternalStore {
  private readonly prepare: ReturnType<typeof statementCache>;

  constructor(private readonly db: Database) {
    this.prepare = statementCache(db);
  }

  create(record: Omit<ExternalRecord, 'agentSession' | 'transcriptPath' | 'exitCode' | 'statusSince'>): void {
    this.prepare(
      'INSERT INTO agent_external (run_id, kind, command_json, pane, status_source, status_since, token) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(record.run, record.kind, JSON.stringify(record.command), record.pane ?? null, record.statusSource, Date.now(), record.token);
  }

  get(run: number): ExternalRecord | undefined {
    const row = this.prepare('SELECT * FROM agent_external WHERE run_id = ?').get(run) as Row | undefined;
    return row && toRecord(row);
  }

  /** Every external run of the session's `agent_runs` (newest first). */
  list(session: string | undefined, limit = 100): ExternalRecord[] {
    const rows = this.prepare(
      'SELECT e.* FROM agent_external e JOIN agent_runs r ON r.id = e.run_id WHERE r.session IS ? ORDER BY e.run_id DESC LIMIT ?',
    ).all(session ?? null, limit) as Row[];
    return rows.map(toRecord);
  }

  update(run: number, fields: { pane?: string; statusSource?: StatusSource; statusChanged?: boolean; agentSession?: string; transcriptPath?: string; exitCode?: number }): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (fields.pane !== undefined) { sets.push('pane = ?'); params.push(fields.pane); }
    if (fields.statusSource !== undefined) { sets.push('status_source = ?'); params.push(fields.statusSource); }
    if (fields.statusChanged) { sets.push('status_since = ?'); params.push(Date.now()); }
    if (fields.agentSession !== undefined) { sets.push('agent_session = ?'); params.push(fields.agentSession); }
    if (fields.transcriptPath !== undefined) { sets.push('transcript_path = ?'); params.push(fields.transcriptPath); }
    if (fields.exitCode !== undefined) { sets.push('exit_code = ?'); params.push(fields.exitCode); }
    if (sets.length) this.prepare(`UPDATE agent_external SET ${sets.join(', ')} WHERE run_id = ?`).run(...params, run);
  }
}
