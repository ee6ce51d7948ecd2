import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, hostReady, newSession, until, type World } from './helpers.js';

/**
 * Typed command marks (issue 12 §9): in a shell without picode's integration, `picode run`
 * types the command wrapped in printf'd OSC 133 marks; bash's history must show the user's
 * command, never that wrapper, whether or not HISTCONTROL ignores lines starting with a space
 * (and with it, nothing the user typed before is lost).
 */
describe('what `picode run` leaves in bash\'s history', () => {
  let world: World;
  const session = 'history';
  const panes: Record<'plain' | 'ignorespace', string> = { plain: '', ignorespace: '' };
  const bash = (extra: string) => `env PS1="$ " HISTFILE=${join(world.home, `hist-${extra || 'plain'}`)} ${extra} bash --norc --noprofile -i`;

  beforeAll(async () => {
    world = createWorld();
    panes.plain = newSession(world, session, bash(''));
    panes.ignorespace = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, bash('HISTCONTROL=ignorespace')).trim();
    world.startHost(session);
    await hostReady(world, session);
  }, 60_000);

  afterAll(async () => { await world?.dispose(); });

  const run = async (pane: string, command: string): Promise<string> => {
    const r = await world.cli(['run', pane, '--session', session, '--timeout', '30', '--', command], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  for (const kind of ['plain', 'ignorespace'] as const) {
    it(`shows the command, not the wrapper (${kind === 'plain' ? 'HISTCONTROL unset' : 'HISTCONTROL=ignorespace'})`, async () => {
      const pane = panes[kind];
      // A line the user typed, which must stay.
      world.tmux('send-keys', '-t', pane, '-l', 'echo typed-by-hand');
      world.tmux('send-keys', '-t', pane, 'Enter');
      await until('the typed line ran', () => (world.tmux('capture-pane', '-p', '-t', pane).split('\n').some((l) => l === 'typed-by-hand') ? true : undefined), 30_000);
      expect(await run(pane, 'echo from-run')).toBe('from-run\n');
      const history = await run(pane, 'history 5');
      expect(history).not.toContain('printf');
      expect(history).not.toContain('133;');
      expect(history).toMatch(/\d+\s+echo typed-by-hand\n/);
      expect(history).toMatch(/\d+\s+echo from-run\n/);
    }, 120_000);
  }
});
