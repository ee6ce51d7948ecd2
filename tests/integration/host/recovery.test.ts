import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, events, hostReady, newSession, until, type EventRecord, type World } from './helpers.js';

/**
 * Issue 13 §4: with a capture that keeps nothing while no host runs (`host.capture: control`),
 * what a pane printed while its host was dead is read back from tmux's history by the next
 * host, after what was durably recorded; when the history no longer has it, a gap is reported
 * with its estimated size. Offsets never go backwards.
 */
let world: World;
let pane: string;
const session = 'rec';

beforeAll(async () => {
  world = createWorld({ host: { capture: 'control' } });
  pane = newSession(world, session);
}, 60_000);

afterAll(async () => {
  await world?.dispose();
});

function type(text: string): void {
  world.tmux('send-keys', '-t', pane, '-l', text);
  world.tmux('send-keys', '-t', pane, 'Enter');
}

const outputs = async (): Promise<EventRecord[]> => events(world, session, ['--type', 'pane.output', '--pane', pane]);

/** The lines `name1`..`nameN` in the pane's output events, each with how often it appears. */
function counts(list: readonly EventRecord[], name: string): Map<number, number> {
  const seen = new Map<number, number>();
  const text = list.map((e) => String(e.data.text)).join('');
  for (const m of text.matchAll(new RegExp(`^${name}(\\d+)\\r?$`, 'gm'))) seen.set(Number(m[1]), (seen.get(Number(m[1])) ?? 0) + 1);
  return seen;
}

function expectOffsetsForward(list: readonly EventRecord[]): void {
  let end = 0;
  for (const e of list) {
    const offset = Number(e.data.offset);
    expect(offset, `event ${e.id} starts at ${offset}, before ${end}`).toBeGreaterThanOrEqual(end);
    end = offset + Number(e.data.bytes);
  }
}

async function killHost(host: ReturnType<World['startHost']>): Promise<void> {
  host.child.kill('SIGKILL');
  await host.exited;
}

describe('output printed while no host ran', () => {
  it('is recovered from tmux\'s history after what was recorded, once, with offsets going forward', async () => {
    let host = world.startHost(session);
    await hostReady(world, session);
    type("seq -f 'alive%g' 1 5");
    // Durably recorded: the CLI reads the store.
    await until('alive5 in the store', async () => (counts(await outputs(), 'alive').get(5) ? true : undefined), 30_000);
    await killHost(host);

    type("seq -f 'dead%g' 1 40");
    await until('dead40 on the screen', () => (world.tmux('capture-pane', '-p', '-t', pane).includes('dead40') ? true : undefined));
    host = world.startHost(session);
    await hostReady(world, session);

    const recovered = await until('the recovered lines', async () => {
      const list = await outputs();
      return counts(list, 'dead').size === 40 ? list : undefined;
    }, 30_000);
    const dead = counts(recovered, 'dead');
    expect([...dead.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect([...dead.values()].every((n) => n === 1)).toBe(true);
    expect([...counts(recovered, 'alive').values()]).toEqual([1, 1, 1, 1, 1]);
    expectOffsetsForward(recovered);
    const marks = await events(world, session, ['--type', 'pane.recovered', '--pane', pane]);
    expect(marks).toHaveLength(1);
    expect(Number(marks[0]!.data.lines)).toBeGreaterThanOrEqual(41);
    // The recovered text sits right where the dead host's record ended.
    const first = recovered.find((e) => String(e.data.text).includes('dead1'))!;
    expect(Number(first.data.offset)).toBe(Number(marks[0]!.data.offset));
    await killHost(host);
  }, 180_000);

  it('is reported as a gap with its estimated size when the history was cleared', async () => {
    const before = await outputs();
    const recordedEnd = Math.max(...before.map((e) => Number(e.data.offset) + Number(e.data.bytes)));
    type("seq -f 'lost%g' 1 60");
    await until('lost60 on the screen', () => (world.tmux('capture-pane', '-p', '-t', pane).includes('lost60') ? true : undefined));
    world.tmux('clear-history', '-t', pane);
    const host = world.startHost(session);
    await hostReady(world, session);
    const gap = await until('the gap', async () => (await events(world, session, ['--type', 'pane.gap', '--pane', pane]))[0], 30_000);
    expect(Number(gap.data.offset)).toBeGreaterThanOrEqual(recordedEnd);
    // At least what the 30-line screen shows of the 60 lines was printed.
    expect(Number(gap.data.estimatedBytes)).toBeGreaterThan(25 * 'lostNN'.length);
    expect(String(gap.data.reason)).toContain('history');
    expect(await events(world, session, ['--type', 'pane.recovered', '--pane', pane])).toHaveLength(1);
    // The stream goes on forward from there.
    type("seq -f 'after%g' 1 3");
    const after = await until('output after the gap', async () => {
      const list = await outputs();
      return counts(list, 'after').size === 3 ? list : undefined;
    }, 30_000);
    expectOffsetsForward(after);
    await killHost(host);
  }, 180_000);

  it('is not looked for in a session of the same name started afresh (tmux reuses pane ids)', async () => {
    world.tmux('kill-server');
    // kill-server returns before the server has exited: a new session started meanwhile can reach
    // the dying server ("server exited unexpectedly"). Wait until nothing answers on the socket.
    await until('the old server gone', () => {
      try {
        world.tmux('list-sessions');
        return undefined;
      } catch {
        return true;
      }
    });
    pane = newSession(world, session);
    type('echo fresh');
    await until('fresh on the screen', () => (world.tmux('capture-pane', '-p', '-t', pane).includes('fresh\n') ? true : undefined));
    const host = world.startHost(session);
    await hostReady(world, session);
    type('echo marker');
    // Once the host's own output is in the store, what it found at its start is there too.
    await until('the marker', async () => ((await outputs()).some((e) => /^marker\r?$/m.test(String(e.data.text))) ? true : undefined), 30_000);
    expect(await events(world, session, ['--type', 'pane.gap'])).toHaveLength(1);
    expect(await events(world, session, ['--type', 'pane.recovered'])).toHaveLength(1);
    host.child.kill('SIGTERM');
    await host.exited;
  }, 180_000);
});
