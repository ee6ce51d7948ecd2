import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createWorld, events, hostReady, newSession, until, type World } from '../host/helpers.js';

/**
 * `picode ask` with a host running: the request goes through the host (its llm.request gate,
 * its approval broker, its record), the answer lands on the bus for the agent pane.
 */
const key = 'sk-proj-HOSTKEY0123456789abcdefghij';
let fake: FakeLlm;
let world: World;
let pane: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  world = createWorld();
  mkdirSync(join(world.home, 'config', 'picode'), { recursive: true });
  writeFileSync(join(world.home, 'config', 'picode', 'config.yaml'), [
    'providers:',
    `  openai: { baseUrl: "${fake.openaiBaseUrl}" }`,
    'models: openai:gpt-4.1-mini',
    'approval: { approve: always }',
  ].join('\n'));
  pane = newSession(world, 'ask1');
  world.startHost('ask1', { PICODE_HOST_NO_EXTENSIONS: '0', OPENAI_API_KEY: key });
  await hostReady(world, 'ask1');
});

afterAll(async () => {
  await world?.dispose();
  await fake?.close();
});

describe('picode ask through a running host', () => {
  it('sends pane context through the host, asks the terminal for approval, and puts the answer on the bus', async () => {
    world.tmux('send-keys', '-t', pane, 'echo hello-from-the-pane', 'Enter');
    await until('the echo', () => (world.tmux('capture-pane', '-p', '-t', pane).includes('hello-from-the-pane\n') ? true : undefined));

    // Approval is `always` and stdin is not a terminal: without --yes nothing is sent.
    const refused = await world.cli(['ask', 'what did it print?', '--pane', pane, '--session', 'ask1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('denied');
    expect(fake.requests).toHaveLength(0);

    fake.enqueue(reply.text('It printed hello.', { usage: { input: 100, output: 4 } }));
    const r = await world.cli(['ask', 'what did it print?', '--pane', pane, '--session', 'ask1', '--json', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { answer: string; viaHost: boolean; sources: Array<{ source: string }>; model: string };
    expect(doc).toMatchObject({ answer: 'It printed hello.', viaHost: true, model: 'openai:gpt-4.1-mini' });
    expect(doc.sources.map((s) => s.source)).toEqual([`pane:${pane}`]);
    expect(JSON.stringify(fake.requests[0]!.body.messages)).toContain('hello-from-the-pane');
    // The key lives in the host's environment only.
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);

    const evs = await until('llm.response on the bus', async () => {
      const list = await events(world, 'ask1', ['--type', 'llm.*']);
      return list.some((e) => e.type === 'llm.response' && e.data.outcome === 'ok') ? list : undefined;
    });
    const types = evs.map((e) => e.type);
    expect(types).toContain('llm.request');
    expect(types).toContain('llm.approval.requested');
    expect(types).toContain('llm.response.delta');
    const response = evs.find((e) => e.type === 'llm.response' && e.data.outcome === 'ok')!;
    expect(response.data).toMatchObject({ purpose: 'ask', question: 'what did it print?', text: 'It printed hello.', model: 'openai:gpt-4.1-mini' });

    const usage = await world.cli(['usage', '--json']);
    expect(JSON.parse(usage.stdout).total.calls).toBe(1);
  });
});
