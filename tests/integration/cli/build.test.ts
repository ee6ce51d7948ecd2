import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox, type Sandbox } from './helpers.js';

/**
 * What `up` builds is what it verified, and a build that fails leaves nothing of itself
 * behind (and nothing else touched), from outside and from inside tmux (issues 12, 13, 16).
 */
describe.each(['outside', 'inside'] as const)('building %s tmux', (where) => {
  let sb: Sandbox;
  beforeAll(() => { sb = sandbox(where); });
  afterAll(() => sb.cleanup());

  const write = (name: string, text: string): string => {
    const file = join(sb.dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('a 200-pane layout builds in as few tmux invocations as fit tmux\'s command length', async () => {
    const windows = Array.from({ length: 20 }, (_, w) => [
      `  - name: w${w}`,
      '    panes:',
      ...Array.from({ length: 10 }, (_, p) => `      - { name: p${w}-${p}, command: 'exec sleep ${1000 + w * 10 + p}' }`),
    ].join('\n'));
    const file = write('big.yaml', `name: big\nwindows:\n${windows.join('\n')}\n`);
    const result = await sb.picode(['up', file, '--detach', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const launched = JSON.parse(result.stdout) as { panes: unknown[]; invocations: number };
    expect(launched.panes).toHaveLength(200);
    // About 50 KB of commands (the length depends on the paths): a few invocations of at most
    // 16 KB, cut where `layout check --tmux` shows them cut (the unit test checks the cut is minimal).
    const shown = await sb.picode(['layout', 'check', file, '--tmux']);
    const cut = shown.stdout.split('\n').filter((line) => line.startsWith('tmux '));
    expect(cut.length).toBeGreaterThan(1);
    expect(cut.length).toBeLessThan(6);
    expect(launched.invocations).toBe(cut.length);
    const rows = sb.tmux(['list-panes', '-s', '-t', '=big', '-F', '#{window_name} #{@picode_name}']).trim().split('\n');
    expect(rows).toHaveLength(200);
    expect(rows[0]).toBe('w0 p0-0');
    expect(rows[199]).toBe('w19 p19-9');
    sb.tmux(['kill-session', '-t', '=big']);
  });

  it('an ordinary layout is still one invocation', async () => {
    const result = await sb.picode(['up', 'dev', '--detach', '--json', '--session', 'ordinary']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ invocations: 1 });
    sb.tmux(['kill-session', '-t', '=ordinary']);
  });

  it('a build tmux changed under it (a hook adding a window) is removed, and only it', async () => {
    // A server to set the hook on (outside tmux, the earlier tests' server has exited with its sessions).
    if (!sb.serverRunning()) sb.tmux(['new-session', '-d', '-s', 'keeper', 'sleep 600']);
    const before = sb.sessions();
    sb.tmux(['set-hook', '-g', 'after-new-session', 'new-window -d']);
    try {
      const result = await sb.picode(['up', write('hooked.yaml', 'name: hooked\nwindows:\n  - command: sleep 300\n'), '--detach']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/tmux did not build the session "hooked" .* as laid out \(2 window\(s\) instead of 1\); the session was removed/);
      expect(result.stderr).not.toMatch(/internal error|    at /);
    } finally {
      sb.tmux(['set-hook', '-gu', 'after-new-session']);
    }
    expect(sb.sessions()).toEqual(before);
  });

  it('a build that fails half-way removes the session it created', async () => {
    mkdirSync(join(sb.dir, 'half'), { recursive: true });
    const before = sb.sessions();
    // Valid for picode, refused by tmux at the second window (after the session exists).
    const file = write('half.yaml', 'name: half\nwindows:\n  - command: sleep 300\n  - command: sleep 301\n    options: { no-such-option: on }\n');
    const result = await sb.picode(['up', file, '--detach']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tmux has no option .*"no-such-option"; the session was not created/);
    expect(sb.sessions()).toEqual(before);
  });

  it('a build caught by an exiting server is retried once, and leaves no half session behind', async () => {
    // tmux, except that the first build's client reports the server exiting after the session
    // was made (what a client sees when the server it reached was shutting down).
    const dir = join(sb.dir, 'exiting');
    mkdirSync(dir, { recursive: true });
    const wrapper = join(dir, 'tmux');
    writeFileSync(wrapper, [
      '#!/bin/sh',
      `echo "$*" >> ${dir}/calls`,
      'case "$*" in',
      `  *new-session*) if [ ! -e ${dir}/failed ]; then touch ${dir}/failed; tmux "$@" | head -n 1; echo "server exited unexpectedly" >&2; exit 1; fi ;;`,
      'esac',
      'exec tmux "$@"',
      '',
    ].join('\n'));
    chmodSync(wrapper, 0o755);
    writeFileSync(join(dir, '.picoderc.json'), JSON.stringify({ tmux: { binary: wrapper } }));
    const result = await sb.picode(['up', write('exiting/retried.yaml', 'name: retried\nwindows:\n  - panes: [sleep 300, sleep 301]\n'), '--detach', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(sb.sessions().filter((s) => s === 'retried')).toHaveLength(1);
    expect(sb.tmux(['list-panes', '-t', '=retried', '-F', '#{pane_id}']).trim().split('\n')).toHaveLength(2);
    // The half of the first attempt was removed by the id tmux printed for it.
    const calls = readFileSync(join(dir, 'calls'), 'utf8').split('\n');
    expect(calls.filter((c) => c.includes('new-session'))).toHaveLength(2);
    expect(calls.some((c) => /^kill-session -t \$\d+$/.test(c.replace(/^-L \S+ /, '')))).toBe(true);
    sb.tmux(['kill-session', '-t', '=retried']);
  });

  it.each([
    ['$1', /"\$1" starts with "\$", which tmux reads as a session id/],
    ['%x', /starts with "%", which tmux reads as a pane id/],
    ['a\nb', /contains a control character \(U\+000A\)/],
  ])('refuses the session name %j before building anything', async (name, message) => {
    const before = sb.sessions();
    const result = await sb.picode(['up', write('named.yaml', 'windows:\n  - command: sleep 300\n'), '--detach', '--session', name]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/hint: pass another name with --session/);
    expect(sb.sessions()).toEqual(before);
  });
});
