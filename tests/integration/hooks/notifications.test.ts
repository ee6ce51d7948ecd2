import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, hostReady, newSession, until, type World } from '../host/helpers.js';

/**
 * Notifications stay visible (issue 12 §4): each one is a tmux message and the session option
 * `@picode-notification` (for the status line), and `picode notifications` lists the last ones.
 */
describe('notifications', () => {
  let world: World;
  const session = 'notes';

  beforeAll(async () => {
    world = createWorld();
    writeFileSync(join(world.home, '.picoderc.json'), JSON.stringify({
      hooks: [{ name: 'tell', event: 'user.deploy', notify: { level: 'warning', title: 'deploy', message: 'deployed {{data.version}}' } }],
    }));
    newSession(world, session);
    world.startHost(session, { PICODE_HOST_NO_EXTENSIONS: '0' });
    await hostReady(world, session);
  }, 60_000);

  afterAll(async () => { await world.dispose(); });

  it('shows a hook notification in the status line option and lists it', async () => {
    const none = await world.cli(['notifications', '--session', session]);
    expect(none.stdout).toBe('no notifications yet\n');
    await until('the hooks extension', async () => ((await world.cli(['emit', 'deploy', '--data', '{"version":"1.2.3"}', '--session', session])).code === 0 ? true : undefined), 30_000);
    const option = await until('the status line option', () => {
      const value = world.tmux('show-options', '-v', '-t', `=${session}:`, '@picode-notification').trim();
      return value ? value : undefined;
    }, 30_000);
    expect(option).toBe('picode: [warning] hook:tell: deploy — deployed 1.2.3');
    const listed = await world.cli(['notifications', '--session', session]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^\d\d:\d\d:\d\d \[warning\] hook:tell: deploy — deployed 1\.2\.3\n$/);
  });
});
