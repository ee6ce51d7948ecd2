import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayoutDetailed } from '../../../host/layout/load.js';
import { panesOf } from '../../../host/layout/model.js';
import { renderErb } from '../../../host/layout/importers/erb.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'layout');
const dir = mkdtempSync(join(tmpdir(), 'picode-layout-'));
const env = { HOME: '/home/u' };

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function load(file: string) {
  return (await loadLayoutDetailed(file, { cwd: '/work', env })).spec;
}

describe('picode layout format', () => {
  it('normalises every field', async () => {
    const spec = await load(join(fixtures, 'picode-full.yaml'));
    expect(spec).toMatchObject({ name: 'full', cwd: '/tmp', env: { SESSION_VAR: 's', COUNT: '3' }, before: ['true'], options: { mouse: 'on' } });
    const [main, single, plug] = spec.windows;
    expect(main).toMatchObject({ name: 'main', cwd: '/tmp/sub', env: { WIN: 'w' }, options: { 'automatic-rename': 'off' }, focus: false });
    expect(main!.root).toMatchObject({ kind: 'split', direction: 'row' });
    const panes = [...panesOf(main!.root)];
    expect(panes.map((p) => [p.name, p.role, p.command, p.onExit, p.size, p.focus])).toEqual([
      ['left', 'shell', 'echo hi', 'hold', { cells: 30 }, false],
      ['top', 'shell', ['sleep', '100'], 'close', { percent: 25 }, true],
      ['bottom', 'plan', undefined, 'hold', undefined, false],
    ]);
    expect(panes[1]!.env).toEqual({ PANE: 'p' });
    expect(panes.every((p) => p.cwd === '/tmp/sub')).toBe(true);
    expect(single).toMatchObject({ name: 'single', focus: true, root: { kind: 'pane', command: 'htop', onExit: 'shell', role: 'shell' } });
    expect(plug!.root).toMatchObject({ role: 'plugin', plugin: 'clock', shellInit: true });
    expect(spec.unsupported).toEqual([]);
  });

  it('loads the shipped layouts', async () => {
    for (const name of ['default', 'dev', 'agents']) {
      const spec = (await loadLayoutDetailed(name, { cwd: '/work', env: {} })).spec;
      expect(spec.source.format).toBe('picode');
      expect(spec.windows.length).toBeGreaterThan(0);
    }
  });

  it('accepts JSON', async () => {
    const spec = await load(write('j.json', JSON.stringify({ windows: [{ panes: ['echo a', { command: 'echo b', size: '40%' }] }] })));
    expect(spec.name).toBe('j');
    expect([...panesOf(spec.windows[0]!.root)].map((p) => p.command)).toEqual(['echo a', 'echo b']);
  });

  // Table of bad inputs: the file, the line, the key path and what was expected/found.
  const bad: Array<[string, string, RegExp]> = [
    ['unknown top-level key', 'windws: []\n', /bad\.yaml:1: windws: unknown key "windws" \(did you mean "windows"\?\)/],
    ['missing windows', 'name: x\n', /bad\.yaml:1: windows: missing: expected a list/],
    ['misspelt pane key', 'windows:\n  - panes:\n      - comand: vim\n', /bad\.yaml:3: windows\[0\]\.panes\[0\]\.comand: unknown key "comand" \(did you mean "command"\?\)/],
    ['bad size', 'windows:\n  - panes:\n      - { command: a, size: big }\n      - b\n', /bad\.yaml:3: windows\[0\]\.panes\[0\]\.size: expected a percentage such as "30%" or a number of cells such as 20, found "big"/],
    ['bad split direction', 'windows:\n  - panes:\n      - split: diagonal\n        panes: [a, b]\n', /bad\.yaml:3: windows\[0\]\.panes\[0\]\.split: expected one of "row", "column", found "diagonal"/],
    ['bad role', 'windows:\n  - panes:\n      - role: editor\n', /bad\.yaml:3: windows\[0\]\.panes\[0\]\.role: expected one of "shell", "plan"/],
    ['bad onExit', 'windows:\n  - panes:\n      - { command: x, onExit: stay }\n', /bad\.yaml:3: windows\[0\]\.panes\[0\]\.onExit: expected one of "shell", "close", "hold", found "stay"/],
    ['focus not a boolean', 'windows:\n  - command: x\n    focus: yes\n', /bad\.yaml:3: windows\[0\]\.focus: expected a boolean, found "yes"/],
    ['percent over 100', 'windows:\n  - panes:\n      - { command: a, size: 70% }\n      - { command: b, size: 50% }\n', /bad\.yaml:3: windows\[0\]\.panes: the sizes of these panes add up to 120%, more than 100%/],
    ['two focused panes', 'windows:\n  - panes:\n      - { command: a, focus: true }\n      - { command: b, focus: true }\n', /windows\[0\]\.panes: 2 panes of this window have focus: true/],
    ['command and panes', 'windows:\n  - command: a\n    panes: [b]\n', /bad\.yaml:2: windows\[0\]\.command: a window has either `command` \(one pane\) or `panes`, not both/],
    ['plugin role without plugin', 'windows:\n  - panes:\n      - role: plugin\n', /windows\[0\]\.panes\[0\]\.plugin: a pane with role: plugin needs `plugin: <name>`/],
    ['layout with sizes', 'windows:\n  - layout: tiled\n    panes:\n      - { command: a, size: 10 }\n      - b\n', /bad\.yaml:2: windows\[0\]\.layout: a window with `layout` cannot also give pane sizes/],
    ['session name with a dot', 'name: a.b\nwindows:\n  - command: x\n', /bad\.yaml:1: name: "a\.b" contains "\.", which tmux reserves/],
    ['session name tmux reads as an id', 'windows:\n  - command: x\nname: "$1"\n', /bad\.yaml:3: name: "\$1" starts with "\$", which tmux reads as a session id; choose another name/],
    ['session name with a newline', 'name: "a\\nb"\nwindows:\n  - command: x\n', /bad\.yaml:1: name: "a\\nb" contains a control character \(U\+000A\)/],
    ['YAML syntax error', 'windows:\n  - command: [unclosed\n', /bad\.yaml:\d+: not valid YAML\/JSON/],
    ['not a map', '- a\n- b\n', /bad\.yaml:1: \(top level\): expected a map, found a list of 2/],
  ];
  it.each(bad)('reports %s with file:line, key and expected/found', async (_name, text, message) => {
    const file = write('bad.yaml', text);
    await expect(load(file)).rejects.toThrow(message);
  });

  it('names a missing layout and lists the available ones', async () => {
    await expect(loadLayoutDetailed('no-such-layout', { cwd: '/work', env: {} })).rejects.toThrow(/no layout named "no-such-layout"/);
    await expect(loadLayoutDetailed('no-such-layout', { cwd: '/work', env: {} }).catch((e: { hint: string }) => { throw new Error(e.hint); }))
      .rejects.toThrow(/default, dev/);
  });

  it('expands ~ and $VAR in cwd and records the variables read (for the cache)', async () => {
    const file = write('vars.yaml', 'cwd: ~/p/$SUB\nwindows:\n  - command: x\n');
    const loaded = await loadLayoutDetailed(file, { cwd: '/work', env: { HOME: '/home/u', SUB: 's' } });
    expect(loaded.spec.cwd).toBe('/home/u/p/s');
    expect(loaded.readEnv).toMatchObject({ HOME: '/home/u', SUB: 's' });
  });
});

describe('ERB in tmuxinator files', () => {
  // PATH without ruby: the subset rendered without Ruby (with Ruby see importers-tmuxinator.test.ts).
  const ctx = () => ({ env: { A: 'a', PATH: '/nonexistent' } as NodeJS.ProcessEnv, readEnv: {}, settings: { k: 'v' }, readSettings: new Set<string>() });
  const ok: Array<[string, string]> = [
    ['x: <%= ENV["A"] %>', 'x: a'],
    ["x: <%= ENV['A'] %>", 'x: a'],
    ['x: <%= ENV["UNSET"] %>', 'x: '],
    ['x: <%= ENV.fetch("UNSET", "d") %>', 'x: d'],
    ['x: <%= ENV.fetch("A", "d") %>', 'x: a'],
    ['x: <%= @settings["k"] %>', 'x: v'],
    ['x: <%= @settings[:k] %>', 'x: v'],
    ['x: <%= @settings["missing"] %>', 'x: '],
    ['<%# a comment %>x: 1', 'x: 1'],
    ['x: <%= ENV["UNSET"] || "fallback" %>', 'x: fallback'],
    ['x: <%= ENV["A"] || \'fallback\' %>', 'x: a'],
    ['x: <%= @settings["missing"] || "d" %>', 'x: d'],
    ['x: <%= @settings["k"] || "d" %>', 'x: v'],
  ];
  it.each(ok)('renders %s', (input, output) => {
    expect(renderErb(input, 'f.yml', ctx())).toBe(output);
  });
  it('rejects other Ruby, naming the line', () => {
    expect(() => renderErb('a: 1\nb: <%= `hostname` %>\n', 'f.yml', ctx())).toThrow(/f\.yml:2: unsupported ERB "<%= `hostname` %>"/);
    expect(() => renderErb('<% if true %>\n', 'f.yml', ctx())).toThrow(/f\.yml:1: unsupported ERB/);
  });
  it('fails like Ruby on ENV.fetch of an unset variable without default', () => {
    expect(() => renderErb('x: <%= ENV.fetch("NOPE") %>', 'f.yml', ctx())).toThrow(/f\.yml:1: .* needs the environment variable NOPE/);
  });
  it('keeps line numbers for multi-line tags', () => {
    expect(renderErb('a: <%= ENV[\n"A"] %>\nb: 1', 'f.yml', ctx())).toBe('a: a\n\nb: 1');
  });
});
