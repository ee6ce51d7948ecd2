import { describe, expect, it } from 'vitest';
import { allocate, layoutChecksum, tmuxLayoutProblem, tmuxLayoutString } from '../../../host/layout/tmuxLayoutString.js';
import { buildPlan, paneProgram, type PlanOptions } from '../../../host/mux/tmux/plan.js';
import { chain, invocations } from '../../../host/mux/tmux/exec.js';
import type { PaneSpec, SessionSpec } from '../../../host/layout/model.js';

function pane(overrides: Partial<PaneSpec> = {}): PaneSpec {
  return {
    kind: 'pane', name: undefined, role: 'shell', command: undefined, typed: [], onExit: 'shell', cwd: '/tmp', env: {},
    focus: false, size: undefined, shellInit: false, plugin: undefined, ...overrides,
  };
}

const options: PlanOptions = {
  session: 's', width: 120, height: 40, shell: '/bin/bash', shellInitArgv: ['/bin/bash', '--rcfile', '/x'],
  picodeArgv: ['/usr/bin/node', '/pkg/bin/picode.js'], tmuxSocket: 'sock',
};

describe('tmux layout strings', () => {
  // Checksums of layouts printed by tmux 3.3a itself (#{window_layout}).
  it.each([
    ['dfad', '120x40,0,0{117x40,0,0[117x37,0,0,1,117x2,0,38,3],2x40,118,0,2}'],
    ['aafd', '120x40,0,0,0'],
  ])('computes tmux\'s checksum %s', (sum, body) => {
    expect(layoutChecksum(body)).toBe(sum);
  });

  it('lays out a row of a percent pane and a nested column', () => {
    const root = { kind: 'split' as const, direction: 'row' as const, size: undefined, children: [
      pane({ size: { percent: 60 } }),
      { kind: 'split' as const, direction: 'column' as const, size: undefined, children: [pane(), pane()] },
    ] };
    expect(tmuxLayoutString(root, 120, 40)).toBe('647c,120x40,0,0{71x40,0,0,0,48x40,72,0[48x20,72,0,1,48x19,72,21,2]}');
  });

  it('allocates cells, percents and the rest exactly, borders included', () => {
    expect(allocate([{ cells: 30 }, undefined], 100)).toEqual([30, 69]);
    expect(allocate([{ percent: 30 }, { percent: 70 }], 101)).toEqual([30, 70]);
    expect(allocate([undefined, undefined, undefined], 80)).toEqual([26, 26, 26]);
    expect(allocate([{ cells: 500 }, undefined], 80)).toEqual([78, 1]);
    const sizes = allocate([{ percent: 33 }, { percent: 33 }, undefined], 77);
    expect(sizes.reduce((a, b) => a + b, 0) + 2).toBe(77);
  });
});

describe('pane programs', () => {
  it('runs a command line, then the user\'s shell for onExit: shell (newline, so comments cannot swallow it)', () => {
    expect(paneProgram(pane({ command: 'make watch # build' }), options)).toEqual(['make watch # build\nexec /bin/bash -l']);
  });
  it('execs an argv list directly, and wraps it for onExit: shell', () => {
    expect(paneProgram(pane({ command: ['sleep', '5'], onExit: 'close' }), options)).toEqual(['sleep', '5']);
    expect(paneProgram(pane({ command: ['htop'], onExit: 'hold' }), options)).toEqual(['exec htop']);
    expect(paneProgram(pane({ command: ['sleep', '5'] }), options)).toEqual(['/bin/sh', '-c', '"$@"\nexec /bin/bash -l', 'picode-pane', 'sleep', '5']);
  });
  it('starts picode\'s view for roles without a command, with the session and socket', () => {
    expect(paneProgram(pane({ role: 'agent', onExit: 'hold' }), options))
      .toEqual(['/usr/bin/node', '/pkg/bin/picode.js', 'pane', 'agent', '--session', 's', '--tmux-socket', 'sock']);
  });
  it('starts the shell with OSC 133 marks for shellInit, else tmux\'s default shell', () => {
    expect(paneProgram(pane({ shellInit: true }), options)).toEqual(['/bin/bash', '--rcfile', '/x']);
    expect(paneProgram(pane(), options)).toEqual([]);
  });
});

describe('build plan', () => {
  const spec: SessionSpec = {
    name: 's', cwd: '/tmp', env: { A: '1' }, before: [], options: { mouse: 'on' }, unsupported: [],
    source: { format: 'picode', file: '/x.yaml' },
    windows: [
      { name: 'w1', cwd: '/tmp', env: {}, focus: false, tmuxLayout: undefined, options: {}, root: pane({ command: 'a', name: 'one' }) },
      { name: 'w2', cwd: '/tmp', env: { B: '2' }, focus: true, tmuxLayout: 'tiled', options: { 'synchronize-panes': 'on' },
        root: { kind: 'split', direction: 'row', size: undefined, children: [pane(), pane({ focus: true, onExit: 'hold', command: 'b' }), pane({ typed: ['ls'] })] } },
    ],
  };
  const plan = buildPlan(spec, options);
  it('creates the session, then each window, splitting off the first pane last-to-first', () => {
    const verbs = plan.commands.map((c) => c[0]);
    expect(verbs.filter((v) => v === 'new-session')).toHaveLength(1);
    expect(verbs.filter((v) => v === 'new-window')).toHaveLength(1);
    expect(verbs.filter((v) => v === 'split-window')).toHaveLength(2);
    expect(plan.commands[0]).toEqual(['new-session', '-d', '-s', 's', '-x', '120', '-y', '40', '-n', 'w1', '-P', '-F', '#{session_id}', '-c', '/tmp', '-e', 'A=1', 'a\nexec /bin/bash -l']);
    expect(plan.commands).toContainEqual(['new-window', '-a', '-t', '=s:{end}', '-n', 'w2', '-c', '/tmp', '-e', 'A=1', '-e', 'B=2']);
    const splits = plan.commands.filter((c) => c[0] === 'split-window');
    expect(splits[0]).toContain('-h');
    expect(splits[1]).toContain('-v');
    expect(splits.every((c) => c.includes('=s:{end}.{top-left}'))).toBe(true);
    expect(plan.panesPerWindow).toEqual([1, 3]);
  });
  it('names the target of every command after new-session (nothing resolves to the caller\'s pane)', () => {
    // Inside tmux, a command without -t acts on $TMUX_PANE's window: the caller's.
    for (const command of plan.commands.slice(1)) {
      const t = command.indexOf('-t');
      expect(t, command.join(' ')).toBeGreaterThan(0);
      expect(command[t + 1], command.join(' ')).toMatch(/^=s(:|$)/);
    }
  });
  it('applies session options, window options, the tmux layout, hold, focus', () => {
    expect(plan.commands).toContainEqual(['set-option', '-t', '=s', 'mouse', 'on']);
    expect(plan.commands).toContainEqual(['set-option', '-w', '-t', '=s:{end}', 'synchronize-panes', 'on']);
    expect(plan.commands).toContainEqual(['select-layout', '-t', '=s:{end}', 'tiled']);
    expect(plan.commands).toContainEqual(['set-option', '-p', '-t', '=s:{end}', 'remain-on-exit', 'on']);
    expect(plan.commands).toContainEqual(['select-pane', '-t', '=s:{end}.+1']);
    expect(plan.commands.at(-1)).toEqual(['select-window', '-t', '=s:+1']);
  });
  it('reports the panes that need typed commands', () => {
    expect(plan.typed).toEqual([{ window: 1, pane: 2, commands: ['ls'] }]);
  });
});

describe('chained invocations', () => {
  it('keeps an ordinary build in one invocation and cuts a big one into as few as fit the limit', () => {
    const ordinary = Array.from({ length: 40 }, (_, i) => ['set-option', '-p', '-t', '=s:{end}', '@picode_name', `pane-${i}`]);
    expect(invocations(ordinary)).toEqual([chain(ordinary)]);
    const many = Array.from({ length: 400 }, (_, i) => ['split-window', '-t', '=big:{end}.{top-left}', '-c', '/some/where', `sleep ${i}`]);
    const limit = 2000;
    const cut = invocations(many, limit);
    const bytes = (argv: string[]): number => argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
    expect(cut.every((argv) => bytes(argv) <= limit)).toBe(true);
    // As few as fit: no two neighbours could have been one.
    for (let i = 1; i < cut.length; i++) expect(bytes(cut[i - 1]!) + 2 + bytes(cut[i]!)).toBeGreaterThan(limit);
    // Nothing lost, nothing reordered.
    expect(cut.flatMap((argv, i) => (i ? [';', ...argv] : argv))).toEqual(chain(many));
  });

  it('separates commands and protects arguments ending in ;', () => {
    expect(chain([['a', 'x;'], ['b', 'find . -exec ls {} \\;']])).toEqual(['a', 'x\\;', ';', 'b', 'find . -exec ls {} \\\\;']);
  });
});

describe('tmux layout values', () => {
  it.each([
    ['tiled', 4, undefined],
    ['main-vertical', 2, undefined],
    ['dfad,120x40,0,0{117x40,0,0[117x37,0,0,1,117x2,0,38,3],2x40,118,0,2}', 3, undefined],
    ['dfad,120x40,0,0{117x40,0,0[117x37,0,0,1,117x2,0,38,3],2x40,118,0,2}', 2, /has 3 pane\(s\) but the window has 2/],
    ['0000,120x40,0,0,0', 1, /wrong checksum \(expected aafd\)/],
    ['diagonal', 2, /neither a tmux layout/],
  ])('%s for %i panes', (layout, panes, problem) => {
    const found = tmuxLayoutProblem(layout, panes);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
