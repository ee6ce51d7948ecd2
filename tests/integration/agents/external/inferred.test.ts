import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExternalWorld, until, type ExternalWorld } from './helpers.js';

/**
 * An agent without hooks (`--with 'CMD ARGS'`): a scripted fake CLI whose status picode infers
 * from its pane (output, quiet with hysteresis, exit status). Also the bad input of `--with`.
 */
const fakeAgent = resolve(__dirname, '..', '..', '..', 'fixtures', 'fake-agent', 'agent.mjs');

describe('an agent CLI without hooks: inferred status', () => {
  let world: ExternalWorld;
  let runId: number;

  beforeAll(async () => {
    world = await createExternalWorld({
      binDirs: [],
      session: 'inf',
      // Quiet for 3 s means waiting: on a loaded machine the agent's 100 ms output can arrive a second late.
      projectConfig: 'agents:\n  external:\n    idleSeconds: 3\n',
      // Only the system's directories: no agent CLI is installed there.
      env: { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':'), FAKE_AGENT_WORK_MS: '3000' },
    });
  }, 240_000);
  afterAll(async () => { await world?.dispose(); });

  it('types the task once the CLI is up, sees it work, then waiting for input once its output goes quiet', async () => {
    const started = await world.cli(['agent', 'first task', '--with', `node ${fakeAgent}`, '--session', world.session, '--json']);
    expect(started.stderr).toBe('');
    const run = JSON.parse(started.stdout) as { id: number; kind: string; statusSource: string; pane: string };
    expect(run).toMatchObject({ kind: 'command', statusSource: 'inferred' });
    runId = run.id;
    const waiting = await world.waitStatus(runId, 'waiting_input', 120_000);
    expect(waiting.statusSource).toBe('inferred');
    expect(world.tmux('capture-pane', '-p', '-t', run.pane)).toContain('answer: done with "first task"');
    // The tmux status line counts it (set over the host's control connection, after the status).
    await until('the status line', async () => (world.tmux('show-options', '-v', '-t', `${world.session}:`, '@picode-waiting').includes('⚑ 1 agent waiting') ? true : undefined), 60_000);
    expect(world.tmux('show-options', '-v', '-t', `${world.session}:`, 'status-right')).toMatch(/^#\{@picode-waiting\}/);
  }, 180_000);

  it('a message sent while it waits is typed; it works again, then waits again, without flickering', async () => {
    const sent = await world.cli(['agent', 'send', String(runId), 'second task', '--session', world.session]);
    expect(sent.stdout).toBe('sent\n');
    const statusEvents = async (): Promise<unknown[]> => (await world.agentEvents('agent.status')).filter((e) => (e.data.run as { id: number }).id === runId).map((e) => e.data.status);
    await until('its second spell of work to end', async () => ((await statusEvents()).length >= 4 ? true : undefined), 120_000);
    await world.waitStatus(runId, 'waiting_input', 120_000);
    const statuses = await statusEvents();
    // One working spell per task: output every 100 ms never flips it to waiting and back.
    expect(statuses).toEqual(['working', 'waiting_input', 'working', 'waiting_input']);
  }, 240_000);

  it('its process exiting with an error ends the run as failed, with the exit status', async () => {
    await world.cli(['agent', 'send', String(runId), 'fail', '--session', world.session]);
    const ended = await world.waitStatus(runId, 'failed', 120_000);
    expect(ended.error).toBe('its process exited with status 3');
    expect(ended.statusSource).toBe('inferred');
    await until('the status line cleared', async () => (world.tmux('show-options', '-v', '-t', `${world.session}:`, '@picode-waiting').trim() === '' ? true : undefined), 60_000);
  }, 180_000);

  it('refuses an unknown --with kind, naming the known ones', async () => {
    const result = await world.cli(['agent', 'x', '--with', 'cluade', '--session', world.session]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--with: unknown agent kind "cluade"');
    expect(result.stderr).toContain('known kinds: claude, codex, gemini, opencode, aider');
  }, 180_000);

  it('a CLI that is not installed gets its install command, and no pane is opened', async () => {
    const panes = world.tmux('list-panes', '-s', '-t', world.session).split('\n').length;
    const result = await world.cli(['agent', 'x', '--with', 'gemini', '--session', world.session]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('gemini: not found on PATH');
    expect(result.stderr).toContain('install it with: npm install -g @google/gemini-cli');
    expect(world.tmux('list-panes', '-s', '-t', world.session).split('\n').length).toBe(panes);
    const missing = await world.cli(['agent', 'x', '--with', join(world.project, 'no-such-agent'), '--session', world.session]);
    expect(missing.stderr).toContain('no-such-agent: not found');
  }, 180_000);
});
