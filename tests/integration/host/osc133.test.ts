import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { shellInitCommand } from '../../../host/mux/shellInit.js';
import { createWorld, events, hostReady, until, type World } from './helpers.js';

/**
 * The OSC 133 path: a bash started the way the launcher starts `shellInit: true` panes
 * (shellInitCommand), so the shell itself reports every command.
 */
describe('OSC 133 command marks', () => {
  let world: World;
  let pane: string;
  const session = 'marks';

  beforeAll(async () => {
    world = createWorld();
    // HOME without a .bashrc: the rc file sourced first is absent, the marks still load.
    const argv = shellInitCommand('bash', world.env)!;
    const command = ['env', `HOME=${join(world.home, 'home')}`, 'PS1=$ ', ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    world.tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', command);
    pane = world.tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_id}').trim();
    world.startHost(session);
    await hostReady(world, session);
    // The first prompt may have been drawn before the host attached: Enter draws another.
    await until('a prompt mark', async () => {
      await world.cli(['keys', pane, 'Enter', '--session', session]);
      const r = await world.cli(['panes', '--session', session, '--json']);
      return (JSON.parse(r.stdout) as Array<{ marks: boolean }>)[0]?.marks ? true : undefined;
    });
  });

  afterAll(async () => {
    await world.dispose();
  });

  it('turns commands typed by the user into command.started / command.finished', async () => {
    await world.cli(['send', pane, 'echo typed; (exit 3)', '--enter', '--session', session]);
    const finished = await until('command.finished', async () => {
      const list = await events(world, session, ['--type', 'command.*']);
      return list.find((e) => e.type === 'command.finished' && e.data.command === 'echo typed; (exit 3)');
    });
    expect(finished.data).toMatchObject({ exitCode: 3, source: 'osc133', outputTail: 'typed\n' });
    const output = finished.data.output as { from: number; to: number };
    expect(output.to).toBeGreaterThan(output.from);
    const started = (await events(world, session, ['--type', 'command.started'])).find((e) => e.data.command === 'echo typed; (exit 3)');
    expect(started!.id).toBeLessThan(finished.id);
    expect(started!.data.offset).toBe(output.from);
  });

  it('an empty command line produces no command events', async () => {
    const before = (await events(world, session, ['--type', 'command.*'])).length;
    await world.cli(['keys', pane, 'Enter', '--session', session]);
    await world.cli(['run', pane, '--session', session, '--', 'true']);
    const after = await events(world, session, ['--type', 'command.*']);
    // Only the run's own start and finish were added.
    expect(after.length - before).toBe(2);
  });

  it('runs through the shell\'s own marks (no sentinel)', async () => {
    const r = await world.cli(['run', pane, '--session', session, '--', 'printf "x\\ny\\n"; false']);
    expect(r.stdout).toBe('x\ny\n');
    expect(r.code).toBe(1);
    const last = (await events(world, session, ['--type', 'command.finished'])).at(-1)!;
    expect(last.data).toMatchObject({ source: 'osc133', exitCode: 1 });
  });

  it('a pane closed mid-command ends the command with an unknown exit', async () => {
    world.tmux('split-window', '-t', pane, `${shellInitCommand('bash', world.env)!.map((a) => `'${a}'`).join(' ')}`);
    const second = await until('the second pane', async () => {
      const list = await events(world, session, ['--type', 'pane.opened']);
      const opened = list.find((e) => e.pane !== pane);
      return opened?.pane;
    });
    await until('marks in the second pane', async () => {
      await world.cli(['keys', second, 'Enter', '--session', session]);
      const r = await world.cli(['panes', '--session', session, '--json']);
      return (JSON.parse(r.stdout) as Array<{ id: string; marks: boolean }>).find((p) => p.id === second)?.marks ? true : undefined;
    });
    await world.cli(['send', second, 'sleep 60', '--enter', '--session', session]);
    await until('sleep to start', async () => {
      const list = await events(world, session, ['--type', 'command.started', '--pane', second]);
      return list.some((e) => e.data.command === 'sleep 60') ? true : undefined;
    });
    world.tmux('kill-pane', '-t', second);
    const ended = await until('the unknown end', async () => {
      const list = await events(world, session, ['--pane', second]);
      return list.some((e) => e.type === 'pane.closed') ? list : undefined;
    });
    const finished = ended.filter((e) => e.type === 'command.finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({ command: 'sleep 60', exitCode: null, reason: 'pane closed' });
    // command.finished comes before pane.closed.
    expect(finished[0]!.id).toBeLessThan(ended.find((e) => e.type === 'pane.closed')!.id);
  });
});

describe('OSC 133 marks not yet seen when a run starts', () => {
  let world: World;

  beforeAll(() => {
    world = createWorld();
  });

  afterAll(async () => {
    await world.dispose();
  });

  it('reports a run once, even when the shell also marks the sentinel line', async () => {
    const argv = shellInitCommand('bash', world.env)!;
    const command = ['env', `HOME=${join(world.home, 'home')}`, 'PS1=$ ', ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    world.tmux('new-session', '-d', '-s', 'late', '-x', '100', '-y', '20', command);
    const pane = world.tmux('display-message', '-p', '-t', '=late:', '#{pane_id}').trim();
    // The prompt (and its mark) is drawn before the host attaches: the host cannot know yet.
    await until('the prompt', () => (world.tmux('capture-pane', '-p', '-t', pane).trim() ? true : undefined));
    world.startHost('late');
    await hostReady(world, 'late');
    const r = await world.cli(['run', pane, '--session', 'late', '--', 'echo once; false']);
    expect(r.stdout).toBe('once\n');
    expect(r.code).toBe(1);
    const commands = await events(world, 'late', ['--type', 'command.*']);
    expect(commands.map((e) => [e.type, e.data.command, e.data.source])).toEqual([
      ['command.started', 'echo once; false', 'sentinel'],
      ['command.finished', 'echo once; false', 'sentinel'],
    ]);
    // From then on the shell's own marks are used.
    const again = await world.cli(['run', pane, '--session', 'late', '--', 'echo twice']);
    expect(again.stdout).toBe('twice\n');
    const last = (await events(world, 'late', ['--type', 'command.finished'])).at(-1)!;
    expect(last.data).toMatchObject({ command: 'echo twice', source: 'osc133', exitCode: 0 });
  });
});
