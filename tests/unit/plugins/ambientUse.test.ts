import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainAmbientUse } from '../../../host/plugins/host/ambientUse.js';

describe('explaining a plugin that used what plugins do not have', () => {
  const dir = mkdtempSync(join(tmpdir(), 'picode-ambient-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const source = join(dir, 'plugin.js');
  writeFileSync(source, ['// Date.now() in a comment does not count', 'const t = Date.now();', 'const id = crypto.getRandomValues(new Uint8Array(4));', 'setTimeout(() => 1, 5);'].join('\n'));
  const trap = 'wasm trap: wasm `unreachable` instruction executed';

  it('names the line, the rule and what to use instead', () => {
    expect(explainAmbientUse(trap, source, dir)).toBe(`${trap}: plugin.js:2 uses the clock (const t = Date.now();), and plugins get no ambient authority (no clock, environment, timers, files or network): only the picode:plugin capabilities granted to them; use the \`time\` field of each event (milliseconds since the epoch) as the current time`);
    expect(explainAmbientUse('crypto is not defined', source, dir)).toMatch(/^crypto is not defined: plugin\.js:3 uses the host's random source .*Math\.random/);
    expect(explainAmbientUse('setTimeout is not defined', source, dir)).toMatch(/plugin\.js:4 uses timers/);
  });

  it('without the source, still names the rule', () => {
    expect(explainAmbientUse(trap, undefined)).toMatch(/if the plugin uses the clock .*no ambient authority/);
    expect(explainAmbientUse('process is not defined', join(dir, 'missing.js'))).toMatch(/^process is not defined: the plugin uses the environment, and plugins get no ambient authority/);
  });

  it('leaves other failures alone', () => {
    expect(explainAmbientUse('plugin refused politely', source)).toBe('plugin refused politely');
    expect(explainAmbientUse('memory access out of bounds', source)).toBe('memory access out of bounds');
  });
});
