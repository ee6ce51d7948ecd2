import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorld, type World } from '../../support/world.js';

/**
 * Issue 20: `picode down` then `picode up` at once, many times on one private server, with
 * each session's host running. `down` returns only once what it stopped is gone (host,
 * control client, session, and the server when that was its last session), so the next `up`
 * never reaches a server that is shutting down ("server exited unexpectedly"). The same from
 * a shell inside tmux, and with `up --replace`.
 */
const CYCLES = 10;
// Each cycle starts and stops a host (a Node process): generous on a loaded 2-core machine.
const TIMEOUT_MS = 600_000;

describe.each(['outside', 'inside'] as const)('down then up, again and again, %s tmux', (where) => {
  let world: World;
  let layout: string;
  // The host's own start is under test, not its extensions (they have their own suites).
  beforeAll(() => {
    world = createWorld({ env: { PICODE_HOST_NO_EXTENSIONS: '1' } });
    // Node reads this bundle at every start (slow here); nothing in this test uses TLS.
    delete world.env.NODE_EXTRA_CA_CERTS;
    layout = join(world.dir, 'four.yaml');
    writeFileSync(layout, 'name: four\nwindows:\n  - panes: [sleep 300, sleep 301, sleep 302, sleep 303]\n');
  });
  afterAll(() => world.dispose());

  const picode = async (args: string[]) => (where === 'inside' ? (await world.caller()).cli(args) : world.cli(args));

  /** Processes of this world's hosts for a session (there must be none once `down` returned). */
  const hostsOf = (session: string): string[] => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((line) => line.includes(`--tmux-socket ${world.socket}`) && new RegExp(`host --session ${session} `).test(line));

  it(`${CYCLES} cycles of down S; up --session S+1 with zero failures`, async () => {
    const first = await picode(['up', layout, '--detach', '--session', 'c0']);
    expect(first.code, first.stderr).toBe(0);
    for (let i = 1; i <= CYCLES; i++) {
      const down = await picode(['down', `c${i - 1}`]);
      expect(down.code, `cycle ${i}: ${down.stderr}`).toBe(0);
      // Gone when down returns: the host (and its control client with it) and the session.
      expect(hostsOf(`c${i - 1}`), `cycle ${i}`).toEqual([]);
      expect(world.serverRunning() ? world.tmux('list-sessions', '-F', '#{session_name}') : '').not.toMatch(new RegExp(`^c${i - 1}$`, 'm'));
      const up = await picode(['up', layout, '--detach', '--session', `c${i}`]);
      expect(up.code, `cycle ${i}: ${up.stderr}`).toBe(0);
      expect(up.stderr).toMatch(new RegExp(`session "c${i}" is up \\(4 panes\\)`));
    }
    expect((await picode(['down', `c${CYCLES}`])).code).toBe(0);
  }, TIMEOUT_MS);

  it(`${CYCLES} launches with up --replace of the running session`, async () => {
    for (let i = 0; i < CYCLES; i++) {
      const up = await picode(['up', layout, '--detach', '--replace', '--session', 'r']);
      expect(up.code, `launch ${i}: ${up.stderr}`).toBe(0);
      // One host for the session: the replaced session's host was stopped first.
      expect(hostsOf('r'), `launch ${i}`).toHaveLength(1);
    }
    expect((await picode(['down', 'r'])).code).toBe(0);
    expect(hostsOf('r')).toEqual([]);
  }, TIMEOUT_MS);
});
