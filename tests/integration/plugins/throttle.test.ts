import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../host/bus/bus.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { readManifest } from '../../../host/plugins/manifest.js';
import { PluginRuntime } from '../../../host/plugins/host/runtime.js';
import { buildFixture, clonePlugin, event, quietLog, tempDir, until } from './helpers.js';

/**
 * A flood does not disable a plugin for good (issue 13 §10): queued batches that miss their
 * deadline throttle the plugin (bigger batches, a longer deadline) before they count as
 * failures; a plugin disabled after repeated failures is retried after its cool-down; each
 * change is reported as a `plugin.state` event.
 */
describe('plugin throttling and cool-down', () => {
  const tmp = tempDir('picode-throttle-');
  const plugins = join(tmp.dir, 'plugins');
  let runtime: PluginRuntime;
  const emitted: PicodeEvent[] = [];
  const states = () => emitted.filter((e) => e.type === 'plugin.state').map((e) => e.data as { state: string; detail?: string; retryAt?: number });
  const status = () => runtime.list().find((p) => p.name === 'surge')!;

  beforeAll(async () => {
    const hostile = await buildFixture('hostile', plugins);
    clonePlugin(hostile, 'surge', plugins);
    const bus = new EventBus('test', 1, () => undefined, (e) => { emitted.push(e); }, quietLog);
    runtime = new PluginRuntime({
      session: 'test', db: undefined, bus, panes: undefined, gates: undefined, log: quietLog,
      cacheDir: join(tmp.dir, 'cache'), cwd: tmp.dir, complete: undefined,
      config: { entries: { surge: { grants: ['log', 'kv', 'fs-read'], eventDeadlineMs: 100, batchSize: 4, maxFailures: 2, failureWindowMs: 600_000, cooldownMs: 300 } } },
    });
    await runtime.loadManifest(readManifest(join(plugins, 'surge')));
  }, 180_000);

  afterAll(async () => {
    await runtime?.stop();
    tmp.dispose();
  });

  /** Hands a batch that never finishes to the queue and waits for the plugin to report `state`. */
  const miss = async (state: string): Promise<void> => {
    const seen = states().length;
    expect(runtime.enqueue('surge', [event('hostile.loop')])).toBe(0);
    await until(`surge ${state}`, () => (states().slice(seen).some((s) => s.state === state) ? true : undefined), 60_000);
  };

  it('throttles on deadline misses under load before counting them, then disables, retries after the cool-down and runs again', async () => {
    // Three misses step the throttle up (x2, x4, x8): none counts as a failure.
    for (const factor of [2, 4, 8]) {
      await miss('throttled');
      expect(states().at(-1)!.detail).toContain(`batches of up to ${4 * factor} events with a ${100 * factor} ms deadline`);
      await until('surge running again', () => (status().state === 'running' ? true : undefined), 60_000);
    }
    expect(status().throttle).toBe(8);
    expect(states().some((s) => s.state === 'failed')).toBe(false);
    // At the largest step misses are failures: the second one disables it (maxFailures 2)...
    await miss('restarting');
    await until('surge running again', () => (status().state === 'running' ? true : undefined), 60_000);
    await miss('failed');
    const failed = states().at(-1)!;
    expect(failed.retryAt).toBeGreaterThan(0);
    // ...not for good: after the cool-down it is tried again and answers.
    await until('surge retried', () => (states().some((s) => s.state === 'retrying') ? true : undefined), 60_000);
    await until('surge running after the retry', () => (states().at(-1)!.state === 'running' && status().state === 'running' ? true : undefined), 60_000);
    const { actions } = await runtime.deliver('surge', event('ping'));
    expect(actions.find((a) => a.tag === 'set-status')?.val).toMatch(/^pong \d+$/);
    // Keeping up eases the throttle step by step.
    runtime.enqueue('surge', [event('ping')]);
    await until('surge eased', () => (states().some((s) => s.state === 'eased') ? true : undefined), 60_000);
  }, 240_000);
});
