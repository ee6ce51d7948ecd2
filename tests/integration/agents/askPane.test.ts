import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../fixtures/fake-llm/index.js';
import { createAgentsWorld, openPaneView, paneShows, until, type AgentsWorld } from './helpers.js';

/**
 * The agent pane beyond agent runs, with a real host on a private tmux server: `picode ask`
 * answers stream into it, and LLM requests the approval policy holds are answered there.
 */
let world: AgentsWorld;
const session = 'asks';
let host: ReturnType<AgentsWorld['startHost']>;
let agentPane: string;
const shows = (text: string | RegExp, timeoutMs?: number) => paneShows(world, agentPane, text, () => host.stderr(), timeoutMs);

beforeAll(async () => {
  world = await createAgentsWorld();
  // Every request needs a yes: asks get it from `--yes`, agent runs from the pane.
  appendFileSync(join(world.home, 'config', 'picode', 'config.yaml'), 'approval:\n  approve: always\n');
  world.tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', '-c', world.project);
  host = world.startHost(session);
  await until('the host', async () => ((await world.cli(['jobs', 'list', '--session', session])).stdout.includes('no jobs') ? true : undefined));
  agentPane = openPaneView(world, session, 'agent');
  await shows('No agent runs yet.');
});
afterAll(async () => { await world.dispose(); });

describe('the agent pane with asks and held LLM requests', () => {
  it('streams a `picode ask` answer made through the host, then shows the model, tokens and cost', async () => {
    world.llm.enqueue(reply.text(['add() subtracts ', 'instead of adding; ', 'use a + b.'], { delayMs: 700, usage: { input: 321, output: 12 } }));
    const asked = world.cli(['ask', 'why does add fail?', '--session', session, '--yes', '--no-last-failed', '--no-plugins'], { timeoutMs: 60_000 });
    // The question and the first part of the answer while it still streams.
    const streaming = await shows(/ask · streaming…[\s\S]*› why does add fail\?\nadd\(\) subtracts/);
    expect(streaming).not.toContain('use a + b.');
    const done = await shows('— done · openai:gpt-test · 321 in / 12 out tokens');
    expect(done).toContain('add() subtracts instead of adding; use a + b.');
    expect(done).toMatch(/ask · done · openai:gpt-test · 333 tok/);
    const result = await asked;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('add() subtracts instead of adding; use a + b.');
  });

  it('shows an agent\'s LLM request held for approval; y sends it', async () => {
    world.llm.enqueue(reply.text('Hello from the agent.'));
    const before = world.llm.requests.length;
    const run = JSON.parse((await world.cli(['agent', 'say hello', '--session', session, '--json'])).stdout) as { id: number };
    // The whole payload, as the terminal prompt of `picode ask` shows it, then the question.
    const screen = await shows('Send this (purpose:agent) to openai:gpt-test? [y/n]');
    expect(screen).toContain('----- user -----\nsay hello');
    expect(screen).toContain('y send · n refuse');
    expect(world.llm.requests.length).toBe(before);
    // The bell flags the agent's window; the title and the status line say what waits.
    await until('the bell on the agent window', () => (world.tmux('display-message', '-p', '-t', agentPane, '#{window_bell_flag}').trim() === '1' ? true : undefined));
    await until('the pane title', () => (world.tmux('display-message', '-p', '-t', agentPane, '#{pane_title}').includes('LLM request waiting approval') ? true : undefined));
    await until('the status line', () => (world.tmux('show-options', '-v', '-t', session, '@picode-agents').includes('LLM request waiting approval') ? true : undefined));
    world.tmux('send-keys', '-t', agentPane, 'y');
    const after = await shows(/Hello from the agent\.\n— done/);
    expect(after).toContain(`agent #${run.id} · done`);
    expect(after).not.toContain('Send this (');
    expect(world.llm.requests.length).toBe(before + 1);
  });

  it('n refuses it: nothing is sent and the run fails saying so', async () => {
    const before = world.llm.requests.length;
    const run = JSON.parse((await world.cli(['agent', 'say goodbye', '--session', session, '--json'])).stdout) as { id: number };
    await shows(new RegExp(`agent #${run.id}[\\s\\S]*----- user -----\\nsay goodbye[\\s\\S]*Send this \\(purpose:agent\\) to openai:gpt-test\\? \\[y/n\\]`));
    world.tmux('send-keys', '-t', agentPane, 'n');
    const screen = await shows(/failed: .*not approved/);
    expect(screen).not.toContain('Send this (');
    expect(world.llm.requests.length).toBe(before);
    const listed = JSON.parse((await world.cli(['agent', 'list', '--session', session, '--json'])).stdout) as Array<{ id: number; status: string }>;
    expect(listed.find((r) => r.id === run.id)?.status).toBe('failed');
  });
});
