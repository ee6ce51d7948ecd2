import { describe, expect, it } from 'vitest';
import { compileEventMatcher, compileExitCodeMatcher, compileGlobMatcher, compileMatch, compileTextMatcher } from '../../../host/hooks/matcher.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';

function event(type: string, data: unknown, paneName?: string, pane?: string): PicodeEvent {
  return { id: 1, type, time: 0, session: 's', window: '@1', pane, paneName, data };
}

describe('text matchers (Claude Code style)', () => {
  const table: Array<[spec: string | string[] | undefined, value: string | undefined, expected: boolean]> = [
    [undefined, 'anything', true],
    [undefined, undefined, true],
    ['', 'anything', true],
    ['*', 'anything', true],
    ['*', undefined, true],
    ['Bash', 'Bash', true],
    ['Bash', 'bash', false],
    ['Bash', 'BashX', false], // exact, not a substring
    ['Edit|Write', 'Write', true],
    ['Edit|Write', 'Read', false],
    ['Edit, Write', 'Write', true],
    ['npm test', 'npm test', true],
    ['npm test', 'npm test -- --watch', false],
    ['tests', undefined, false],
    [['a.b', 'c'], 'a.b', true],
    [['a.b', 'c'], 'axb', false],
    ['Notebook.*', 'NotebookEdit', true], // regex: has `.` and `*`
    ['mcp__.*__write', 'mcp__fs__write', true],
    ['^npm (run )?test', 'npm run test', true],
    ['^npm (run )?test', 'pnpm test', false],
    ['test$', 'npm test', true], // unanchored regex
    ['rm\\s+-rf', 'sudo rm  -rf /', true],
    ['rm\\s+-rf', undefined, false],
  ];
  it.each(table)('%j against %j is %s', (spec, value, expected) => {
    expect(compileTextMatcher(spec, 'test')(value)).toBe(expected);
  });

  it('rejects an invalid regular expression naming where it is', () => {
    expect(() => compileTextMatcher('a(b', 'hooks[2].match.command')).toThrow(/hooks\[2\]\.match\.command: invalid regular expression/);
  });
});

describe('event type matchers', () => {
  const table: Array<[spec: string | string[], type: string, expected: boolean]> = [
    ['file.changed', 'file.changed', true],
    ['file.changed', 'file.changedX', false],
    ['file.changed', 'filexchanged', false], // a dot is literal in event names
    ['pane.*', 'pane.opened', true],
    ['pane.*', 'pane', false],
    ['pane.*', 'panes.opened', false],
    ['user.*', 'user.deploy', true],
    ['command.started|command.finished', 'command.finished', true],
    [['command.finished', 'user.*'], 'user.x', true],
    [['command.finished', 'user.*'], 'pane.opened', false],
    ['*', 'anything.at.all', true],
    ['^(llm|agent)\\.', 'agent.tool.before', true],
    ['^(llm|agent)\\.', 'plan.created', false],
  ];
  it.each(table)('%j against %s is %s', (spec, type, expected) => {
    expect(compileEventMatcher(spec, 'test')(type)).toBe(expected);
  });

  it('exposes exact types for indexing only when every part is exact', () => {
    expect((compileEventMatcher('a.b|c.d', 'x') as { exact?: string[] }).exact).toEqual(['a.b', 'c.d']);
    expect((compileEventMatcher('a.*', 'x') as { exact?: string[] }).exact).toBeUndefined();
  });
});

describe('exit code matchers', () => {
  const table: Array<[spec: Parameters<typeof compileExitCodeMatcher>[0], code: number | null, known: boolean, expected: boolean]> = [
    ['nonzero', 1, true, true],
    ['nonzero', 0, true, false],
    ['nonzero', null, false, false],
    ['zero', 0, true, true],
    ['zero', 2, true, false],
    [2, 2, true, true],
    [2, 1, true, false],
    [[1, 2], 2, true, true],
    [[1, 2], 3, true, false],
    ['any', null, false, true],
  ];
  it.each(table)('%j with %s (known %s) is %s', (spec, code, known, expected) => {
    expect(compileExitCodeMatcher(spec)(code, known)).toBe(expected);
  });
});

describe('path globs', () => {
  it('matches when any path of a batch matches', () => {
    const m = compileGlobMatcher('src/**')!;
    expect(m(['README.md', 'src/a/b.ts'])).toBe(true);
    expect(m(['README.md', 'test/x.ts'])).toBe(false);
    expect(m([])).toBe(false);
  });
  it('takes a list of globs and dotfiles', () => {
    const m = compileGlobMatcher(['**/*.ts', '.env*'])!;
    expect(m(['.env.local'])).toBe(true);
    expect(m(['a/b/c.ts'])).toBe(true);
    expect(m(['a/b/c.js'])).toBe(false);
  });
});

describe('match blocks on events', () => {
  it('requires every condition', () => {
    const t = compileMatch({ pane: 'tests', exitCode: 'nonzero' }, undefined, 'h');
    expect(t(event('command.finished', { command: 'npm test', exitCode: 1 }, 'tests', '%3'))).toBe(true);
    expect(t(event('command.finished', { command: 'npm test', exitCode: 0 }, 'tests', '%3'))).toBe(false);
    expect(t(event('command.finished', { command: 'npm test', exitCode: 1 }, 'build', '%4'))).toBe(false);
    // No exit status at all on the event: an exitCode condition cannot hold.
    expect(t(event('pane.output', { text: 'x' }, 'tests', '%3'))).toBe(false);
  });
  it('matches a pane by name or id', () => {
    const t = compileMatch({ pane: '%3' }, undefined, 'h');
    expect(t(event('pane.idle', {}, 'tests', '%3'))).toBe(true);
  });
  it('reads the command of pane.send.before from its text, and the origin', () => {
    const t = compileMatch({ command: 'rm\\s+-rf\\s+/', origin: '^agent:' }, undefined, 'h');
    expect(t(event('pane.send.before', { text: 'rm -rf / --no-preserve-root', enter: true, origin: 'agent:7' }))).toBe(true);
    expect(t(event('pane.send.before', { text: 'rm -rf / --no-preserve-root', enter: true, origin: 'cli' }))).toBe(false);
  });
  it('matches tool names and tool input commands of agent tool calls', () => {
    const t = compileMatch({ tool: 'run_command|shell', command: 'git push' }, undefined, 'h');
    expect(t(event('agent.tool.before', { tool: 'shell', input: { command: 'git push' } }))).toBe(true);
    expect(t(event('agent.tool.before', { tool: 'read_file', input: { path: 'x' } }))).toBe(false);
  });
  it('compares a bare Claude-style matcher with the tool, else the pane, else the path', () => {
    expect(compileMatch(undefined, 'Bash', 'h')(event('agent.tool.before', { tool: 'Bash', input: {} }))).toBe(true);
    expect(compileMatch(undefined, 'tests', 'h')(event('pane.idle', {}, 'tests'))).toBe(true);
    expect(compileMatch(undefined, '^src/', 'h')(event('file.changed', { root: '/r', path: 'src/a.ts', paths: ['src/a.ts'] }))).toBe(true);
  });
});
