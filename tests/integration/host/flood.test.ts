import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../../host/store/db.js';
import { createWorld, events, hostReady, newSession, paneBytes, rss, until, type World, type HostProcess } from './helpers.js';

/**
 * A pane that floods: the host keeps its memory and its logs bounded, and every byte is either
 * received or reported dropped (tmux pause-after, when the host falls behind).
 */
describe.each(['spool', 'control'] as const)('flood (capture: %s)', (capture) => {
  let world: World;
  let host: HostProcess;
  let payload: string;
  let expectedBytes: number;
  const session = 'flood';
  const retention = 256 * 1024;

  beforeAll(async () => {
    world = createWorld({
      host: { capture, pauseAfterSeconds: 1, outputLog: { maxBytesPerPane: retention, flushMs: 50 }, output: { scrollbackBytes: 65536 } },
    });
    newSession(world, session, 'sh');
    payload = join(world.home, 'payload.bin');
    writeFileSync(payload, randomBytes(6 * 1024 * 1024));
    const b64 = execFileSync('base64', [payload], { maxBuffer: 64 * 1024 * 1024 });
    let lines = 0;
    for (const byte of b64) if (byte === 10) lines++;
    expectedBytes = b64.length + lines; // the pty turns \n into \r\n
    host = world.startHost(session);
    await hostReady(world, session);
  });

  afterAll(async () => {
    await world.dispose();
  });

  const bytesOf = (pane: string): Promise<number> => paneBytes(world, session, pane);

  it('receives every byte of a flood, with the output log and stored events bounded', async () => {
    const done = join(world.home, 'done-1');
    const pane = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`,
      `base64 ${payload}; touch ${done}; exec sleep 600`).trim();
    const before = rss(host.child.pid!);
    let peak = before;
    const received = await until('every byte', async () => {
      peak = Math.max(peak, rss(host.child.pid!));
      const bytes = await bytesOf(pane);
      return bytes >= expectedBytes ? bytes : undefined;
    }, 120_000);
    expect(received).toBe(expectedBytes);
    expect((await events(world, session, ['--type', 'pane.output.dropped', '--pane', pane]))).toEqual([]);
    // Memory stays bounded (the pane printed ~8 MB; the host keeps 64 KiB of it in memory).
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);

    await new Promise((r) => setTimeout(r, 300)); // the last output log flush
    const store = openStore(join(world.env.PICODE_HOME!, 'picode.db'));
    try {
      const logged = store.db.prepare('SELECT SUM(length(data)) AS n, MAX(offset + length(data)) AS end FROM pane_output WHERE pane = ?')
        .get(pane) as { n: number; end: number };
      expect(logged.end).toBe(expectedBytes);
      // Retention: at most the limit plus the one batch that crossed it.
      expect(logged.n).toBeLessThanOrEqual(retention * 3);
      const texts = store.db.prepare("SELECT data FROM events WHERE type = 'pane.output' AND pane = ?").all(pane) as Array<{ data: string }>;
      const longest = Math.max(...texts.map((t) => (JSON.parse(t.data) as { text: string }).text.length));
      expect(longest).toBeLessThanOrEqual(16 * 1024);
      // The tail of the log is the tail of the payload's base64, byte for byte.
      const tail = store.db.prepare('SELECT data FROM pane_output WHERE pane = ? ORDER BY offset DESC LIMIT 1').get(pane) as { data: Buffer };
      const expectedTail = execFileSync('base64', [payload], { maxBuffer: 64 * 1024 * 1024 }).toString().replace(/\n/g, '\r\n');
      expect(expectedTail.endsWith(tail.data.toString('latin1'))).toBe(true);
    } finally {
      store.close();
    }
  }, 300_000);

  it('a host that falls behind loses nothing silently: every byte is received or reported dropped (the spool, or pause-after in control mode)', async () => {
    const done = join(world.home, 'done-2');
    const pane = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`,
      `sleep 0.5; base64 ${payload}; base64 ${payload}; touch ${done}; exec sleep 600`).trim();
    await until('the flood to reach the host', async () => ((await bytesOf(pane)) > 0 ? true : undefined));
    // Stop the host for well over pause-after (1 s) while the pane floods: tmux may drop the
    // backlog it queued for the host (%pause), which the host must report.
    process.kill(host.child.pid!, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 5000));
    process.kill(host.child.pid!, 'SIGCONT');
    await until('the flood to end', () => (existsSync(done) ? true : undefined), 120_000);
    const total = expectedBytes * 2;
    const outcome = await until('the host to account for the flood', async () => {
      const dropped = await events(world, session, ['--type', 'pane.output.dropped', '--pane', pane]);
      const bytes = await bytesOf(pane);
      if (bytes === total && dropped.length === 0) return { bytes, dropped };
      if (dropped.length > 0) {
        // Settled: no more output arriving.
        await new Promise((r) => setTimeout(r, 500));
        if ((await bytesOf(pane)) === bytes) return { bytes, dropped };
      }
      return undefined;
    }, 60_000);
    if (outcome.dropped.length > 0) {
      expect(outcome.bytes).toBeLessThan(total);
      expect(outcome.dropped[0]!.data.reason).toContain('dropped');
    } else {
      expect(outcome.bytes).toBe(total);
    }
    // The pane was resumed after any pause: what a new program prints there is received.
    const before = await bytesOf(pane);
    world.tmux('respawn-pane', '-k', '-t', pane, 'echo after-the-flood; exec sleep 600');
    await until('output after the flood', async () => ((await bytesOf(pane)) > before ? true : undefined), 30_000);
  }, 300_000);
});
