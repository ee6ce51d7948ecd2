import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { differences, snapshot, toolBox } from './tools.js';

/**
 * The same file launched by the real tool and by picode, on private servers at the tool's
 * size (tmuxp builds at 800x600, tmuxinator at tmux's default 80x24): windows (index, name,
 * active), panes per window, pane sizes (within a cell), directories and the active pane
 * must agree. tmuxp 1.27 and tmuxinator 3.0.5 are Debian's (.ci/run installs them).
 */
const has = (tool: string): boolean => spawnSync(tool, [tool === 'tmuxinator' ? 'version' : '--version'], { stdio: 'ignore' }).status === 0;
const required = process.env.CI === 'true';
const box = toolBox();
afterAll(() => box.cleanup());
mkdirSync(join(box.dir, 'proj', 'api'), { recursive: true });
mkdirSync(join(box.dir, 'proj', 'web'), { recursive: true });
const proj = join(box.dir, 'proj');

const tmuxpCases: Array<[string, string]> = [
  ['three panes without a layout (each split off the previous)', `session_name: t1\nwindows:\n  - window_name: a\n    panes: [echo 1, echo 2, echo 3]\n`],
  ['four panes, and a second window', `session_name: t2\nwindows:\n  - window_name: a\n    panes: [echo 1, echo 2, echo 3, echo 4]\n  - window_name: b\n    panes: [echo 1, echo 2]\n`],
  ['window_index, and a window without one', `session_name: t3\nwindows:\n  - window_name: a\n    window_index: 4\n    panes: [echo 1]\n  - window_name: b\n    panes: [echo 1, echo 2]\n  - window_name: c\n    window_index: 2\n`],
  ['a layout and a focused pane and window', `session_name: t4\nwindows:\n  - window_name: a\n    layout: main-vertical\n    panes:\n      - echo 1\n      - shell_command: echo 2\n        focus: true\n      - echo 3\n  - window_name: b\n    focus: true\n    layout: tiled\n    panes: [echo 1, echo 2, echo 3, echo 4, echo 5]\n`],
  ['directories of session, window and pane', `session_name: t5\nstart_directory: ${proj}\nwindows:\n  - window_name: a\n    start_directory: api\n    panes:\n      - echo 1\n      - shell_command: echo 2\n        start_directory: ${join(proj, 'web')}\n  - window_name: b\n`],
  ['command maps with enter, sleeps and befores', `session_name: t6\nshell_command_before:\n  - cmd: echo before\n    sleep_after: 0.1\nwindows:\n  - window_name: a\n    panes:\n      - shell_command:\n          - cmd: echo typed\n            enter: false\n      - shell_command: [{cmd: echo x, sleep_before: 0.1}]\n      - blank\n`],
];

describe.skipIf(!has('tmuxp') && !required)('tmuxp files: picode builds what tmuxp builds', () => {
  it.each(tmuxpCases)('%s', async (name, text) => {
    const file = join(box.dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, text);
    const session = /session_name: (\S+)/.exec(text)![1]!;
    const tool = box.tmuxp(file);
    const mine = await box.picode(file, { width: 800, height: 600 });
    expect(differences(snapshot(box, tool, session), snapshot(box, mine, session))).toEqual([]);
  });
});

const tmuxinatorCases: Array<[string, string]> = [
  ['panes without a layout are tiled', `name: n1\nroot: ${proj}\nwindows:\n  - a:\n      panes: [echo 1, echo 2, echo 3]\n  - b:\n      panes: [echo 1, echo 2]\n  - c: echo c\n`],
  ['a layout, startup_window and startup_pane', `name: n2\nroot: ${proj}\nstartup_window: b\nstartup_pane: 1\nwindows:\n  - a: echo a\n  - b:\n      layout: main-horizontal\n      panes: [echo 1, echo 2, echo 3]\n`],
  ['window names as Psych reads them', `name: n3\nroot: ${proj}\nwindows:\n  - 222_333: echo a\n  - 4e5: echo b\n  - 1.0: echo c\n`],
  ['tabs win over windows', `name: n4\nroot: ${proj}\ntabs:\n  - from-tabs: echo a\nwindows:\n  - from-windows: echo b\n`],
  ['window roots: absolute, ~ and relative to the launch directory', `name: n5\nroot: ${proj}\nwindows:\n  - a:\n      root: ${join(proj, 'api')}\n      panes: [echo 1, echo 2]\n  - b:\n      root: proj/web\n`],
  ['a missing root starts in the launch directory', `name: n6\nroot: ~/code/missing-project\nwindows:\n  - a: echo a\n`],
  ['ERB with a loop', `name: n7\nroot: ${proj}\nwindows:\n<% %w[x y].each do |w| %>\n  - <%= w %>: echo <%= w %>\n<% end %>\n`],
];

describe.skipIf(!has('tmuxinator') && !required)('tmuxinator projects: picode builds what tmuxinator builds', () => {
  it.each(tmuxinatorCases)('%s', async (name, text) => {
    const file = join(box.dir, `${name.replace(/\W+/g, '-')}.yml`);
    writeFileSync(file, text);
    const session = /name: (\S+)/.exec(text)![1]!;
    const tool = box.tmuxinator(file);
    const mine = await box.picode(file, { width: 80, height: 24 });
    expect(differences(snapshot(box, tool, session), snapshot(box, mine, session))).toEqual([]);
  });
});
