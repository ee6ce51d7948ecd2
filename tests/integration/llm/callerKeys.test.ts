import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createWorld, hostReady, newSession, type World } from '../host/helpers.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runPicode } from '../../support/cli.js';

/**
 * Issue 12 §6: `picode ask` through a host whose environment has no API key, with the key
 * only in the caller's shell. The request carries the caller's provider keys over the 0600
 * socket for that request; they are never stored or logged.
 */
const callerKey = 'sk-proj-CALLERONLY0123456789abcdefghijklmnop';
let fake: FakeLlm;
let world: World;
let host: { stderr(): string };

beforeAll(async () => {
  fake = await startFakeLlm();
  world = createWorld();
  delete world.env.PICODE_HOST_NO_EXTENSIONS;
  for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY']) delete world.env[k];
  mkdirSync(join(world.home, 'config', 'picode'), { recursive: true });
  writeFileSync(join(world.home, 'config', 'picode', 'config.yaml'), [
    'providers:',
    `  openai: { baseUrl: "${fake.openaiBaseUrl}" }`,
    'models: openai:gpt-4.1-mini',
    'failover: { retries: 0 }',
  ].join('\n'));
  newSession(world, 'keyless');
  host = world.startHost('keyless');
  await hostReady(world, 'keyless');
});

afterAll(async () => {
  await world?.dispose();
  await fake?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('ask through a host that has no key', () => {
  it('uses the caller\'s key for that request, and stores or logs it nowhere', async () => {
    fake.enqueue(reply.text('answered'));
    const r = await runAsk({ OPENAI_API_KEY: callerKey });
    expect(r.stderr).not.toContain('no API key');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ viaHost: true, answer: 'answered' });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${callerKey}`);
    // Not in the database, its WAL, the logs, nor the host's output.
    await world.cli(['events', '--session', 'keyless', '--since', '0', '--json']);
    for (const file of filesUnder(world.env.PICODE_HOME!)) {
      if (file.endsWith('.sock')) continue;
      expect(readFileSync(file).includes(callerKey), file).toBe(false);
    }
    expect(host.stderr()).not.toContain(callerKey);
  });

  it('without a key in the caller\'s shell either, the message says so', async () => {
    const r = await runAsk({});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/OPENAI_API_KEY/);
  });
});

function runAsk(keys: Record<string, string>) {
  return runPicode(['ask', 'hello?', '--session', 'keyless', '--json'], { cwd: world.home, env: { ...world.env, ...keys }, timeoutMs: 60_000 });
}
