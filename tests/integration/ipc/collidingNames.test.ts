import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, createWorld, until, type World } from '../host/helpers.js';
import { killTmuxServer } from '../../support/tmuxServer.js';
import { connectHost } from '../../../host/ipc/client.js';

/**
 * Issue 13 §3: server `X` with session `b--c`, and server `X--b` with session `c`, once shared
 * the host key `X--b--c`: one lock (the second host refused to start), one event sequence and
 * one output log. Each pair is its own host now, with its own events.
 */
let world: World;
let other: string;
const exits: Array<Promise<unknown>> = [];
const children: Array<ReturnType<typeof spawn>> = [];

function startHost(session: string, server: string): void {
  const child = spawn(process.execPath, [bin, 'host', '--session', session, '--tmux-socket', server], {
    cwd: world.home, env: { ...world.env, PICODE_TMUX_SOCKET: server }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  exits.push(new Promise((r) => child.on('exit', r)));
}

beforeAll(() => {
  world = createWorld();
  other = `${world.socket}--b`;
  world.tmux('new-session', '-d', '-s', 'b--c', '-x', '80', '-y', '20', 'cat');
  execFileSync('tmux', ['-L', other, 'new-session', '-d', '-s', 'c', '-x', '80', '-y', '20', 'cat'], { env: world.env });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(exits);
  killTmuxServer(other, world.env);
  await world?.dispose();
});

describe('sessions whose names collided under `server--session`', () => {
  it('each get a host, and each host lists only its own events', async () => {
    startHost('b--c', world.socket);
    startHost('c', other);
    const pairs = [{ session: 'b--c', server: world.socket, word: 'first' }, { session: 'c', server: other, word: 'second' }];
    for (const p of pairs) {
      const client = await until(`the host of ${p.session}`, () => connectHost(p.session, p.server, { env: world.env }), 30_000);
      try {
        await until('its pane', async () => ((await client.call<unknown[]>('panes.list')).length === 1 ? true : undefined));
        const [pane] = await client.call<Array<{ id: string }>>('panes.list');
        await client.call('panes.send', { pane: pane!.id, text: `${p.word}-words`, enter: true });
      } finally {
        client.close();
      }
    }
    for (const p of pairs) {
      const texts = await until(`the events of ${p.session}`, async () => {
        const r = await world.cli(['--tmux-socket', p.server, 'events', '--session', p.session, '--since', '0', '--json', '--type', 'pane.output']);
        const joined = r.stdout.split('\n').filter(Boolean).map((l) => String((JSON.parse(l) as { data: { text: string } }).data.text)).join('');
        return joined.includes(`${p.word}-words`) ? joined : undefined;
      }, 30_000);
      const otherWord = pairs.find((q) => q !== p)!.word;
      expect(texts).not.toContain(`${otherWord}-words`);
    }
  }, 120_000);
});
