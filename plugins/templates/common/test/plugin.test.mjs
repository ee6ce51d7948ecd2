// Runs the plugin against events.jsonl with `picode plugin test` and checks its actions.
// Run: node --test test/   (PICODE_BIN=/path/to/picode to use a picode that is not on PATH)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('..', import.meta.url));
const picode = process.env.PICODE_BIN ?? 'picode';

test('notifies about each failed command and keeps count', () => {
  const out = execFileSync(picode, ['plugin', 'test', dir, '--events', `${dir}/events.jsonl`, '--json'], { encoding: 'utf8' });
  const { actions } = JSON.parse(out);
  const notes = actions.filter((a) => a.tag === 'notify');
  assert.deepEqual(notes.map((a) => a.val.title), ['npm test failed', 'make failed']);
  assert.equal(actions.at(-1).val, '2 failed command(s)');
});
