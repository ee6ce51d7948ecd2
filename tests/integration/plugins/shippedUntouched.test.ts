import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPicode } from '../../support/cli.js';
import { hermeticEnv } from '../../support/world.js';

const root = resolve(__dirname, '..', '..', '..');

/**
 * `picode plugin test` of a shipped plugin never writes into the installation: a fresh clone
 * gives the sources newer mtimes than the committed component, which used to trigger a rebuild
 * in place (rewriting the tracked plugins/pane-errors/pane-errors.wasm on every test run).
 */
describe('testing a shipped plugin leaves its files alone', () => {
  it('plugin test pane-errors with sources newer than the component', async () => {
    const dir = join(root, 'plugins', 'pane-errors');
    const component = join(dir, 'pane-errors.wasm');
    const sources = readdirSync(join(dir, 'src')).map((f) => join(dir, 'src', f));
    const times = sources.map((f) => statSync(f));
    const before = { bytes: readFileSync(component), mtime: statSync(component).mtimeMs };
    const home = mkdtempSync(join(tmpdir(), 'picode-shipped-'));
    const events = join(home, 'events.jsonl');
    writeFileSync(events, `${JSON.stringify({ type: 'command.finished', pane: '%1', data: { command: 'make', exitCode: 2, outputTail: 'x' } })}\n`);
    // As after a checkout: the sources look newer than the component.
    const later = new Date(Date.now() + 60_000);
    for (const f of sources) utimesSync(f, later, later);
    try {
      const env = hermeticEnv({ PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') });
      const r = await runPicode(['plugin', 'test', 'pane-errors', '--events', events], { cwd: home, env, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
    } finally {
      sources.forEach((f, i) => utimesSync(f, times[i]!.atime, times[i]!.mtime));
      rmSync(home, { recursive: true, force: true });
    }
    expect(statSync(component).mtimeMs).toBe(before.mtime);
    expect(readFileSync(component).equals(before.bytes)).toBe(true);
  }, 180_000);
});
