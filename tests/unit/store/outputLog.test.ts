import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../support/tempStore.js';
import { OutputLog, readOutputRange } from '../../../host/store/outputLog.js';

/**
 * The output log keeps a pane's raw bytes exactly, in rows of bounded size, and copies what it
 * is given: a capture may reuse its read buffer once `append` returned.
 */
const temp = useTempStore('outputlog');

function log(maxBytesPerPane: number, recorded: Array<[string, number]> = []): OutputLog {
  return new OutputLog(temp.store.db, 'k', {
    flushMs: 60_000, maxBytesPerPane, onError: (error) => { throw error; },
    onRecorded: (pane, end) => recorded.push([pane, end]),
  });
}

const rows = (pane: string): Array<{ offset: number; n: number }> =>
  temp.store.db.prepare('SELECT offset, length(data) AS n FROM pane_output WHERE pane = ? ORDER BY offset').all(pane) as Array<{ offset: number; n: number }>;

describe('output log', () => {
  it('stores every byte in order, in rows of at most 1 MiB, from a reused read buffer', () => {
    const recorded: Array<[string, number]> = [];
    const output = log(64 * 1024 * 1024, recorded);
    const input = randomBytes(3 * 1024 * 1024 + 12_345);
    const reused = Buffer.alloc(50_000);
    let at = 0;
    for (let i = 0; i < input.length; i += reused.length) {
      const n = input.copy(reused, 0, i, i + reused.length);
      output.append('%1', 100 + at, reused.subarray(0, n));
      reused.fill(0xee); // the capture's next read overwrites it
      at += n;
    }
    // A chunk bigger than a row, and another pane in between.
    const big = randomBytes(1536 * 1024);
    output.append('%2', 0, Buffer.from('other pane'));
    output.append('%1', 100 + at, big);
    output.flush();
    const all = Buffer.concat([input, big]);
    expect(readOutputRange(temp.store.db, 'k', '%1', 100, 100 + all.length).equals(all)).toBe(true);
    expect(readOutputRange(temp.store.db, 'k', '%2', 0, 10).toString()).toBe('other pane');
    const stored = rows('%1');
    expect(stored.slice(0, -1).every((r) => r.n <= 1024 * 1024)).toBe(true);
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.offset).toBe(stored[i - 1]!.offset + stored[i - 1]!.n);
    expect(recorded.filter(([p]) => p === '%1').at(-1)).toEqual(['%1', 100 + all.length]);
  });

  it('a stretch reported lost splits the rows; old rows are trimmed to the retention', () => {
    const output = log(2 * 1024 * 1024);
    output.append('%1', 0, Buffer.from('before'));
    output.append('%1', 1000, Buffer.from('after the gap'));
    output.flush();
    expect(rows('%1')).toEqual([{ offset: 0, n: 6 }, { offset: 1000, n: 13 }]);
    const flood = randomBytes(5 * 1024 * 1024);
    for (let i = 0; i < flood.length; i += 65_536) output.append('%1', 1013 + i, flood.subarray(i, i + 65_536));
    output.flush();
    const end = 1013 + flood.length;
    const kept = rows('%1');
    expect(kept[0]!.offset).toBeGreaterThanOrEqual(end - 2 * 1024 * 1024 - 1024 * 1024);
    expect(readOutputRange(temp.store.db, 'k', '%1', end - 2 * 1024 * 1024, end).equals(flood.subarray(flood.length - 2 * 1024 * 1024))).toBe(true);
  });
});
