import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS fixture (the fake zellij's validator)
import { parseArgv } from '../../../fixtures/zellij/contract.mjs';

/**
 * The validator behind the fake `zellij`: if it accepted what the real binary rejects, the
 * adapter's tests could not fail. Each rejection below is a mistake an adapter can make.
 */
const ok = (...argv: string[]) => expect(() => parseArgv(argv)).not.toThrow();
const bad = (pattern: RegExp, ...argv: string[]) => expect(() => parseArgv(argv)).toThrow(pattern);

describe('the Zellij 0.45 CLI contract checker', () => {
  it('accepts the invocations the adapter makes', () => {
    ok('--version');
    ok('list-sessions', '--no-formatting');
    ok('attach', '--create-background', 'work', 'options', '--default-layout', '/tmp/l.kdl', '--default-cwd', '/tmp');
    ok('--session', 'work', 'action', 'list-panes', '--json', '--command');
    ok('--session', 'work', 'action', 'list-tabs', '--json');
    ok('--session', 'work', 'action', 'dump-screen', '--pane-id', 'terminal_3', '--full', '--ansi');
    ok('--session', 'work', 'action', 'write-chars', '--pane-id', 'terminal_3', 'echo hi');
    ok('--session', 'work', 'action', 'write', '--pane-id', '3', '3');
    ok('--session', 'work', 'action', 'send-keys', '--pane-id', 'terminal_3', 'Ctrl Enter');
    ok('--session', 'work', 'subscribe', '--pane-id', 'terminal_1', '--pane-id', 'terminal_2', '--format', 'json');
    ok('delete-session', '--force', 'work');
    ok('-s', 'work', 'run', '--', 'htop', '-d', '10');
    ok('ac', 'switch-session', 'other');
  });

  it('rejects a global option after the subcommand', () => {
    bad(/unexpected argument '--session'/, 'action', '--session', 'work', 'list-panes');
    bad(/unexpected argument 'work'/, 'action', 'list-panes', '-s', 'work');
  });

  it('rejects unknown subcommands, actions and flags', () => {
    bad(/unrecognized subcommand 'capture-pane'/, 'capture-pane');
    bad(/unrecognized subcommand 'send-text'/, 'action', 'send-text');
    bad(/unexpected argument '--lines'/, 'action', 'dump-screen', '--lines', '10');
    bad(/requires a subcommand/, 'action');
  });

  it('checks values: enums, integers in range, booleans, pane ids', () => {
    bad(/possible values: raw, json/, 'subscribe', '--pane-id', '1', '--format', 'ndjson');
    bad(/invalid value '256'/, 'action', 'write', '256');
    bad(/invalid digit/, 'action', 'write', 'x');
    bad(/possible values: true, false/, 'run', '--pinned', 'yes', '--', 'ls');
    bad(/Malformed pane id/, 'action', 'write-chars', '--pane-id', '%3', 'x');
  });

  it('requires commands after -- and required arguments', () => {
    bad(/<COMMAND> must come after '--'/, 'run', 'htop');
    bad(/required arguments were not provided: --pane-id/, 'subscribe', '--format', 'json');
    bad(/required arguments were not provided: <CHARS>/, 'action', 'write-chars', '--pane-id', '1');
  });

  it('rejects a repeated flag unless it is repeatable', () => {
    bad(/cannot be used multiple times/, 'action', 'write', '--pane-id', '1', '--pane-id', '2', '13');
    ok('subscribe', '--pane-id', '1', '--pane-id', '2');
  });

  it('knows the gotchas: -b means --blocking for new-pane but --borderless for run', () => {
    ok('action', 'new-pane', '-b', '--', 'ls');
    bad(/a value is required for '--borderless/, 'run', '-b', '--', 'ls');
    ok('run', '-b', 'true', '--', 'ls');
  });
});
