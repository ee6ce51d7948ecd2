import { beforeEach, describe, expect, it } from 'vitest';
import { useTempStore } from '../../support/tempStore.js';
import { startAgeRetention } from '../../../host/store/retention.js';
import { configSchema } from '../../../host/config/schema.js';

/** Issue 13 §9: age-based retention (`host.retention.maxAgeDays`, default 30). */
const temp = useTempStore('retention');
const day = 86_400_000;

beforeEach(() => {
  const now = Date.now();
  const event = temp.store.db.prepare("INSERT INTO events (host_key, seq, session, type, time, data) VALUES ('k', ?, 's', 't', ?, '{}')");
  const output = temp.store.db.prepare("INSERT INTO pane_output (host_key, pane, offset, time, data) VALUES ('k', '%1', ?, ?, x'00')");
  [now - 40 * day, now - 31 * day, now - 2 * day, now].forEach((t, i) => { event.run(i + 1, t); output.run(i, t); });
});

const count = (table: string): number => (temp.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('age-based retention', () => {
  it('defaults to 30 days in the config', () => {
    expect(configSchema.parse({}).host.retention.maxAgeDays).toBe(30);
  });

  it('deletes events and pane output older than maxAgeDays at start, keeps the rest', () => {
    const stop = startAgeRetention(temp.store.db, 30, (e) => { throw e; });
    stop();
    expect(count('events')).toBe(2);
    expect(count('pane_output')).toBe(2);
  });

  it('0 keeps everything', () => {
    startAgeRetention(temp.store.db, 0, (e) => { throw e; })();
    expect(count('events')).toBe(4);
  });
});
