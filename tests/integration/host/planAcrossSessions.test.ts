import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, until, type World } from '../../support/world.js';

/**
 * First contact (issue 12 §9): a plan that failed in an earlier session of the same name is
 * not shown as the current plan of a new one (plan view and `picode plan show`); `plan list`
 * still lists it. A plan failing in this session is shown.
 */
describe('a failed plan of an earlier session', () => {
  let world: World;
  const session = 'again';

  beforeAll(async () => {
    world = createWorld();
    // A provider nobody listens to: plans fail at once.
    writeFileSync(join(world.dir, '.picoderc.json'), JSON.stringify({
      providers: { dead: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } }, models: 'dead:none', failover: { retries: 0 },
    }));
  });

  afterAll(async () => { await world?.dispose(); });

  const up = async (): Promise<void> => {
    const r = await world.cli(['up', '--detach', '--session', session], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
  };
  const current = async (): Promise<{ id: number; status: string } | null> => {
    const r = await world.cli(['plan', 'show', '--session', session, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { id: number; status: string } | null;
  };

  it('is not current after the session is started again', async () => {
    await up();
    const made = await until('the host to take the plan', async () => {
      const r = await world.cli(['plan', 'first task', '--session', session, '--json']);
      return r.code === 0 ? JSON.parse(r.stdout) as { id: number } : undefined;
    }, 60_000);
    const failed = await until('the plan to fail', async () => {
      const plan = await current();
      return plan?.status === 'failed' ? plan : undefined;
    }, 60_000);
    expect(failed.id).toBe(made.id);

    expect((await world.cli(['down', session])).code).toBe(0);
    await up();
    expect(await current()).toBeNull();
    const screen = await until('the plan view drawn', () => {
      const pane = world.tmux('list-panes', '-s', '-t', `=${session}`, '-F', '#{@picode_role} #{pane_id}').split('\n').find((l) => l.startsWith('plan '))!.split(' ')[1]!;
      const text = world.tmux('capture-pane', '-p', '-t', pane);
      return text.includes('No plan yet') ? text : undefined;
    }, 60_000);
    expect(screen).not.toContain('first task');
    const listed = await world.cli(['plan', 'list', '--session', session]);
    expect(listed.stdout).toContain('first task');
  }, 240_000);
});
