import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { panes, sandbox, type Sandbox } from './helpers.js';

// Users' tmux.conf files change window and pane numbering; picode's build addresses panes
// relative to the window ({top-left}, .+N, {start}, :+N), so it must not depend on them.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
  writeFileSync(join(sb.dir, '.tmux.conf'), [
    'set -g base-index 1',
    'setw -g pane-base-index 1',
    'set -g renumber-windows on',
    'set -g automatic-rename off',
    '',
  ].join('\n'));
});
afterAll(() => sb.cleanup());

describe('a tmux.conf with base-index 1 and pane-base-index 1', () => {
  it('builds the same panes, sizes and focus', async () => {
    writeFileSync(join(sb.dir, 'l.yaml'), `
name: conf
cwd: ${sb.dir}
windows:
  - name: a
    split: column
    panes:
      - { name: one, command: sleep 300, size: 5 }
      - { name: two, command: sleep 301, focus: true }
      - { name: three, command: sleep 302, size: 20% }
  - name: b
    focus: true
    split: row
    panes:
      - { name: four, command: sleep 303 }
      - { name: five, command: sleep 304, focus: true, size: 10 }
`);
    const result = await sb.picode(['up', 'l.yaml', '--detach']);
    expect(result.code).toBe(0);
    expect(sb.tmux(['show-options', '-gv', 'base-index'])).toBe('1\n');
    const rows = panes(sb, 'conf');
    expect(rows.map((r) => r.name)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(sb.tmux(['list-windows', '-t', '=conf', '-F', '#{window_index}']).split('\n').filter(Boolean)).toEqual(['1', '2']);
    expect(rows.filter((r) => r.active).map((r) => r.name)).toEqual(['two', 'five']);
    expect(rows.find((r) => r.windowActive)!.window).toBe('b');
    expect(Math.abs(rows[0]!.height - 5)).toBeLessThanOrEqual(1);
    expect(Math.abs(rows[4]!.width - 10)).toBeLessThanOrEqual(1);
    expect(Math.abs(rows[2]!.height - 0.2 * 22)).toBeLessThanOrEqual(1);
  });
});
