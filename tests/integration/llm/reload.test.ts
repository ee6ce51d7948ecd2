import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createWorld, events, hostReady, newSession, until, type World } from '../host/helpers.js';
import { samplePlan } from '../agents/helpers.js';

/**
 * Issue 12 §6: a running host follows its model and provider config. Changing the model in
 * the project config of a running host sends the next `ask` to the new model, without a
 * restart, and the reload reports the section as applied (not "applies after a restart").
 * The same for `plans.model` and `agents.*`: plans made after the reload use the new model.
 */
let fake: FakeLlm;
let world: World;
const session = 'llmreload';
const configFile = () => join(world.home, '.picoderc.json');
const config = (model: string) => JSON.stringify({
  providers: { openai: { baseUrl: fake.openaiBaseUrl } },
  models: `openai:${model}`,
  failover: { retries: 0 },
});

beforeAll(async () => {
  fake = await startFakeLlm();
  world = createWorld();
  delete world.env.PICODE_HOST_NO_EXTENSIONS;
  world.env.OPENAI_API_KEY = 'sk-test-reload';
  writeFileSync(configFile(), config('gpt-first'));
  newSession(world, session);
  world.startHost(session);
  await hostReady(world, session);
}, 60_000);

afterAll(async () => {
  await world?.dispose();
  await fake?.close();
});

async function askedModel(): Promise<unknown> {
  fake.enqueue(reply.text('ok'));
  const r = await world.cli(['ask', 'which model?', '--session', session, '--json'], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ viaHost: true, answer: 'ok' });
  return fake.requests.at(-1)!.body.model;
}

describe('models and providers on config reload', () => {
  it('the next ask goes to the model the edited config names, reported as applied', async () => {
    expect(await askedModel()).toBe('gpt-first');
    writeFileSync(configFile(), config('gpt-second'));
    const reloaded = await until('config.reloaded', async () => (await events(world, session, ['--type', 'config.reloaded'])).at(-1), 30_000);
    expect(reloaded.data).toMatchObject({ changed: ['models'], applied: ['models'], needsRestart: [] });
    expect(await askedModel()).toBe('gpt-second');
  });

  it('a changed provider address is used by the next request', async () => {
    const other = await startFakeLlm();
    try {
      writeFileSync(configFile(), JSON.stringify({
        providers: { openai: { baseUrl: other.openaiBaseUrl } }, models: 'openai:gpt-second', failover: { retries: 0 },
      }));
      const r = await world.cli(['reload', '--session', session, '--json']);
      expect(r.code, r.stderr).toBe(0);
      await until('providers applied', async () => {
        const last = (await events(world, session, ['--type', 'config.reloaded'])).at(-1)!.data as { applied: string[] };
        return last.applied.includes('providers') ? true : undefined;
      }, 30_000);
      other.enqueue(reply.text('from the other'));
      const before = fake.requests.length;
      const asked = await world.cli(['ask', 'where?', '--session', session, '--json'], { timeoutMs: 60_000 });
      expect(asked.code, asked.stderr).toBe(0);
      expect(JSON.parse(asked.stdout)).toMatchObject({ answer: 'from the other' });
      expect(fake.requests.length).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('plans made after a reload use the edited plans.model; plans and agents are reported as applied', async () => {
    const withPlans = (model: string) => JSON.stringify({
      providers: { openai: { baseUrl: fake.openaiBaseUrl } }, models: 'openai:gpt-second', failover: { retries: 0 },
      plans: { model: `openai:${model}` }, agents: { maxTurns: 7 },
    });
    // The host applies an edit on its own (it watches the file); `picode reload` makes sure it has.
    const editAndReload = async (model: string, sections: string[]): Promise<void> => {
      // Counted before the edit: the host may apply it on its own before `picode reload` runs.
      const seen = (await events(world, session, ['--type', 'config.reloaded'])).length;
      writeFileSync(configFile(), withPlans(model));
      const r = await world.cli(['reload', '--session', session, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const reloaded = await until('the reload applied', async () => {
        const since = (await events(world, session, ['--type', 'config.reloaded'])).slice(seen).map((e) => e.data as { changed: string[] });
        return since.find((data) => sections.every((s) => data.changed.includes(s)));
      }, 30_000);
      expect(reloaded).toMatchObject({ applied: expect.arrayContaining(sections), needsRestart: [] });
    };
    await editAndReload('gpt-plan-one', ['agents', 'plans']);
    const planModel = async (): Promise<unknown> => {
      fake.enqueue(reply.text(JSON.stringify(samplePlan)));
      const made = await world.cli(['plan', 'make the test pass', '--wait', '--session', session, '--json'], { timeoutMs: 60_000 });
      expect(made.code, made.stderr).toBe(0);
      return fake.requests.at(-1)!.body.model;
    };
    expect(await planModel()).toBe('gpt-plan-one');
    await editAndReload('gpt-plan-two', ['plans']);
    expect(await planModel()).toBe('gpt-plan-two');
  });
});
