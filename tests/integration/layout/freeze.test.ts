import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPicode } from '../../support/cli.js';
import { differences, snapshot, toolBox, type ToolBox } from './tools.js';

/**
 * `picode freeze` round trips: a session is built, frozen, killed, launched again from the
 * frozen layout and frozen again. The two frozen layouts must be the same text (windows,
 * split tree and sizes, directories, commands, focus, names and roles), and tmux must show
 * the same windows and panes (sizes within a cell, directories, active pane).
 */
const box = toolBox();
afterAll(() => box.cleanup());
const work = join(box.dir, 'work');
mkdirSync(join(work, 'src', 'deep'), { recursive: true });
mkdirSync(join(work, 'logs'), { recursive: true });

async function picode(args: string[]): Promise<string> {
  const result = await runPicode(args, { cwd: work, env: { ...box.env, PICODE_NO_HOST: '1' }, timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`picode ${args.join(' ')} failed (${String(result.code)}): ${result.stderr}`);
  return result.stdout;
}

/** Freezes until every pane's program has started (typed and wrapped commands start asynchronously). */
async function freezeWhen(socket: string, session: string, ready: (text: string) => boolean, format = 'picode'): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await picode(['freeze', session, '--format', format, '--tmux-socket', socket]);
    if (ready(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shapes: Array<[string, string, string[]]> = [
  ['one pane running an argv in a directory', `name: s1\nwindows:\n  - name: only\n    panes:\n      - command: [sleep, "301"]\n        cwd: src\n`, ['- "301"']],
  ['a row of two, 30/70, a command line and a shell', `name: s2\nwindows:\n  - name: w\n    panes:\n      - command: sleep 302 && echo done\n        size: 30%\n      - focus: true\n`, ['sleep 302 && echo done']],
  ['nested splits with names, cells and a focused pane', `name: s3\nwindows:\n  - name: code\n    split: row\n    panes:\n      - name: editor\n        command: [sleep, "303"]\n        size: 50\n      - split: column\n        panes:\n          - name: tests\n            size: 40%\n            cwd: src/deep\n          - name: logs\n            focus: true\n            cwd: logs\n            command: [sleep, "304"]\n            onExit: close\n`, ['"303"', '"304"']],
  ['a 2x2 grid and a second, focused window', `name: s4\nwindows:\n  - name: grid\n    split: row\n    panes:\n      - split: column\n        panes: [{command: [sleep, "305"]}, {}]\n      - split: column\n        panes: [{}, {focus: true}]\n  - name: second\n    focus: true\n    split: column\n    panes: [{size: 5}, {}, {}]\n`, ['"305"']],
  ['window indices with gaps and picode views', `name: s5\nwindows:\n  - name: a\n    index: 3\n  - name: b\n    index: 7\n    panes:\n      - role: plan\n      - name: helper\n`, ['role: plan']],
];

describe('picode freeze round trips', () => {
  it.each(shapes)('%s', async (name, layout, expectInText) => {
    const file = join(work, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, layout);
    const session = /name: (\S+)/.exec(layout)![1]!;
    const socket = `picode-freeze-${process.pid}-${session}`;
    await picode(['up', file, '--detach', '--tmux-socket', socket]);
    try {
      const first = await freezeWhen(socket, session, (t) => expectInText.every((e) => t.includes(e)));
      for (const e of expectInText) expect(first).toContain(e);
      const before = snapshot(box, socket, session);
      const frozen = join(work, `${session}.frozen.yaml`);
      writeFileSync(frozen, first);
      box.tmux(socket, ['kill-session', '-t', `=${session}`]);
      await picode(['up', frozen, '--detach', '--tmux-socket', socket]);
      const second = await freezeWhen(socket, session, (t) => t === first);
      expect(second).toBe(first);
      expect(differences(before, snapshot(box, socket, session))).toEqual([]);
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: box.env, stdio: 'ignore' });
    }
  });

  it('writes -o FILE, refuses to overwrite it without --force, and names a missing session', async () => {
    const socket = `picode-freeze-${process.pid}-o`;
    writeFileSync(join(work, 'o.yaml'), 'name: o\nwindows:\n  - name: w\n');
    await picode(['up', 'o.yaml', '--detach', '--tmux-socket', socket]);
    try {
      await picode(['freeze', '-o', 'out.yaml', '--tmux-socket', socket]);
      expect(readFileSync(join(work, 'out.yaml'), 'utf8')).toContain('name: o\n');
      const again = await runPicode(['freeze', '-o', 'out.yaml', '--tmux-socket', socket], { cwd: work, env: box.env });
      expect(again.stderr).toMatch(/out\.yaml already exists/);
      const missing = await runPicode(['freeze', 'nope', '--tmux-socket', socket], { cwd: work, env: box.env });
      expect(missing.stderr).toMatch(/no tmux session named "nope"[\s\S]*running: o/);
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: box.env, stdio: 'ignore' });
    }
  });
});

const hasTmuxp = spawnSync('tmuxp', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasTmuxp && process.env.CI !== 'true')('freezing a session built by real tmuxp', () => {
  it('gives a layout that picode and tmuxp both launch as the original', async () => {
    const file = join(work, 'from-tmuxp.yaml');
    writeFileSync(file, [
      'session_name: tx', `start_directory: ${work}`, 'windows:',
      '  - window_name: stack', '    panes: [sleep 306, echo two, {shell_command: sleep 307, start_directory: src}]',
      '  - window_name: laid', '    layout: main-vertical', '    focus: true', '    panes: [echo a, echo b, sleep 308]',
    ].join('\n'));
    const original = box.tmuxp(file);
    const expected = snapshot(box, original, 'tx');
    const ready = (t: string): boolean => ['"306"', '"307"', '"308"'].every((c) => t.includes(c));
    const asPicode = await freezeWhen(original, 'tx', ready);
    const asTmuxp = await freezeWhen(original, 'tx', (t) => ['sleep 306', 'sleep 307', 'sleep 308'].every((c) => t.includes(c)), 'tmuxp');
    box.tmux(original, ['kill-server']);

    const picodeFile = join(work, 'tx.yaml');
    writeFileSync(picodeFile, asPicode);
    const mine = await box.picode(picodeFile, { width: 800, height: 600 }, work);
    expect(differences(expected, snapshot(box, mine, 'tx'))).toEqual([]);
    expect(await freezeWhen(mine, 'tx', (t) => t === asPicode)).toBe(asPicode);

    const tmuxpFile = join(work, 'tx.tmuxp.yaml');
    writeFileSync(tmuxpFile, asTmuxp);
    const again = box.tmuxp(tmuxpFile);
    expect(differences(expected, snapshot(box, again, 'tx'))).toEqual([]);
  });
});
