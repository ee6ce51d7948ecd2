import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayoutDetailed } from '../../../host/layout/load.js';
import { panesOf, type SessionSpec } from '../../../host/layout/model.js';
import { psychScalar, rubyFloat } from '../../../host/layout/importers/psych.js';
import { runBeforeCommands } from '../../../host/layout/before.js';

/** tmuxinator 3.0.5 behaviour (read from its project.rb / window.rb / template.erb and observed). */
const dir = mkdtempSync(join(tmpdir(), 'tmuxinator-unit-'));
const launch = join(dir, 'launch');
mkdirSync(launch);
mkdirSync(join(dir, 'proj'));
const env = { HOME: dir, PATH: process.env.PATH, LAYOUT_X: 'from-env' };

async function load(text: string, settings: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Promise<SessionSpec> {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return (await loadLayoutDetailed(file, { cwd: launch, env: { ...env, ...extraEnv }, settings })).spec;
}

describe('tmuxinator window names are YAML 1.1 scalars as Ruby\'s Psych reads them', async () => {
  const spec = await load(['name: names', 'root: ~/proj', 'windows:',
    '  - 222_333: ls', '  - 4e5: ls', '  - 123456789012345678901: ls', '  - 1.0: ls', '  - 010: ls', '  - 0x1f: ls',
    '  - 1:30: ls', '  - yes: ls', '  - "1.0": ls', '  - 09: ls', '  - 1,000: ls'].join('\n'));
  it('gives the names tmuxinator gives', () => {
    expect(spec.windows.map((w) => w.name)).toEqual(
      ['222333', '4e5', '123456789012345678901', '1.0', '8', '31', '5400', 'true', '1.0', '09', '1000']);
  });
  const scalars: Array<[string, unknown]> = [
    ['12e-3', '12e-3'], ['1.0e+3', '1000.0'], ['1.0e20', '1.0e20'], ['.5', '0.5'], ['~', null], ['off', false],
    ['0b101', 5], ['-0', 0], ['+12', 12], ['.inf', 'Infinity'], ['hello world', 'hello world'], ['1.5e15', '1.5e15'], ['1.5e+15', '1.5e+15'],
  ];
  it.each(scalars)('%s -> %j', (text, value) => {
    expect(psychScalar(text)).toEqual(value);
  });
  it.each([[1e15, '1.0e+15'], [123456789012345, '123456789012345.0'], [1.5e-5, '1.5e-05'], [0.0001, '0.0001'], [-0, '-0.0']])(
    'Ruby Float#to_s of %d is %s', (value, text) => { expect(rubyFloat(value)).toBe(text); });
});

describe('tmuxinator project keys', () => {
  it('uses tabs when both tabs and windows are written', async () => {
    const spec = await load('name: t\nroot: ~/proj\ntabs:\n  - from-tabs: ls\nwindows:\n  - from-windows: ls\n');
    expect(spec.windows.map((w) => w.name)).toEqual(['from-tabs']);
  });
  it('prefers project_name and project_root as tmuxinator does', async () => {
    const spec = await load(`name: b\nproject_name: a\nroot: /nonexistent-x\nproject_root: ${dir}\nwindows:\n  - w: ls\n`);
    expect([spec.name, spec.cwd]).toEqual(['a', dir]);
  });
  it('starts in the launch directory, with a warning naming it, when root does not exist', async () => {
    const spec = await load('name: m\nroot: ~/code/missing\npre: echo hi\nwindows:\n  - w: ls\n');
    expect(spec.cwd).toBe(launch);
    expect(spec.windows[0]!.cwd).toBe(launch);
    expect(spec.unsupported.join('\n')).toContain(`the directory ${join(dir, 'code', 'missing')} does not exist; starting in ${launch}`);
  });
  it('resolves a window\'s relative root from the launch directory (tmuxinator 3.0: File.expand_path)', async () => {
    const spec = await load('name: r\nroot: ~/proj\nwindows:\n  - w:\n      root: sub\n      panes: [ls]\n  - h:\n      root: ~/h\n');
    expect(spec.windows.map((w) => w.cwd)).toEqual([join(launch, 'sub'), join(dir, 'h')]);
  });
  it('tiles a window of several panes without a layout (tmuxinator tiles after every split)', async () => {
    const spec = await load('name: l\nroot: ~/proj\nwindows:\n  - a:\n      panes: [ls, ls, ls]\n  - b:\n      panes: [ls]\n  - c:\n      layout: main-vertical\n      panes: [ls, ls]\n');
    expect(spec.windows.map((w) => w.tmuxLayout)).toEqual(['tiled', undefined, 'main-vertical']);
  });
});

describe('ERB rendered by the system Ruby, as tmuxinator renders it', () => {
  it('runs conditionals, loops, method calls, @settings and @args', async () => {
    const spec = await load([
      'name: <%= "erb-" + @settings["suffix"].upcase %>',
      'root: ~/proj',
      'windows:',
      '<% %w[one two].each_with_index do |w, i| %>',
      '  - <%= w %>-<%= i %>: echo <%= ENV["LAYOUT_X"] %> <%= @args.inspect %>',
      '<% end %>',
      '<% if @settings["extra"] == "yes" %>',
      '  - extra: ls',
      '<% end %>',
    ].join('\n'), { suffix: 'abc', extra: 'yes' });
    expect(spec.name).toBe('erb-ABC');
    expect(spec.windows.map((w) => w.name)).toEqual(['one-0', 'two-1', 'extra']);
    expect([...panesOf(spec.windows[0]!.root)][0]!.typed).toEqual(['echo from-env []']);
  });
  it('splits a setting on "=" as tmuxinator does (a=b=c gives b)', async () => {
    const spec = await load('name: <%= @settings["a"] %>\nroot: ~/proj\nwindows:\n  - w: ls\n', { a: 'b=c' });
    expect(spec.name).toBe('b');
  });
  it('reports a Ruby error with the file and line', async () => {
    await expect(load('name: x\nroot: ~/proj\nwindows:\n  - w: <%= nope_helper %>\n')).rejects.toThrow(
      /p\w+\.yml:4: its ERB failed in Ruby: NameError: undefined local variable or method .nope_helper./);
  });
  it('without ruby on PATH keeps the built-in subset and its clear error', async () => {
    await expect(load('name: x\nroot: ~/proj\nwindows:\n<% [1].each do %>\n  - w: ls\n<% end %>\n', {}, { PATH: '/nonexistent' }))
      .rejects.toThrow(/p\w+\.yml:4: unsupported ERB "<% \[1\]\.each do %>"/);
    const spec = await load('name: <%= ENV["LAYOUT_X"] %>\nroot: ~/proj\nwindows:\n  - w: ls\n', {}, { PATH: '/nonexistent' });
    expect(spec.name).toBe('from-env');
  });
});

describe('before commands whose directory is missing', () => {
  it('is a located error, not a spawn failure', async () => {
    const spec: SessionSpec = {
      name: 's', cwd: join(dir, 'gone'), env: {}, before: ['echo hi'], options: {}, windows: [],
      source: { format: 'tmuxinator', file: '/x/p.yml' }, unsupported: [],
    };
    await expect(runBeforeCommands(spec, process.env)).rejects.toThrow(
      `/x/p.yml: cannot run before[0] \`echo hi\`: its directory (the session's cwd) does not exist: ${join(dir, 'gone')}; the session was not created`);
  });
});

describe('the layout cache and what it cannot see', () => {
  it('does not keep a launch-directory fallback once the root exists, nor a Ruby-rendered file', async () => {
    const { loadLayoutCached } = await import('../../../host/layout/cache.js');
    const home = mkdtempSync(join(tmpdir(), 'tmuxinator-cache-'));
    const file = join(home, 'p.yml');
    const cacheEnv = { ...env, HOME: home, PICODE_HOME: join(home, 'state') };
    writeFileSync(file, 'name: c\nroot: ~/later\nwindows:\n  - w: ls\n');
    const first = await loadLayoutCached(file, { cwd: launch, env: cacheEnv });
    expect(first.spec.cwd).toBe(launch);
    mkdirSync(join(home, 'later'));
    const second = await loadLayoutCached(file, { cwd: launch, env: cacheEnv });
    expect([second.cached, second.spec.cwd]).toEqual([false, join(home, 'later')]);
    expect((await loadLayoutCached(file, { cwd: launch, env: cacheEnv })).cached).toBe(true);

    const erb = join(home, 'erb.yml');
    writeFileSync(erb, 'name: <%= "e" * 2 %>\nroot: ~/later\nwindows:\n  - w: ls\n');
    await loadLayoutCached(erb, { cwd: launch, env: cacheEnv });
    const again = await loadLayoutCached(erb, { cwd: launch, env: cacheEnv });
    expect([again.cached, again.spec.name]).toEqual([false, 'ee']);
  });
});
