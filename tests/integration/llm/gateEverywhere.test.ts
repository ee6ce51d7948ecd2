import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { samplePlan } from '../agents/helpers.js';
import { createWorld, hostReady, newSession, root, until, type World } from '../host/helpers.js';

/**
 * Issue 13 §1: every LLM request passes the same `llm.request` gate with the same gating
 * plugins (the shipped secrets redactor), with or without a host, and a gating plugin that
 * cannot be loaded refuses the request. The fake provider logs every request body: a planted
 * token must never reach it, through the real openai and anthropic SDK clients.
 */
const githubToken = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const openaiKey = 'sk-proj-' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2H1g0';
const providerKey = 'sk-test-provider-0123456789';

let fake: FakeLlm;
let world: World;
let project: string;

function writeConfig(extra: string[] = []): void {
  mkdirSync(join(world.home, 'config', 'picode'), { recursive: true });
  writeFileSync(join(world.home, 'config', 'picode', 'config.yaml'), [
    'providers:',
    `  openai: { baseUrl: "${fake.openaiBaseUrl}" }`,
    `  anthropic: { baseUrl: "${fake.anthropicBaseUrl}" }`,
    'models: openai:gpt-4.1-mini',
    'failover: { retries: 0 }',
    // A loaded CI machine must not turn a slow verdict into a denial: these tests are about leaks.
    'plugins: { defaults: { gateDeadlineMs: 20000 } }',
    ...extra,
  ].join('\n'));
}

const keys = { OPENAI_API_KEY: providerKey, ANTHROPIC_API_KEY: providerKey };
const cli = (args: string[]) => world.cli(args, { timeoutMs: 120_000 });
const everythingSent = (): string => JSON.stringify(fake.requests.map((r) => r.body));

beforeAll(async () => {
  fake = await startFakeLlm();
  world = createWorld();
  Object.assign(world.env, keys);
  delete world.env.PICODE_HOST_NO_EXTENSIONS;
  project = world.home;
  writeFileSync(join(project, 's.env'), `GITHUB_TOKEN=${githubToken}\n`);
  writeConfig();
});

afterAll(async () => {
  await world?.dispose();
  await fake?.close();
});

beforeEach(() => { fake.requests.length = 0; });

describe('without a host', () => {
  it('ask --file: a GitHub token in the file never reaches the provider (openai SDK)', async () => {
    fake.enqueue(reply.text('fine'));
    const r = await cli(['ask', 'check', '--file', 's.env']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(everythingSent()).not.toContain(githubToken);
    expect(everythingSent()).toContain('[REDACTED:github-token]');
  });

  it('ask --pane --no-host: an OpenAI key in the pane output never reaches the provider (anthropic SDK)', async () => {
    const pane = newSession(world, 'leaky');
    world.tmux('send-keys', '-t', pane, `echo ${openaiKey.slice(0, 20)}''${openaiKey.slice(20)}`, 'Enter');
    await until('the key in the pane', () => (world.tmux('capture-pane', '-p', '-t', pane).includes(`${openaiKey}\n`) ? true : undefined));
    fake.enqueue(reply.text('fine'));
    const r = await cli(['ask', 'what is this?', '--pane', pane, '--session', 'leaky', '--no-host', '--model', 'anthropic:claude-sonnet-4-5']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(fake.requests[0]!.path).toContain('/messages');
    expect(everythingSent()).not.toContain(openaiKey);
    expect(everythingSent()).toContain('[REDACTED:openai-key]');
  });

  it('plan: a token in the task never reaches the provider', async () => {
    fake.enqueue(reply.text(JSON.stringify(samplePlan)));
    const r = await cli(['plan', `rotate ${githubToken}`, '--json']);
    expect(r.stderr).not.toContain('internal error');
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(everythingSent()).not.toContain(githubToken);
  });

  it('agent: a token in the task never reaches the provider', async () => {
    fake.enqueue(reply.text('done'));
    const r = await cli(['agent', `use ${githubToken} to push`, '--yes']);
    expect(r.stderr).not.toContain('internal error');
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(everythingSent()).not.toContain(githubToken);
  });
});

describe('through a host', () => {
  beforeAll(async () => {
    newSession(world, 'hosted');
    world.startHost('hosted', keys);
    await hostReady(world, 'hosted');
  });

  it('ask --file through the host: the same redaction', async () => {
    fake.enqueue(reply.text('fine'));
    const r = await cli(['ask', 'check', '--file', 's.env', '--session', 'hosted', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ viaHost: true, answer: 'fine' });
    expect(everythingSent()).not.toContain(githubToken);
    expect(everythingSent()).toContain('[REDACTED:github-token]');
  });
});

describe('a gating plugin that cannot be loaded refuses the request', () => {
  beforeAll(() => {
    // The user's own secrets-redactor replaces the shipped one, and it is not built.
    const dir = join(world.home, 'config', 'picode', 'plugins', 'secrets-redactor');
    mkdirSync(dir, { recursive: true });
    cpSync(join(root, 'plugins', 'secrets-redactor', 'package.json'), join(dir, 'package.json'));
    cpSync(join(root, 'plugins', 'secrets-redactor', 'src'), join(dir, 'src'), { recursive: true });
  });

  it('without a host: nothing is sent, and the message names the plugin', async () => {
    fake.enqueue(reply.text('must not be asked'));
    // --no-host: the session `hosted` still runs, and ask would otherwise go through its host.
    const r = await cli(['ask', 'check', '--file', 's.env', '--no-host']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('denied');
    expect(r.stderr).toContain('plugin secrets-redactor gates llm.request but could not be loaded');
    expect(r.stderr).not.toContain('internal error');
    expect(fake.requests).toHaveLength(0);
  });

  it('in a host started without it: nothing is sent', async () => {
    newSession(world, 'broken');
    world.startHost('broken', keys);
    await hostReady(world, 'broken');
    const r = await cli(['ask', 'check', '--file', 's.env', '--session', 'broken']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plugin secrets-redactor gates llm.request but could not be loaded');
    expect(fake.requests).toHaveLength(0);
  });
});
