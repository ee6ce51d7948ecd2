import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox, type Sandbox } from './helpers.js';

// From outside tmux, and typed into a shell inside a pane of the same server (where the
// caller's session must come out of every command as it was: the sandbox checks it).
describe.each(['outside', 'inside'] as const)('picode %s tmux', (where) => {
let sb: Sandbox;
beforeAll(() => { sb = sandbox(where); });
afterAll(() => sb.cleanup());

const good = 'name: ok\nwindows:\n  - command: sleep 100\n';

/** Every bad input exits non-zero, prints a user error (no stack) and leaves tmux untouched. */
describe('bad input never touches tmux', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a config with an unknown key', () => {
      const dir = join(sb.dir, 'badcfg');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"name":"x","picode":{"tmux":{"sockt":"y"}}}');
      writeFileSync(join(dir, 'l.yaml'), good);
      return ['--cwd', dir, 'up', 'l.yaml', '--detach'];
    }, /package\.json: tmux\.sockt: unknown key "sockt" \(did you mean "socket"\?\)/],
    ['a config with a wrong value', () => {
      const dir = join(sb.dir, 'badcfg2');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '.picoderc.yaml'), 'mux: screen\n');
      writeFileSync(join(dir, 'l.yaml'), good);
      return ['--cwd', dir, 'up', 'l.yaml', '--detach'];
    }, /\.picoderc\.yaml:1: mux: expected one of "auto", "tmux", "zellij", found "screen"/],
    ['an invalid layout', () => {
      writeFileSync(join(sb.dir, 'bad.yaml'), 'windows:\n  - panes:\n      - { command: a, size: huge }\n');
      return ['up', 'bad.yaml', '--detach'];
    }, /bad\.yaml:3: windows\[0\]\.panes\[0\]\.size: expected a percentage/],
    ['a layout that does not exist', () => ['up', 'nope', '--detach'], /no layout named "nope"/],
    ['unsupported ERB', () => {
      writeFileSync(join(sb.dir, 'erb.yml'), 'name: e\nroot: <%= no_such_helper %>\nwindows:\n  - a: ls\n');
      return ['up', 'erb.yml', '--detach'];
    }, /erb\.yml:2: its ERB failed in Ruby: NameError: undefined local variable or method .no_such_helper./],
    ['a failing before command', () => {
      writeFileSync(join(sb.dir, 'before.yaml'), `cwd: ${sb.dir}\nbefore: ["touch b1", "exit 7", "touch b2"]\nwindows:\n  - command: sleep 100\n`);
      return ['up', 'before.yaml', '--detach'];
    }, /before\[1\] `exit 7` failed with exit code 7; the session was not created/],
    ['a bad session name', () => {
      writeFileSync(join(sb.dir, 'l2.yaml'), good);
      return ['up', 'l2.yaml', '--session', 'a.b', '--detach'];
    }, /invalid session name: "a\.b" contains "\."/],
    ['an unknown tmux layout', () => {
      writeFileSync(join(sb.dir, 'lay.yaml'), 'session_name: lay\nwindows:\n  - layout: diagonal\n    panes: [ls, ls]\n');
      return ['up', 'lay.yaml', '--detach'];
    }, /lay\.yaml: window 1: "diagonal" is neither a tmux layout/],
    ['a layout string for another pane count', () => {
      writeFileSync(join(sb.dir, 'lay2.yaml'), 'session_name: lay2\nwindows:\n  - layout: "aafd,120x40,0,0,0"\n    panes: [ls, ls]\n');
      return ['up', 'lay2.yaml', '--detach'];
    }, /the layout string has 1 pane\(s\) but the window has 2/],
    ['a misspelt tmux option', () => {
      writeFileSync(join(sb.dir, 'opt.yaml'), 'options: { moose: on }\nwindows:\n  - command: sleep 100\n    options: { automatic-renam: off }\n');
      return ['up', 'opt.yaml', '--detach'];
    }, /opt\.yaml: tmux has no option \(or several start with\) "moose", "automatic-renam"; the session was not created/],
    ['a working directory that does not exist', () => {
      writeFileSync(join(sb.dir, 'nodir.yaml'), `cwd: ${sb.dir}\nwindows:\n  - name: w\n    panes:\n      - sleep 100\n      - { name: p, cwd: missing, command: sleep 100 }\n`);
      return ['up', 'nodir.yaml', '--detach'];
    }, /nodir\.yaml: the working directory of window 1 \(w\), pane 2 \(p\) does not exist: .*\/missing/],
    ['an unknown multiplexer', () => {
      writeFileSync(join(sb.dir, 'l4.yaml'), good);
      return ['up', 'l4.yaml', '--mux', 'screen', '--detach'];
    }, /--mux screen: expected tmux, zellij or auto/],
    ['a stray argument', () => {
      writeFileSync(join(sb.dir, 'l3.yaml'), good);
      return ['up', 'l3.yaml', 'oops', '--detach'];
    }, /unexpected argument "oops": settings after the layout are written key=value/],
  ];
  it.each(cases)('%s', async (_name, setup, message) => {
    const args = setup();
    // `--cwd DIR` in the table = run picode from DIR.
    const cwd = args[0] === '--cwd' ? args[1] : undefined;
    const result = await sb.picode(cwd ? args.slice(2) : args, { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/hint: /);
    expect(result.stderr).not.toMatch(/internal error|    at /);
    expect(sb.sessions()).toEqual([]);
  });

  it('ran the before commands up to the failing one only', () => {
    expect(existsSync(join(sb.dir, 'b1'))).toBe(true);
    expect(existsSync(join(sb.dir, 'b2'))).toBe(false);
  });
});

describe('layout check and doctor', () => {
  it('prints the normalised layout, as text and as JSON', async () => {
    const text = await sb.picode(['layout', 'check', 'dev']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/valid picode layout/);
    expect(text.stdout).toMatch(/pane "plan" \[plan\] 40%: picode pane plan/);
    const json = await sb.picode(['layout', 'check', 'default', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'picode', source: { format: 'picode' } });
  });

  it('prints the tmux commands up would send, for a given window size', async () => {
    const result = await sb.picode(['layout', 'check', 'default', '--tmux', '120x40']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tmux new-session -d -s picode -x 120 -y 40 -n main -P -F '#{session_id}' /);
    expect(result.stdout).toContain("select-layout -t '=picode:{end}' '647c,120x40,0,0{71x40,0,0,0,48x40,72,0[48x20,72,0,1,48x19,72,21,2]}'");
  });

  it('check warns about unsupported fields of an import and fails on an invalid file', async () => {
    writeFileSync(join(sb.dir, 'warn.yaml'), 'session_name: w\nglobal_options: { mouse: on }\nwindows:\n  - panes: [ls]\n');
    const warned = await sb.picode(['layout', 'check', 'warn.yaml']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/not supported, ignored: global_options/);
    const bad = await sb.picode(['layout', 'check', 'bad.yaml']);
    expect(bad.code).toBe(1);
  });

  it('doctor reports tmux, config, state and sqlite', async () => {
    const result = await sb.picode(['doctor', '--json'], { env: { NODE_EXTRA_CA_CERTS: '' } });
    expect(result.code).toBe(0);
    const checks = JSON.parse(result.stdout) as Array<{ name: string; status: string }>;
    for (const name of ['node', 'tmux', 'config', 'state directory', 'sqlite']) {
      expect(checks.find((c) => c.name === name)).toMatchObject({ status: 'ok' });
    }
  });

  it('doctor fails when tmux is missing, saying how to get it', async () => {
    writeFileSync(join(sb.dir, '.picoderc.json'), '{"tmux": {"binary": "/nonexistent/tmux"}}');
    try {
      const result = await sb.picode(['doctor']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/MISS\s+tmux: "\/nonexistent\/tmux" not found\n\s+fix: install tmux 3\.2 or newer/);
    } finally {
      writeFileSync(join(sb.dir, '.picoderc.json'), '{}');
    }
  });
});
});
