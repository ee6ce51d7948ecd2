import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../fixtures/fake-llm/index.js';
import { bin, createAgentsWorld, until, type AgentsWorld } from '../agents/helpers.js';

/**
 * One way to find the session (host/ipc/target.ts): a command run from a shell inside a tmux
 * pane means that pane's session, even when other sessions have hosts too; `ask --pane NAME`
 * finds the pane by its layout name there, like `panes` and `run` do.
 */
describe('commands run inside tmux target the session they run in', () => {
  let world: AgentsWorld;

  beforeAll(async () => {
    world = await createAgentsWorld();
    for (const session of ['inside', 'other']) {
      world.tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', '-c', world.project, 'env PS1="$ " bash --norc --noprofile -i');
      world.tmux('set-option', '-p', '-t', `=${session}:`, '@picode_name', 'shell');
      world.startHost(session);
    }
    world.tmux('send-keys', '-t', '=inside:', 'echo MARKER-$((6*7))-FAILED', 'Enter');
    for (const session of ['inside', 'other']) {
      await until(`the host of ${session}`, async () => ((await world.cli(['panes', '--session', session])).code === 0 ? true : undefined), 60_000);
    }
  }, 120_000);

  afterAll(async () => { await world.dispose(); });

  /** Runs picode in a new window of `inside` (TMUX and TMUX_PANE set by tmux), without --session. */
  async function inPane(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = join(world.home, `${name}.out`), err = join(world.home, `${name}.err`), rc = join(world.home, `${name}.rc`);
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    world.tmux('new-window', '-d', '-t', '=inside:', '-c', world.project,
      `env -u PICODE_TMUX_SOCKET -u PICODE_SESSION '${process.execPath}' '${bin}' ${quoted} > '${out}' 2> '${err}'; echo $? > '${rc}'`);
    await until(`picode ${args[0]} inside tmux`, () => (existsSync(rc) && readFileSync(rc, 'utf8').endsWith('\n') ? true : undefined), 60_000);
    return { code: Number(readFileSync(rc, 'utf8')), stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  }

  it('panes lists the panes of the session it runs in', async () => {
    const r = await inPane('panes', ['panes', '--json']);
    expect(r.stderr).toBe('');
    const panes = JSON.parse(r.stdout) as Array<{ name?: string; windowName: string }>;
    expect(panes.some((p) => p.name === 'shell')).toBe(true);
    expect(r.code).toBe(0);
  });

  it('ask --pane shell reads the named pane of that session', async () => {
    world.llm.enqueue(reply.text('It printed the marker.'));
    const before = world.llm.requests.length;
    const r = await inPane('ask', ['ask', 'what failed?', '--pane', 'shell', '--no-host', '--yes', '--no-last-failed', '--no-plugins']);
    expect(r.stderr).not.toContain("can't find pane");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('It printed the marker.');
    expect(JSON.stringify(world.llm.requests.slice(before))).toContain('MARKER-42-FAILED');
  });
});
