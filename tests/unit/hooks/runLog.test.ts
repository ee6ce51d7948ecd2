import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../host/store/db.js';
import { HookRunLog, readHookRuns, type HookRunRow } from '../../../host/hooks/runLog.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'picode-runlog-'));
  dirs.push(dir);
  const s = openStore(join(dir, 'picode.db'));
  stores.push(s);
  return s;
}

const row = (i: number, extra: Partial<HookRunRow> = {}): HookRunRow => ({
  session: 's', eventId: i, eventType: 'user.x', hook: `h${i % 2}`, action: 'command', startedAt: i, durationMs: 1,
  outcome: 'ok', decision: undefined, reason: undefined, exitCode: 0, output: `out ${i}`, truncated: false, ...extra,
});

describe('hook_runs', () => {
  it('writes queued rows in batches and reads them back newest last, filtered', () => {
    const s = store();
    const log = new HookRunLog(s.db, { maxBatch: 3, flushMs: 10_000 });
    log.record(row(1));
    log.record(row(2, { outcome: 'blocked', decision: 'deny', reason: 'no', exitCode: 2 }));
    expect(readHookRuns(s.db)).toHaveLength(0); // still queued
    log.record(row(3, { session: 'other' }));
    expect(readHookRuns(s.db).map((r) => r.eventId)).toEqual([1, 2, 3]); // the third filled the batch
    expect(readHookRuns(s.db, { hook: 'h0' }).map((r) => r.eventId)).toEqual([2]);
    expect(readHookRuns(s.db, { session: 'other' }).map((r) => r.eventId)).toEqual([3]);
    expect(readHookRuns(s.db, { outcome: 'blocked' })[0]).toMatchObject({ decision: 'deny', reason: 'no', exitCode: 2, truncated: false });
    expect(readHookRuns(s.db, { limit: 1 }).map((r) => r.eventId)).toEqual([3]);
  });

  it('keeps only the newest rows', () => {
    const s = store();
    const log = new HookRunLog(s.db, { keep: 20, maxBatch: 1 });
    for (let i = 1; i <= 100; i++) log.record(row(i));
    log.prune();
    const ids = readHookRuns(s.db, { limit: 1000 }).map((r) => r.eventId);
    expect(ids).toHaveLength(20);
    expect(ids[0]).toBe(81);
  });

  it('ignores rows recorded after it was closed', () => {
    const s = store();
    const log = new HookRunLog(s.db);
    log.record(row(1));
    log.close();
    log.record(row(2));
    log.flush();
    expect(readHookRuns(s.db).map((r) => r.eventId)).toEqual([1]);
  });
});
