import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicCacheBiller, startFakeLlm, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { runPicode, type CliResult } from '../../support/cli.js';

/**
 * Prompt caching as a user meets it: `picode ask` with a large file, twice, against a fake
 * Anthropic server that bills cache writes and reads as the API does; then `picode usage`.
 */
const key = 'sk-ant-test-CACHE0123456789abcdefghij';
let fake: FakeLlm;
let dir: string;

beforeAll(async () => {
  fake = await startFakeLlm({
    anthropicBilling: new AnthropicCacheBiller(),
    respond: () => ({ kind: 'stream', deltas: ['It ', 'fails ', 'because ', 'of ', 'x.'], usage: { output: 5 } }),
  });
});
afterAll(async () => { await fake.close(); });
beforeEach(() => {
  fake.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'picode-cache-cli-'));
  mkdirSync(join(dir, 'work'), { recursive: true });
  // A file large enough to be worth caching (well over the 1,024-token minimum).
  writeFileSync(join(dir, 'work', 'big.ts'), Array.from({ length: 600 }, (_, i) => `export const value${i} = ${i};`).join('\n'));
  return () => rmSync(dir, { recursive: true, force: true });
});

function configure(extra: string): void {
  const cfg = join(dir, 'cfg', 'picode');
  mkdirSync(cfg, { recursive: true });
  writeFileSync(join(cfg, 'config.yaml'), [
    'providers:',
    `  anthropic: { baseUrl: "${fake.anthropicBaseUrl}"${extra} }`,
    'models: anthropic:claude-sonnet-4-5',
    'failover: { retries: 0 }',
  ].join('\n'));
}

function picode(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, PICODE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'cfg'), ANTHROPIC_API_KEY: key };
  return runPicode(args, { cwd: join(dir, 'work'), env, timeoutMs: 60_000 });
}

describe('prompt caching through the CLI', () => {
  it('a second ask about the same file reads it from the cache; picode usage shows the hit ratio and the saving', async () => {
    configure('');
    for (const question of ['why does it fail?', 'and how do I fix it?']) {
      const r = await picode(['ask', question, '--file', 'big.ts']);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.bill!.cacheWrite).toBeGreaterThan(1024);
    expect(fake.requests[1]!.bill!.cacheRead).toBe(fake.requests[0]!.bill!.cacheWrite);
    // The question is not cached: the second request writes nothing new.
    expect(fake.requests[1]!.bill!.cacheWrite).toBe(0);

    const json = await picode(['usage', '--json']);
    const total = (JSON.parse(json.stdout) as { total: { cacheHitRatio: number; cacheSavedUsd: number; cachedInputTokens: number } }).total;
    expect(total.cachedInputTokens).toBe(fake.requests[1]!.bill!.cacheRead);
    expect(total.cacheHitRatio).toBeGreaterThan(0.4);
    expect(total.cacheSavedUsd).toBeGreaterThan(0);
    const table = await picode(['usage']);
    expect(table.stdout).toMatch(/cache hit/);
    expect(table.stdout).toContain(`${Math.round(total.cacheHitRatio * 100)}%`);
    expect(table.stdout).toContain(total.cacheSavedUsd.toFixed(4));
  });

  it('providers.anthropic.cache: off sends no breakpoint', async () => {
    configure(', cache: off');
    const r = await picode(['ask', 'why?', '--file', 'big.ts']);
    expect(r.code).toBe(0);
    expect(fake.requests[0]!.raw).not.toContain('cache_control');
  });

  it('a bad cache setting is refused with the key named', async () => {
    configure(', cache: sometimes');
    const r = await picode(['ask', 'why?']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/providers\.anthropic\.cache/);
    expect(fake.requests).toHaveLength(0);
  });
});
