import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, events, hostReady, newSession, until, type World } from '../host/helpers.js';

/**
 * A running host follows its config (issue 12 §6): editing a hook in the project config
 * changes what the host does without a restart; `picode reload` does it on demand and says
 * what changed; an invalid config is refused with its location and the running one is kept.
 */
describe('the host reloads its config', () => {
  let world: World;
  const session = 'reload';
  const config = (marker: string) => ({ hooks: [{ name: 'mark', event: 'user.ping', command: `touch ${marker}` }] });
  const configFile = () => join(world.home, '.picoderc.json');

  beforeAll(async () => {
    world = createWorld();
    writeFileSync(configFile(), JSON.stringify(config('first')));
    newSession(world, session);
    world.startHost(session, { PICODE_HOST_NO_EXTENSIONS: '0' });
    await hostReady(world, session);
  }, 60_000);

  afterAll(async () => { await world.dispose(); });

  const ping = async (): Promise<void> => {
    const r = await world.cli(['emit', 'ping', '--session', session]);
    expect(r.code, r.stderr).toBe(0);
  };

  it('applies an edited hook when the file changes', async () => {
    await ping();
    await until('the first hook ran', () => (existsSync(join(world.home, 'first')) ? true : undefined));
    writeFileSync(configFile(), JSON.stringify(config('second')));
    await until('config.reloaded', async () => (await events(world, session, ['--type', 'config.reloaded'])).at(-1), 30_000);
    const reloaded = (await events(world, session, ['--type', 'config.reloaded'])).at(-1)!;
    expect(reloaded.data).toMatchObject({ changed: ['hooks'], applied: ['hooks'], needsRestart: [] });
    await ping();
    await until('the edited hook ran', () => (existsSync(join(world.home, 'second')) ? true : undefined));
  });

  it('refuses an invalid config with its location and keeps the running one; reload says what changed', async () => {
    writeFileSync(configFile(), JSON.stringify({ hooks: [{ name: 'mark', event: 'user.ping', comand: 'touch third' }] }));
    const refused = await world.cli(['reload', '--session', session]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('.picoderc.json');
    expect(refused.stderr).not.toMatch(/internal error/);
    await until('config.invalid', async () => (await events(world, session, ['--type', 'config.invalid'])).at(-1), 30_000);
    // The running hook still works.
    const before = (await events(world, session, ['--type', 'hook.run'])).length;
    await ping();
    await until('the kept hook ran', async () => ((await events(world, session, ['--type', 'hook.run'])).length > before ? true : undefined));

    writeFileSync(configFile(), JSON.stringify({ ...config('fourth'), hookLimits: { maxProcesses: 4 }, models: { default: 'openai:gpt-test' } }));
    // Applied by the watcher or by this reload, whichever comes first.
    const r = await world.cli(['reload', '--session', session, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const applied = await until('hooks and hookLimits applied', async () => {
      const last = (await events(world, session, ['--type', 'config.reloaded'])).at(-1)!.data as { applied: string[]; needsRestart: string[] };
      return last.applied.includes('hookLimits') ? last : undefined;
    }, 30_000);
    expect(applied.applied).toEqual(expect.arrayContaining(['hooks', 'hookLimits']));
    const text = await world.cli(['reload', '--session', session]);
    expect(text.stdout).toContain('nothing changed');
  });
});
