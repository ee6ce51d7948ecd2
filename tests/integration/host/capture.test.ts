import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../../host/store/db.js';
import { createWorld, events, hostReady, newSession, paneBytes, rss, until, type EventRecord, type World } from './helpers.js';

/**
 * The default capture (`host.capture: spool`): every byte a pane prints is received or
 * reported dropped, in order, whatever the host does (stopped, killed and restarted), the
 * first bytes of a new pane included, and a pipe of the user's own is left working.
 */
describe('spool capture', () => {
  let world: World;
  let payload: string;
  let expectedBytes: number;
  const session = 'cap';
  // A small spool, so that a stopped host makes the writer drop (and count) bytes.
  const segmentBytes = 256 * 1024;
  const spoolBytes = 2 * 1024 * 1024;

  beforeAll(async () => {
    world = createWorld({ host: { spool: { segmentBytes, maxBytesPerPane: spoolBytes }, outputLog: { flushMs: 50 } } });
    newSession(world, session, 'sh');
    payload = join(world.home, 'payload.bin');
    writeFileSync(payload, randomBytes(3 * 1024 * 1024));
    const b64 = execFileSync('base64', [payload], { maxBuffer: 64 * 1024 * 1024 });
    let lines = 0;
    for (const byte of b64) if (byte === 10) lines++;
    expectedBytes = b64.length + lines; // the pty turns \n into \r\n
  });

  afterAll(async () => {
    await world.dispose();
  });

  const bytesOf = (pane: string): Promise<number> => paneBytes(world, session, pane);

  /**
   * The pane's stream as the events tell it: pane.output and counted drops follow each other
   * with no overlap and no hole, offsets never going back. Returns received and dropped bytes.
   */
  function account(list: EventRecord[], pane: string): { received: number; dropped: number; end: number } {
    let end: number | undefined;
    let received = 0;
    let dropped = 0;
    for (const e of list) {
      if (e.pane !== pane) continue;
      if (e.type === 'pane.output') {
        const { offset, bytes } = e.data as { offset: number; bytes: number };
        if (end !== undefined) expect(offset, `event ${e.id} starts where the stream was`).toBe(end);
        end = offset + bytes;
        received += bytes;
      } else if (e.type === 'pane.output.dropped' && typeof e.data.bytes === 'number') {
        const { offset, bytes } = e.data as { offset: number; bytes: number };
        if (end !== undefined) expect(offset, `drop ${e.id} starts where the stream was`).toBe(end);
        end = offset + bytes;
        dropped += bytes;
      }
    }
    return { received, dropped, end: end ?? 0 };
  }

  /**
   * The pane's events once their stream reaches `total` (events are written a moment after the
   * bytes are read). Read from the store directly: offsets and sizes only, whatever the load.
   */
  async function accounted(pane: string, total: number): Promise<{ received: number; dropped: number; end: number }> {
    let last: unknown;
    const stored = (): EventRecord[] => {
      const store = openStore(join(world.env.PICODE_HOME!, 'picode.db'));
      try {
        return (store.db.prepare(`SELECT seq AS id, type, pane, json_extract(data, '$.offset') AS offset, json_extract(data, '$.bytes') AS bytes
            FROM events WHERE pane = ? AND type IN ('pane.output', 'pane.output.dropped') ORDER BY seq`).all(pane) as Array<{ id: number; type: string; pane: string; offset: number; bytes: number | null }>)
          .map((r) => ({ id: r.id, type: r.type, pane: r.pane, data: { offset: r.offset, ...(r.bytes !== null ? { bytes: r.bytes } : {}) } }));
      } finally {
        store.close();
      }
    };
    try {
      return await until('the events to account for the flood', () => {
        const result = account(stored(), pane);
        last = result;
        return result.end === total ? result : undefined;
      }, 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${total} bytes printed, events account for ${JSON.stringify(last)}, the host counted ${await bytesOf(pane)}`);
    }
  }

  /** Waits until the pane's byte count stops moving (the flood is over and read). */
  async function settled(pane: string, total: number): Promise<number> {
    let last = -1;
    return until('the host to account for the flood', async () => {
      const bytes = await bytesOf(pane);
      if (bytes === total) return bytes;
      const same = bytes === last;
      last = bytes;
      if (same && bytes > 0) { await new Promise((r) => setTimeout(r, 1000)); if ((await bytesOf(pane)) === bytes) return bytes; }
      await new Promise((r) => setTimeout(r, 500));
      return undefined;
    }, 180_000);
  }

  it('captures the first bytes a new pane prints, and every byte of a flood, in order', async () => {
    const host = world.startHost(session);
    await hostReady(world, session);
    await until('the spool hooks', () => (world.tmux('show-hooks', '-t', session).includes('pipe-pane') ? true : undefined));
    // host.status reports the capture in effect: the default, with nothing to explain.
    expect(((await hostReady(world, session)) as { capture?: unknown }).capture).toEqual({ mode: 'spool', configured: 'spool' });
    const first = world.tmux('split-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, 'printf first-bytes-of-the-pane; exec sleep 600').trim();
    const pane = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, `base64 ${payload}; exec sleep 600`).trim();
    expect(await settled(pane, expectedBytes)).toBe(expectedBytes);
    await until('the first bytes', async () => {
      const r = await world.cli(['capture', first, '--scrollback', '--session', session]);
      return r.stdout.startsWith('first-bytes-of-the-pane') ? true : undefined;
    });
    // (With this test's small spool a host slowed by a loaded machine may fall behind it: then
    // the stretch is counted, never silent. flood.test.ts checks the default spool loses nothing.)
    const { received, dropped } = await accounted(pane, expectedBytes);
    expect(received + dropped).toBe(expectedBytes);
    // The spool is private and holds no more than the host had not recorded yet.
    const spoolRoot = join(world.env.PICODE_HOME!, 'spool');
    expect(statSync(spoolRoot).mode & 0o777).toBe(0o700);
    host.child.kill('SIGTERM');
    await host.exited;
    // A host that stops for good removes its hooks and pipes.
    expect(world.tmux('show-hooks', '-t', session)).not.toContain('pipe-pane');
    expect(world.tmux('display-message', '-p', '-t', pane, '#{pane_pipe}').trim()).toBe('0');
  }, 300_000);

  it('a host stopped for 10 s mid-flood: memory stays bounded, what the spool could not hold is counted as dropped', async () => {
    const host = world.startHost(session);
    await hostReady(world, session);
    const done = join(world.home, 'stall-done');
    const pane = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`,
      `sleep 0.5; base64 ${payload}; base64 ${payload}; base64 ${payload}; touch ${done}; exec sleep 600`).trim();
    await until('the flood to reach the host', async () => ((await bytesOf(pane)) > 0 ? true : undefined), 60_000);
    const tmuxPid = Number(world.tmux('display-message', '-p', '#{pid}').trim());
    const tmuxBefore = rss(tmuxPid);
    const hostBefore = rss(host.child.pid!);
    let tmuxPeak = tmuxBefore;
    process.kill(host.child.pid!, 'SIGSTOP');
    const stopped = Date.now();
    while (Date.now() - stopped < 10_000) {
      tmuxPeak = Math.max(tmuxPeak, rss(tmuxPid));
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(host.child.pid!, 'SIGCONT');
    let hostPeak = hostBefore;
    await until('the flood to end', () => { hostPeak = Math.max(hostPeak, rss(host.child.pid!)); return existsSync(done) ? true : undefined; }, 180_000);
    const total = expectedBytes * 3;
    const bytes = await settled(pane, total);
    expect(tmuxPeak - tmuxBefore).toBeLessThan(50 * 1024 * 1024);
    expect(hostPeak - hostBefore).toBeLessThan(50 * 1024 * 1024);
    const { received, dropped, end } = await accounted(pane, total);
    const list = await events(world, session, ['--pane', pane, '--type', 'pane.output.dropped']);
    // Every byte: received or counted dropped, and the stream ends where the pane's did.
    expect(received + dropped).toBe(total);
    expect(end).toBe(total);
    expect(bytes).toBe(total);
    if (dropped > 0) {
      const drops = list.filter((e) => e.type === 'pane.output.dropped');
      expect(String(drops[0]!.data.reason)).toContain('spool');
    }
    host.child.kill('SIGTERM');
    await host.exited;
  }, 300_000);

  it('a host killed mid-flood and restarted continues from what it recorded: nothing counted twice, nothing lost silently', async () => {
    let host = world.startHost(session);
    await hostReady(world, session);
    const done = join(world.home, 'kill-done');
    const pane = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`,
      `sleep 0.5; base64 ${payload}; base64 ${payload}; touch ${done}; exec sleep 600`).trim();
    await until('the flood to reach the host', async () => ((await bytesOf(pane)) > 100_000 ? true : undefined));
    const controlClients = (): string[] => world.tmux('list-clients', '-F', '#{client_pid} #{client_control_mode}').split('\n').filter((l) => l.endsWith(' 1'));
    expect(controlClients()).toHaveLength(1);
    host.child.kill('SIGKILL');
    await host.exited;
    // Output printed while no host runs goes on into the spool.
    await new Promise((r) => setTimeout(r, 1500));
    host = world.startHost(session);
    await hostReady(world, session);
    await until('the flood to end', () => (existsSync(done) ? true : undefined), 180_000);
    const total = expectedBytes * 2;
    await settled(pane, total);
    const { received, dropped, end } = await accounted(pane, total);
    expect(received + dropped).toBe(total);
    expect(end).toBe(total);
    // The killed host's control client was detached by the new host.
    await until('one control client', () => (controlClients().length === 1 ? true : undefined));
    host.child.kill('SIGTERM');
    await host.exited;
  }, 300_000);

  it('leaves a pipe of the user\'s own alone, names the pane, and captures it again once that pipe closes', async () => {
    const log = join(world.home, 'user-pipe.log');
    const pane = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, 'cat').trim();
    world.tmux('pipe-pane', '-t', pane, `cat >> ${log}`);
    const host = world.startHost(session);
    await hostReady(world, session);
    const conflict = await until('the conflict report', async () => {
      const drops = await events(world, session, ['--type', 'pane.output.dropped', '--pane', pane]);
      return drops.find((e) => String(e.data.reason).includes('piped by another command'));
    });
    expect(String(conflict.data.reason)).toContain(pane);
    world.tmux('send-keys', '-t', pane, '-l', 'user-pipe-still-works');
    world.tmux('send-keys', '-t', pane, 'Enter');
    await until('the user\'s pipe to get the text', () => (existsSync(log) && readFileSync(log, 'utf8').includes('user-pipe-still-works') ? true : undefined));
    // The user closes their pipe: picode captures the pane again.
    world.tmux('pipe-pane', '-t', pane);
    await until('picode to pipe the pane', () => (world.tmux('display-message', '-p', '-t', pane, '#{pane_pipe}').trim() === '1' ? true : undefined));
    await until('picode to capture the pane', async () => {
      world.tmux('send-keys', '-t', pane, '-l', 'captured-again');
      world.tmux('send-keys', '-t', pane, 'Enter');
      const r = await world.cli(['capture', pane, '--scrollback', '--session', session]);
      return r.stdout.includes('captured-again') ? true : undefined;
    }, 30_000);
    // A user pipe attached while picode's runs replaces it: reported by name as well.
    const before = (await events(world, session, ['--type', 'pane.output.dropped', '--pane', pane])).length;
    world.tmux('pipe-pane', '-t', pane, `cat >> ${log}`);
    await until('the second conflict report', async () => {
      const drops = await events(world, session, ['--type', 'pane.output.dropped', '--pane', pane]);
      return drops.length > before && String(drops.at(-1)!.data.reason).includes(pane) ? true : undefined;
    });
    expect(readdirSync(join(world.env.PICODE_HOME!, 'spool')).length).toBeGreaterThan(0);
    host.child.kill('SIGTERM');
    await host.exited;
  }, 300_000);
});
