import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadLayoutDetailed } from '../../../host/layout/load.js';
import { panesOf, type PaneSpec, type SessionSpec } from '../../../host/layout/model.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'foundation');
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
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual()).toEqual(expected);
  });

  it('lists every unsupported field by name, with a reason', () => {
    const names = spec.unsupported.map((u) => u.split(' (')[0]);
    expect(names).toEqual(expect.arrayContaining([
      'global_options', 'windows[0].window_index',
      'windows[0].panes[0].shell_command[1].sleep_before', 'windows[0].panes[0].shell_command[1].enter',
      'windows[0].panes[4].sleep_after',
    ]));
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
  const spec = await load('tmuxinator-full.yml', { BLOG_X: 'xx' }, { ruby: '3.3.0' });
  const root = '/home/u/blog';
  const cases: Array<[string, () => unknown, unknown]> = [
    ['format', () => spec.source.format, 'tmuxinator'],
    ['name', () => spec.name, 'blog'],
    ['root (ENV.fetch default, ~ expanded)', () => spec.cwd, root],
    ['on_project_first_start, on_project_start and pre run before', () => spec.before, ['echo first', 'echo start', 'echo pre']],
    ['window names', () => spec.windows.map((w) => w.name), ['editor', 'shell', 'logs', 'empty']],
    ['window layout', () => spec.windows[0]!.tmuxLayout, 'main-vertical'],
    ['window root', () => spec.windows[0]!.cwd, join(root, 'app')],
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
