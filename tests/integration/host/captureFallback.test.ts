import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWorld, events, hostReady, newSession, until, type World } from './helpers.js';
import { pathWithout } from '../../support/pathWithout.js';

/**
 * Spool capture needs GNU `stdbuf` (and GNU `head`) where tmux runs pane pipes. Without them
 * the host says so once and reads output in control mode; a pane whose writer cannot run is
 * reported by name, never re-piped in a loop.
 */
describe('spool capture without stdbuf', () => {
  const bin = pathWithout(['stdbuf']);
  const worlds: World[] = [];
  afterEach(async () => { for (const w of worlds.splice(0)) await w.dispose(); });
  afterAll(() => bin.dispose());

  const spoolDirs = (world: World): string[] => {
    try { return readdirSync(join(world.env.PICODE_HOME!, 'spool'), { recursive: true }).map(String).filter((p) => /%\d+-\d+$/.test(p)); } catch { return []; }
  };

  it('a tmux server without stdbuf: the host reports it once and captures every pane in control mode', async () => {
    const world = createWorld();
    worlds.push(world);
    // The tmux server (started by the first command) and the host get a PATH without stdbuf.
    world.env.PATH = bin.path;
    const session = 'nostdbuf';
    const first = newSession(world, session, 'cat');
    const host = world.startHost(session);
    await hostReady(world, session);
    const warning = await until('the fallback warning', () => (/stdbuf.*control mode instead/.test(host.stderr()) ? host.stderr() : undefined));
    expect(warning).toContain(bin.path);
    expect(warning.match(/control mode instead/g)).toHaveLength(1);
    // host.status says which capture is in effect, and why it is not the configured one.
    const { capture } = (await hostReady(world, session)) as { capture?: { mode: string; configured: string; reason?: string } };
    expect(capture).toMatchObject({ mode: 'control', configured: 'spool' });
    expect(capture!.reason).toMatch(/GNU coreutils stdbuf and head are needed/);
    expect(capture!.reason).toContain(bin.path);
    // Nothing of the spool was set up: no hooks, no pipes, no writers.
    expect(world.tmux('show-hooks', '-t', session)).not.toContain('pipe-pane');
    const second = world.tmux('split-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, 'printf second-pane-output; exec cat').trim();
    for (const [pane, text] of [[first, 'typed-into-first'], [second, 'typed-into-second']] as const) {
      await until(`${pane} to be captured`, async () => {
        world.tmux('send-keys', '-t', pane, '-l', text);
        world.tmux('send-keys', '-t', pane, 'Enter');
        const r = await world.cli(['capture', pane, '--scrollback', '--session', session]);
        return r.stdout.includes(text) ? true : undefined;
      }, 30_000);
      expect(world.tmux('display-message', '-p', '-t', pane, '#{pane_pipe}').trim()).toBe('0');
    }
    expect(spoolDirs(world)).toEqual([]);
    const drops = await events(world, session, ['--type', 'pane.output.dropped']);
    expect(drops).toEqual([]);
  }, 120_000);

  it('a pane whose writer finds no stdbuf (tmux runs pipes with another PATH than run-shell) is reported by name once, not re-piped', async () => {
    const world = createWorld();
    worlds.push(world);
    const full = world.env.PATH!;
    // tmux 3.3a runs pipe-pane commands with the server's own environment, run-shell with its
    // global environment: the server starts without stdbuf, the global PATH has it, so the
    // host's check passes and each pane's writer finds no stdbuf.
    world.env.PATH = bin.path;
    const session = 'lostpath';
    const first = newSession(world, session, 'cat');
    world.tmux('set-environment', '-g', 'PATH', full);
    const host = world.startHost(session);
    await hostReady(world, session);
    await until('the spool hooks', () => (world.tmux('show-hooks', '-t', session).includes('pipe-pane') ? true : undefined));
    const panes = [first, ...[1, 2].map(() => world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, 'cat').trim())];
    const reports = await until('every pane reported', async () => {
      const drops = await events(world, session, ['--type', 'pane.output.dropped']);
      return panes.every((p) => drops.some((e) => e.pane === p)) ? drops : undefined;
    }, 30_000);
    for (const pane of panes) {
      const mine = reports.filter((e) => e.pane === pane);
      expect(mine, `reports for ${pane}`).toHaveLength(1);
      expect(String(mine[0]!.data.reason)).toMatch(new RegExp(`pane ${pane} .*is not captured: its spool writer cannot run: GNU coreutils stdbuf`));
      expect(String(mine[0]!.data.reason)).toContain(bin.path);
      // tmux notices a pipe's reader is gone when it next writes to it: the pane prints.
      await until(`${pane} to be left unpiped`, () => {
        world.tmux('send-keys', '-t', pane, '-l', 'x');
        return world.tmux('display-message', '-p', '-t', pane, '#{pane_pipe}').trim() === '0' ? true : undefined;
      });
    }
    // A pane made after the reports is reported as well; by then the others had time to loop.
    const last = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, 'cat').trim();
    const after = await until('the last pane reported', async () => {
      const drops = await events(world, session, ['--type', 'pane.output.dropped']);
      return drops.some((e) => e.pane === last) ? drops : undefined;
    }, 30_000);
    for (const pane of [...panes, last]) expect(after.filter((e) => e.pane === pane)).toHaveLength(1);
    expect(spoolDirs(world)).toEqual([]);
    expect(host.stderr()).not.toContain('control mode instead');
  }, 120_000);
});
