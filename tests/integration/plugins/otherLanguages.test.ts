import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { fixtures, picodeCli, quietLog, tempDir } from './helpers.js';

/**
 * A plugin that is not JavaScript: tests/fixtures/plugins/wat-status is a core module in
 * WebAssembly text implementing plugins/wit/plugin.wit with the canonical ABI by hand, what
 * wit-bindgen generates for Rust or C. `picode plugin build` assembles it and wraps it as a
 * component with jco's wasm-tools; the host runs it like any other plugin.
 */
describe('a plugin written in another component-model language (WebAssembly text)', () => {
  const tmp = tempDir('picode-plugin-wat-');
  const dir = join(tmp.dir, 'wat-status');
  const env: NodeJS.ProcessEnv = { PICODE_HOME: join(tmp.dir, 'state'), XDG_CONFIG_HOME: join(tmp.dir, 'config') };
  const picode = picodeCli(env, tmp.dir);
  const event = (id: number, type: string): PicodeEvent => ({ id, type, time: 1_763_700_000_000 + id, session: 's', pane: '%1', paneName: 'shell', data: { n: id } });

  beforeAll(() => cpSync(join(fixtures, 'wat-status'), dir, { recursive: true }));
  afterAll(() => tmp.dispose());

  it('builds with picode plugin build into a small component that imports nothing', async () => {
    const built = await picode('plugin', 'build', dir);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^built wat-status: .*dist\/plugin\.wasm \([\d.]+ KiB, \d+ ms\)\nimports: \(no capabilities\)\n$/);
  }, 60_000);

  it('runs in the host runtime: description, actions from its input, context, a failing tool, ordered batches', async () => {
    const { PluginRuntime } = await import('../../../host/plugins/host/runtime.js');
    const { readManifest } = await import('../../../host/plugins/manifest.js');
    const runtime = new PluginRuntime({
      session: 's', db: undefined, bus: undefined, panes: undefined, gates: undefined, log: quietLog,
      config: { entries: { 'wat-status': { eventDeadlineMs: 5000, queueSize: 5000 } } }, cacheDir: join(tmp.dir, 'cache'), cwd: tmp.dir, complete: undefined,
    });
    try {
      await runtime.loadManifest(readManifest(dir));
      expect(runtime.description('wat-status')).toEqual({
        name: 'wat-status', version: '0.1.0', summary: 'written by hand in WebAssembly text', events: ['pane.output'], gates: [],
        contextProviders: ['nothing'], tools: [{ name: 'fail', description: 'always fails', inputSchema: '{}' }],
      });
      // Its one action carries the type of the batch's last event: it read the events it was given.
      expect((await runtime.deliver('wat-status', event(1, 'pane.output'))).actions).toEqual([{ tag: 'set-status', val: 'pane.output' }]);
      expect((await runtime.dryRun('wat-status', [event(2, 'pane.output'), event(3, 'command.finished')])).actions)
        .toEqual([{ tag: 'set-status', val: 'command.finished' }]);
      expect((await runtime.dryRun('wat-status', [])).actions).toEqual([]);
      expect(await runtime.gatherContext({ tokenBudget: 100, plugins: ['wat-status'] })).toEqual([]);
      await expect(runtime.callTool('wat-status', 'fail', '{}')).rejects.toThrow('tool wat-status/fail failed: it always fails');
      // An err result fails the call, not the plugin: it keeps running.
      for (let i = 0; i < 2000; i++) runtime.enqueue('wat-status', [event(10 + i, i === 1999 ? 'pane.output.last' : 'pane.output')]);
      await expect.poll(() => runtime.list().find((p) => p.name === 'wat-status')?.statusLine, { timeout: 30_000 }).toBe('pane.output.last');
      const status = runtime.list().find((p) => p.name === 'wat-status')!;
      expect(status.state).toBe('running');
      expect(status.stats.failures).toBe(1);
      expect(status.stats.restarts).toBe(0);
      expect(status.stats.dropped).toBe(0);
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  it('plugin test runs it against recorded events', async () => {
    const events = join(tmp.dir, 'events.jsonl');
    writeFileSync(events, [event(1, 'pane.output'), event(2, 'command.finished')].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const tested = await picode('plugin', 'test', dir, '--events', events, '--batch', '2', '--json');
    expect(tested.stderr).toBe('');
    expect(tested.code).toBe(0);
    expect((JSON.parse(tested.stdout) as { actions: unknown[] }).actions).toEqual([{ tag: 'set-status', val: 'command.finished' }]);
  }, 60_000);

  it('reports WebAssembly text that does not assemble with the file, line and what to do', async () => {
    const broken = join(tmp.dir, 'broken');
    mkdirSync(broken);
    cpSync(join(dir, 'package.json'), join(broken, 'package.json'));
    writeFileSync(join(broken, 'plugin.wat'), '(module\n  (func (export "x") (result i32)\n    (i32.const)))\n');
    const built = await picode('plugin', 'build', broken);
    expect(built.code).not.toBe(0);
    expect(built.stderr).toContain(`plugin wat-status: ${join(broken, 'plugin.wat')} is not valid WebAssembly text:`);
    expect(built.stderr).toContain('is not valid WebAssembly text: line 3, column 15: expected a i32 (in `(i32.const)))`)');
    expect(built.stderr).toContain('hint: fix the text at that line');
  }, 60_000);
});
