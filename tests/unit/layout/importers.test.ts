import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadLayoutDetailed } from '../../../host/layout/load.js';
import { panesOf, type PaneSpec, type SessionSpec } from '../../../host/layout/model.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'layout');
const env = { HOME: '/home/u', PROJECT_SUFFIX: 'x1', PATH: process.env.PATH };

async function load(name: string, extraEnv: Record<string, string> = {}, settings: Record<string, string> = {}): Promise<SessionSpec> {
  return (await loadLayoutDetailed(join(fixtures, name), { cwd: '/work', env: { ...env, ...extraEnv }, settings })).spec;
}

function panes(spec: SessionSpec, window: number): PaneSpec[] {
  return [...panesOf(spec.windows[window]!.root)];
}

describe('tmuxp import (every documented field)', async () => {
  const spec = await load('tmuxp-full.yaml');
  const dir = join(fixtures, 'project');
  // Table: what each tmuxp field became in the SessionSpec.
  const cases: Array<[string, () => unknown, unknown]> = [
    ['format', () => spec.source.format, 'tmuxp'],
    ['session_name ($VAR expanded)', () => spec.name, 'webapp-x1'],
    ['start_directory (relative to the file)', () => spec.cwd, dir],
    ['environment ($HOME expanded)', () => spec.env, { NODE_ENV: 'development', DATA_DIR: '/home/u/data' }],
    ['options (booleans as on/off)', () => spec.options, { mouse: 'on', 'history-limit': '5000' }],
    ['before_script (relative to the file)', () => spec.before, [join(fixtures, 'bootstrap.sh')]],
    ['window_name', () => spec.windows.map((w) => w.name), ['editor', 'server']],
    ['layout', () => spec.windows[0]!.tmuxLayout, 'main-vertical'],
    ['focus (window)', () => spec.windows.map((w) => w.focus), [true, false]],
    ['start_directory (window, relative to session)', () => spec.windows[0]!.cwd, join(dir, 'src')],
    ['environment (window)', () => spec.windows[0]!.env, { WINDOW_VAR: 'one' }],
    ['options + options_after', () => spec.windows[0]!.options, { 'automatic-rename': 'off', 'synchronize-panes': 'off' }],
    ['pane count (string, blank, null, map)', () => panes(spec, 0).length, 5],
    ['shell_command_before (session + window) then shell_command, suppress_history false',
      () => panes(spec, 0)[0]!.typed, ['source .venv/bin/activate', 'export EDITOR=vim', 'vim', 'echo typed-but-not-run']],
    ['focus (pane)', () => panes(spec, 0).map((p) => p.focus), [true, false, false, false, false]],
    ['blank and null panes type only the befores', () => panes(spec, 0)[1]!.typed, ['source .venv/bin/activate', 'export EDITOR=vim']],
    ['string pane', () => panes(spec, 0)[3]!.typed.at(-1), 'echo single'],
    ['pane start_directory (~ expanded)', () => panes(spec, 0)[4]!.cwd, '/home/u/elsewhere'],
    ['pane shell is the program', () => panes(spec, 0)[4]!.command, '/bin/bash'],
    ['pane environment', () => panes(spec, 0)[4]!.env, { PANE_VAR: 'two' }],
    ['pane suppress_history: leading space', () => panes(spec, 0)[4]!.typed.at(-1), ' echo pane'],
    ['window_shell is the program', () => panes(spec, 1)[0]!.command, '/bin/sh'],
    ['list pane', () => panes(spec, 1)[0]!.typed.slice(-2), ['npm install', 'npm run dev']],
    ['imported panes close with their program', () => panes(spec, 1)[0]!.onExit, 'close'],
    ['window_index', () => spec.windows.map((w) => w.index), [3, undefined]],
    ['enter: false and sleep_before on a command map (seconds -> ms)', () => panes(spec, 0)[0]!.typedTiming, [
      { enter: true, sleepBeforeMs: 0, sleepAfterMs: 0 }, { enter: true, sleepBeforeMs: 0, sleepAfterMs: 0 },
      { enter: true, sleepBeforeMs: 0, sleepAfterMs: 0 }, { enter: false, sleepBeforeMs: 1000, sleepAfterMs: 0 }]],
    ['pane sleep_after applies to each of its commands', () => panes(spec, 0)[4]!.typedTiming?.map((t) => t.sleepAfterMs), [2000, 2000, 2000]],
    ['panes without enter/sleep carry no timing', () => panes(spec, 0)[1]!.typedTiming, undefined],
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual()).toEqual(expected);
  });

  it('lists every unsupported field by name, with a reason', () => {
    const names = spec.unsupported.map((u) => u.split(' (')[0]);
    // window_index, enter and sleep_* are honoured now: only the server-wide options are left out.
    expect(names).toEqual(['global_options']);
    for (const u of spec.unsupported) expect(u).toMatch(/\(.+\)$/);
  });
});

describe('tmuxp JSON', () => {
  it('loads panes written as strings, maps and "pane", with suppress_history on by default', async () => {
    const spec = await load('tmuxp-simple.json');
    expect(spec.name).toBe('json-session');
    expect(spec.cwd).toBe(fixtures);
    expect(panes(spec, 0).map((p) => p.typed)).toEqual([[' echo a'], [' echo b'], [' echo c'], []]);
    expect(spec.windows[0]!.tmuxLayout).toBe('tiled');
    expect(panes(spec, 1)[0]!.focus).toBe(true);
    expect(spec.unsupported).toEqual([]);
  });
});

describe('tmuxinator import (every documented field, with ERB)', async () => {
  // The root must exist (a missing one falls back to the launch directory, as in tmuxinator).
  const home = mkdtempSync(join(tmpdir(), 'tmuxinator-home-'));
  mkdirSync(join(home, 'blog'));
  const spec = await load('tmuxinator-full.yml', { BLOG_X: 'xx', HOME: home }, { ruby: '3.3.0' });
  const root = join(home, 'blog');
  const cases: Array<[string, () => unknown, unknown]> = [
    ['format', () => spec.source.format, 'tmuxinator'],
    ['name', () => spec.name, 'blog'],
    ['root (ENV.fetch default, ~ expanded)', () => spec.cwd, root],
    ['on_project_first_start, on_project_start and pre run before', () => spec.before, ['echo first', 'echo start', 'echo pre']],
    ['window names', () => spec.windows.map((w) => w.name), ['editor', 'shell', 'logs', 'empty']],
    ['window layout', () => spec.windows[0]!.tmuxLayout, 'main-vertical'],
    ['window root: relative to where picode up runs, as tmuxinator 3.0 (File.expand_path)', () => spec.windows[0]!.cwd, '/work/app'],
    ['synchronize', () => spec.windows[0]!.options, { 'synchronize-panes': 'on' }],
    ['pre_window (@settings) + window pre (ENV) + pane command', () => panes(spec, 0)[0]!.typed,
      ['rbenv shell 3.3.0', 'export X=xx', 'vim']],
    ['pane as a list of commands', () => panes(spec, 0)[2]!.typed.slice(-2), ['cd tmp', 'ls']],
    ['pane with a title', () => [panes(spec, 0)[3]!.name, panes(spec, 0)[3]!.typed.at(-1)], ['server', 'bundle exec rails s']],
    ['window as a command', () => panes(spec, 1)[0]!.typed, ['rbenv shell 3.3.0', 'git pull']],
    ['empty window', () => panes(spec, 3)[0]!.typed, ['rbenv shell 3.3.0']],
    ['startup_window (by name)', () => spec.windows.map((w) => w.focus), [true, false, false, false]],
    ['startup_pane', () => panes(spec, 0).map((p) => p.focus), [false, true, false, false]],
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual()).toEqual(expected);
  });

  it('lists every unsupported field by name', () => {
    const names = spec.unsupported.map((u) => u.split(' (')[0]);
    expect(names).toEqual(expect.arrayContaining(['socket_name', 'tmux_options', 'on_project_restart', 'on_project_exit',
      'on_project_stop', 'post', 'attach']));
  });
});

describe('tmuxinator legacy keys', () => {
  it('reads project_name, project_root, pre_tab and tabs', async () => {
    const spec = await load('tmuxinator-tabs.yml');
    expect(spec.name).toBe('old-style');
    expect(spec.cwd).toBe('/tmp');
    expect(panes(spec, 1)[0]!.typed).toEqual(['echo pretab', 'echo two-a', 'echo two-b']);
  });
});

describe('tmuxinator startup checks', () => {
  it('names the key and the valid range when startup_pane is out of range', async () => {
    await expect(load('tmuxinator-tabs.yml').then(() => loadLayoutDetailed(join(fixtures, 'tmuxinator-bad-startup.yml'), { cwd: '/work', env, settings: {} })))
      .rejects.toThrow(/tmuxinator-bad-startup\.yml:3: startup_pane: expected a pane number below 1, found "4"/);
  });
});

describe('tmuxp command items, timing, geometry and focus (as tmuxp 1.27 builds them)', async () => {
  const spec = await load('tmuxp-commands.yaml');
  const before = [' source .venv/bin/activate', ' export A=1', ' echo window-before'];
  const typedOf = (w: number) => panes(spec, w).map((p) => p.typed);
  const enterOf = (w: number, p: number) => panes(spec, w)[p]!.typedTiming?.map((t) => t.enter);
  const cases: Array<[string, () => unknown, unknown]> = [
    ['session, window (a map holding shell_command) and pane befores, then commands', () => typedOf(0), [
      [...before, ' echo /home/u ~/x $UNSET_VAR_X'],
      before,
      [...before, ' echo pane-before', ' echo one', ' echo two'],
      [...before, ' echo list-a', ' echo list-b'],
      before,
      before,
    ]],
    ['a string command expands ~ only at the start and leaves unset variables', () => panes(spec, 0)[0]!.typed.at(-1), ' echo /home/u ~/x $UNSET_VAR_X'],
    ['window before sleep_after carries on to the commands after it', () => panes(spec, 0)[0]!.typedTiming?.map((t) => t.sleepAfterMs), [0, 0, 500, 500]],
    ['enter: false carries on until a command sets it again (tmuxp builder)', () => enterOf(0, 2), [true, true, true, true, false, false]],
    ['sleep_before on a list item', () => panes(spec, 0)[3]!.typedTiming?.map((t) => t.sleepBeforeMs), [0, 0, 0, 0, 2000]],
    ['three panes without layout: each split off the previous one (1/2, 1/4, 1/4)', () => shape(spec.windows[1]!.root), 'column(pane, column(pane, pane))'],
    ['with a layout the panes are one column and tmux places them', () => shape(spec.windows[2]!.root), 'column(pane, pane, pane)'],
    ['window_index', () => spec.windows.map((w) => w.index), [undefined, undefined, 7, undefined]],
    ['without focus the last created pane is active', () => panes(spec, 1).map((p) => p.focus), [false, false, true]],
    ['an explicit pane focus wins', () => panes(spec, 3).map((p) => p.focus), [true, false]],
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual()).toEqual(expected);
  });

  it('rejects a command map without cmd and a negative sleep, with the key path', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'tmuxp-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'session_name: bad\nwindows:\n  - panes:\n      - shell_command:\n          - enter: false\n          - cmd: ls\n            sleep_after: -1\n');
    await expect(loadLayoutDetailed(file, { cwd: dir, env, settings: {} })).rejects.toThrow(
      /bad\.yaml:5: windows\[0\]\.panes\[0\]\.shell_command\[0\]\.cmd: missing: a command map needs cmd[\s\S]*bad\.yaml:7: windows\[0\]\.panes\[0\]\.shell_command\[1\]\.sleep_after: expected a number of seconds/);
  });
});

function shape(node: import('../../../host/layout/model.js').LayoutNode): string {
  return node.kind === 'pane' ? 'pane' : `${node.direction}(${node.children.map(shape).join(', ')})`;
}
