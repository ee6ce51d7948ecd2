import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, until, type World } from '../../support/world.js';
import { picodeBin } from '../../support/cli.js';

/**
 * One way to find the session (issue 12 §7): `picode down` without a name, run inside a
 * session picode launched, stops that session even when others run (and records it stopped,
 * although stopping it hangs up the terminal it runs in); run inside a session of the user's
 * own, it never touches that one and asks which to stop.
 */
describe('down resolves the session like every command', () => {
  let world: World;

  beforeAll(async () => {
    world = createWorld();
    for (const session of ['one', 'two']) {
      const r = await world.cli(['up', '--detach', '--session', session], { timeoutMs: 90_000 });
      expect(r.code, r.stderr).toBe(0);
    }
  }, 180_000);

  afterAll(async () => { await world?.dispose(); });

  const sessions = (): string[] => world.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean).sort();

  it('inside a session of the user\'s own: refuses to guess among several and changes nothing', async () => {
    const caller = await world.caller();
    const r = await caller.cli(['down']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('2 sessions are running (');
    expect(sessions()).toEqual(['caller', 'one', 'two']);
  });

  it('inside a session picode launched: stops that one, recorded as stopped', async () => {
    // Typed into a new window of `one`: TMUX and TMUX_PANE are tmux's own.
    world.tmux('new-window', '-d', '-t', '=one:', `${process.execPath} ${picodeBin} down`);
    await until('the session it ran in to stop', () => (!sessions().includes('one') ? true : undefined), 60_000);
    expect(sessions()).toEqual(['caller', 'two']);
    const listed = await until('one recorded as stopped', async () => {
      const r = await world.cli(['ls', '--all', '--json']);
      const rows = JSON.parse(r.stdout) as Array<{ session: string; state: string; stoppedAt: string | null }>;
      const one = rows.find((row) => row.session === 'one');
      return one?.stoppedAt ? rows : undefined;
    }, 30_000);
    expect(listed.find((row) => row.session === 'two')?.state).toBe('running');
  }, 120_000);
});
