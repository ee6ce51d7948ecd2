import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopHost, startHostInBackground, waitForHost } from '../../../host/daemon/spawn.js';
import { createWorld, events, hostReady, newSession, until, type World } from './helpers.js';

describe('host lifecycle', () => {
  let world: World;

  beforeEach(() => {
    world = createWorld();
  });

  afterEach(async () => {
    await world.dispose();
  });

  it('tracks panes and windows as they come and go', async () => {
    const first = newSession(world, 'life');
    world.startHost('life');
    await hostReady(world, 'life');
    const second = world.tmux('split-window', '-h', '-P', '-F', '#{pane_id}', '-t', first, 'sh').trim();
    const third = world.tmux('new-window', '-P', '-F', '#{pane_id}', '-t', '=life:', 'sh').trim();
    world.tmux('resize-pane', '-t', second, '-x', '30');
    await until('the new panes', async () => {
      const list = await events(world, 'life', ['--type', 'pane.opened']);
      return [second, third].every((p) => list.some((e) => e.pane === p)) ? true : undefined;
    });
    world.tmux('kill-pane', '-t', second);
    world.tmux('kill-window', '-t', third);
    const all = await until('the closed panes', async () => {
      const list = await events(world, 'life');
      return [second, third].every((p) => list.some((e) => e.type === 'pane.closed' && e.pane === p)) ? list : undefined;
    });
    expect(all.some((e) => e.type === 'pane.resized' && e.pane === second && e.data.width === 30)).toBe(true);
    expect(all.some((e) => e.type === 'pane.focused' && e.pane === third)).toBe(true);
    const panes = JSON.parse((await world.cli(['panes', '--session', 'life', '--json'])).stdout) as Array<{ id: string }>;
    expect(panes.map((p) => p.id)).toEqual([first]);
  });

  it('refuses a second host for the same session and names the running one', async () => {
    newSession(world, 'solo');
    const host = world.startHost('solo');
    const { pid } = await hostReady(world, 'solo');
    expect(pid).toBe(host.child.pid);
    const second = world.startHost('solo');
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`a picode host is already running for session "solo" (tmux -L ${world.socket}): pid ${pid}`);
    expect(second.stderr()).toContain('picode down');
    // The first one is unaffected.
    expect((await world.cli(['panes', '--session', 'solo'])).code).toBe(0);
  });

  it('survives SIGKILL: a restarted host reclaims the stale lock, keeps every persisted event and continues the ids', async () => {
    const pane = newSession(world, 'crash');
    const host = world.startHost('crash');
    await hostReady(world, 'crash');
    await world.cli(['run', pane, '--session', 'crash', '--', 'echo before-crash']);
    // Events are written in batches of host.events.flushMs (50 ms): wait until they are on disk.
    const before = await until('persisted events', async () => {
      const list = await events(world, 'crash');
      return list.some((e) => e.type === 'command.finished') ? list : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    const persisted = await events(world, 'crash');
    expect(persisted.length).toBeGreaterThanOrEqual(before.length);
    host.child.kill('SIGKILL');
    await host.exited;

    const again = world.startHost('crash');
    const { pid } = await hostReady(world, 'crash');
    expect(pid).toBe(again.child.pid);
    const ran = await world.cli(['run', pane, '--session', 'crash', '--', 'echo after-crash']);
    expect(ran.code, ran.stderr).toBe(0);
    const after = await until('events of the new host', async () => {
      const list = await events(world, 'crash');
      return list.some((e) => e.type === 'command.finished' && e.data.command === 'echo after-crash') ? list : undefined;
    }, 60_000);
    // Nothing persisted before the kill is lost, and ids continue without reuse.
    expect(after.slice(0, persisted.length)).toEqual(persisted);
    expect(after.map((e) => e.id)).toEqual(after.map((_, i) => i + 1));
    const restarts = after.filter((e) => e.type === 'session.started');
    expect(restarts.map((e) => e.data.resumed)).toEqual([false, true]);
    // Output offsets continue too: the new host's output starts where the log ended.
    const outputs = after.filter((e) => e.type === 'pane.output' && e.id > persisted.length);
    const lastOld = persisted.filter((e) => e.type === 'pane.output').at(-1)!;
    expect(outputs[0]!.data.offset).toBeGreaterThanOrEqual((lastOld.data.offset as number) + (lastOld.data.bytes as number));
  }, 180_000);

  it('records session.stopped and exits 0 when the tmux server dies', async () => {
    newSession(world, 'doomed');
    const host = world.startHost('doomed');
    await hostReady(world, 'doomed');
    world.tmux('kill-server');
    expect(await host.exited).toBe(0);
    const list = await events(world, 'doomed');
    const last = list.at(-1)!;
    expect(last.type).toBe('session.stopped');
    expect(last.data.reason).toBe('the tmux server exited');
    expect(list.filter((e) => e.type === 'pane.closed')).toHaveLength(1);
  });

  it('starts in the background with startHostInBackground and stops with stopHost (as up/down do)', async () => {
    newSession(world, 'bg');
    startHostInBackground({ session: 'bg', tmuxSocket: world.socket, cwd: world.home, env: world.env });
    expect(await waitForHost('bg', world.socket, 15_000, world.env)).toBe(true);
    const { pid } = await hostReady(world, 'bg');
    await stopHost('bg', world.socket, world.env);
    expect(() => process.kill(pid, 0)).toThrow();
    const list = await events(world, 'bg');
    expect(list.at(-1)).toMatchObject({ type: 'session.stopped', data: { reason: 'picode down' } });
    // A session without a host: stopping is a no-op.
    await stopHost('bg', world.socket, world.env);
  });
});
