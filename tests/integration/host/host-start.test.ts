import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorld, until, type World } from '../../support/world.js';

/**
 * `up` waits for the host's ready handshake: "is up" means the host is attached and serving,
 * and a host that fails to start makes `up` fail with the host's own error (issue 13 §6).
 * A host answers on its socket only once it is attached (the lifecycle flake of issue 20).
 */
describe('the host started by up', () => {
  let world: World;
  beforeEach(() => {
    world = createWorld({ env: { PICODE_HOST_NO_EXTENSIONS: '1' } });
    delete world.env.NODE_EXTRA_CA_CERTS;
  });
  afterEach(() => world.dispose());

  it('is attached and knows the panes when up says the session is up', async () => {
    writeFileSync(join(world.dir, 'two.yaml'), 'name: two\nwindows:\n  - panes: [sleep 300, sleep 301]\n');
    const up = await world.cli(['up', 'two.yaml', '--detach']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/session "two" is up \(2 panes\)/);
    // No waiting: the host answered the handshake, so it answers now, with both panes.
    const panes = await world.cli(['panes', '--session', 'two', '--json']);
    expect(panes.code, panes.stderr).toBe(0);
    expect(JSON.parse(panes.stdout)).toHaveLength(2);
  });

  it('fails up with the host\'s error when the host cannot start (here: an unusable database)', async () => {
    mkdirSync(join(world.dir, 'state'), { recursive: true, mode: 0o700 });
    writeFileSync(join(world.dir, 'state', 'picode.db'), 'this is not a database, it is a text file '.repeat(200));
    writeFileSync(join(world.dir, 'one.yaml'), 'name: one\nwindows:\n  - command: sleep 300\n');
    const up = await world.cli(['up', 'one.yaml', '--detach']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).not.toMatch(/is up/);
    expect(up.stderr).toMatch(/the session "one" was built, but its host failed to start:/);
    // The host's own words (how the store words a corrupt database is the store's business).
    expect(up.stderr).toMatch(/not a database|picode\.db/);
    expect(up.stderr).toMatch(/hint: the host's log is .*; fix the cause, then start the host with `picode host --session one --tmux-socket /);
  });

  it('answers on its socket only once attached, even when started by hand right after the session', async () => {
    for (let i = 0; i < 3; i++) {
      world.tmux('new-session', '-d', '-s', `h${i}`, 'sleep 300');
      const host = world.cli(['host', '--session', `h${i}`]);
      // The first answer already lists the session's pane (before the fix it could be none).
      const listed = await until(`the host of h${i}`, async () => {
        const r = await world.cli(['panes', '--session', `h${i}`, '--json']);
        return r.code === 0 ? JSON.parse(r.stdout) as unknown[] : undefined;
      }, 60_000);
      expect(listed).toHaveLength(1);
      world.tmux('kill-session', '-t', `=h${i}`);
      expect((await host).code).toBe(0);
    }
  });
});
