import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, events, hostReady, until, type World } from './helpers.js';

/**
 * The shipped `dev` layout as a user runs it: the views are not shells (run/send/keys refuse
 * them, naming the pane and its role), its shell panes take commands, `run` refuses a pane
 * whose foreground program is not a shell, and the views' own redraws never come back as
 * pane output (the log view would otherwise report itself every idle period, forever).
 */
describe('views are not shells (dev layout)', () => {
  let world: World;
  const session = 'devviews';
  let logPane = '';

  beforeAll(async () => {
    world = createWorld();
    const up = await world.cli(['up', 'dev', '--detach', '--session', session], { timeoutMs: 60_000 });
    expect(up.code, up.stderr).toBe(0);
    await hostReady(world, session);
    logPane = world.tmux('list-panes', '-s', '-t', `=${session}`, '-F', '#{@picode_name} #{pane_id}')
      .split('\n').find((l) => l.startsWith('log '))!.split(' ')[1]!;
  }, 90_000);

  afterAll(async () => {
    await world.dispose();
  });

  it('refuses `run` in the jobs view with the pane and its role, and runs in the tests shell', async () => {
    const refused = await world.cli(['run', 'jobs', '--session', session, '--', 'npm', 'test']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/pane %\d+ \(jobs\) is picode's jobs view, not a shell/);
    expect(refused.stderr).toContain('--force');
    const ran = await world.cli(['run', 'tests', '--session', session, '--', 'echo', 'from-tests'], { timeoutMs: 60_000 });
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe('from-tests\n');
    expect(ran.code).toBe(0);
    const jobsScreen = world.tmux('capture-pane', '-p', '-t', `=${session}:code.3`);
    expect(jobsScreen).not.toContain('npm test');
  }, 90_000);

  it('refuses send and keys to a view, and both to the plan view of the second window', async () => {
    const send = await world.cli(['send', 'log', 'hello', '--enter', '--session', session]);
    expect(send.code).not.toBe(0);
    expect(send.stderr).toContain("(log) is picode's log view");
    const keys = await world.cli(['keys', 'plan', 'n', '--session', session]);
    expect(keys.code).not.toBe(0);
    expect(keys.stderr).toContain("(plan) is picode's plan view");
  });

  it('refuses `run` while the shell is running another program; keys still reach it', async () => {
    expect((await world.cli(['send', 'shell', 'sleep 600', '--enter', '--session', session])).code).toBe(0);
    const refused = await until('run refused while sleep runs', async () => {
      const r = await world.cli(['run', 'shell', '--timeout', '5', '--session', session, '--', 'echo', 'x']);
      return r.stderr.includes('is running sleep') ? r : undefined;
    }, 30_000);
    expect(refused.code).not.toBe(0);
    expect((await world.cli(['keys', 'shell', 'C-c', '--session', session])).code).toBe(0);
    const ran = await until('run works again after C-c', async () => {
      const r = await world.cli(['run', 'shell', '--timeout', '20', '--session', session, '--', 'echo', 'back']);
      return r.code === 0 ? r : undefined;
    }, 30_000);
    expect(ran.stdout).toBe('back\n');
  }, 90_000);

  it('never reports a view\'s own redraws as pane output or idle', async () => {
    // The log view redraws for each event it shows; the tests shell's output and idle are such events.
    const header = (): string => world.tmux('capture-pane', '-p', '-t', logPane).split('\n')[0]!;
    const shownBefore = header();
    expect((await world.cli(['run', 'tests', '--session', session, '--', 'echo', 'quiet-check'], { timeoutMs: 60_000 })).code).toBe(0);
    await until('the log view redrawn with the new events', () => (header() !== shownBefore ? true : undefined), 30_000);
    // The redraw above is output of the log pane; the host has seen it once a later idle of the
    // tests shell (which follows the command) is recorded.
    const testsPane = (await events(world, session, ['--type', 'command.finished'])).at(-1)!.pane!;
    const finished = (await events(world, session, ['--type', 'command.finished'])).at(-1)!.id;
    await until('the tests shell idle after the command', async () =>
      (await events(world, session, ['--type', 'pane.idle'])).find((e) => e.pane === testsPane && e.id > finished), 30_000);
    const all = await events(world, session);
    const own = all.filter((e) => e.pane === logPane && (e.type === 'pane.output' || e.type === 'pane.idle'));
    expect(own).toEqual([]);
    const panes = JSON.parse((await world.cli(['panes', '--session', session, '--json'])).stdout) as Array<{ name: string; role: string }>;
    expect(panes.map((p) => [p.name, p.role])).toEqual(expect.arrayContaining([['tests', 'shell'], ['jobs', 'jobs'], ['log', 'log']]));
  }, 90_000);
});
