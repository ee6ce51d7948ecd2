import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, until, type World } from '../../support/world.js';

/**
 * Notifications stay visible (issue 12 §4): the agent and log views of the shipped `dev`
 * layout keep the last notifications in an area of their own, which a burst of later events
 * does not scroll away. The workspace is started from a shell inside an attached session.
 */
describe('the notifications area of the agent and log views', () => {
  let world: World;
  const session = 'noted';
  const paneOf = (name: string): string => world.tmux('list-panes', '-s', '-t', `=${session}`, '-F', '#{@picode_name} #{pane_id}')
    .split('\n').find((l) => l.startsWith(`${name} `))!.split(' ')[1]!;
  const screen = (name: string): string => world.tmux('capture-pane', '-p', '-t', paneOf(name));
  /** The pane's text with its line breaks as spaces (the area wraps to the pane's width). */
  const text = (name: string): string => screen(name).replace(/\s+/g, ' ');

  beforeAll(async () => {
    world = createWorld();
    writeFileSync(join(world.dir, '.picoderc.json'), JSON.stringify({
      hooks: [{ name: 'tell', event: 'user.deploy', notify: { level: 'warning', title: 'deploy', message: 'deployed {{data.version}}' } }],
    }));
    const caller = await world.caller();
    const up = await caller.cli(['up', 'dev', '--detach', '--session', session], { timeoutMs: 90_000 });
    expect(up.code, up.stderr).toBe(0);
    // A terminal of a usual size (a detached session is 80x24).
    for (const window of ['code', 'assist']) world.tmux('resize-window', '-t', `=${session}:${window}`, '-x', '200', '-y', '50');
    await until('the views drawn', () => (screen('log').includes('picode log') && screen('agent').includes('picode agent') ? true : undefined), 60_000);
  }, 120_000);

  afterAll(async () => { await world?.dispose(); });

  it('keeps a notification in view after many later events', async () => {
    await until('the hooks extension', async () =>
      ((await world.cli(['emit', 'deploy', '--data', '{"version":"1.2.3"}', '--session', session])).code === 0 ? true : undefined), 60_000);
    await until('the notification in the agent view', () => (text('agent').includes('deploy — deployed 1.2.3') ? true : undefined), 60_000);
    // Far more events than the log pane has rows.
    for (let n = 0; n < 30; n++) expect((await world.cli(['emit', 'noise', '--data', `{"n":${n}}`, '--session', session])).code).toBe(0);
    await until('the last event drawn in the log view', () => (screen('log').includes('{"n":29}') ? true : undefined), 60_000);
    const log = screen('log');
    expect(log).not.toContain('{"n":0}');
    expect(log).toContain('── notifications');
    expect(log).toMatch(/\d\d:\d\d:\d\d \[warning\] hook:tell: deploy — deployed 1\.2\.3/);
    expect(text('agent')).toContain('[warning] hook:tell: deploy — deployed 1.2.3');
  }, 180_000);

  it('shows the notifications a view missed when it started', async () => {
    // A log view started now (its events list begins after the flood) still shows the notification.
    const view = world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`,
      `${process.execPath} ${join(__dirname, '..', '..', '..', 'bin', 'picode.js')} pane log`).trim();
    await until('the new log view with the notification', () =>
      (world.tmux('capture-pane', '-p', '-t', view).replace(/\s+/g, ' ').includes('deploy — deployed 1.2.3') ? true : undefined), 60_000);
  }, 120_000);
});
