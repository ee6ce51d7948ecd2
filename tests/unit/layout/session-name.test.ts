import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayoutDetailed } from '../../../host/layout/load.js';
import { sessionNameFrom, sessionNameProblem } from '../../../host/layout/sessionName.js';
import { compareBuilt } from '../../../host/mux/tmux/tmux.js';
import type { PaneInfo } from '../../../host/mux/types.js';

describe('session names tmux would read as targets', () => {
  it.each([
    ['$1', /starts with "\$", which tmux reads as a session id/],
    ['@dev', /starts with "@", which tmux reads as a window id/],
    ['%0', /starts with "%", which tmux reads as a pane id/],
    ['a.b', /contains "\.", which tmux reserves/],
    ['a:b', /contains ":", which tmux reserves/],
    ['two\nlines', /"two\\nlines" contains a control character \(U\+000A\)/],
    ['tab\there', /control character \(U\+0009\)/],
    ['', /cannot be empty/],
  ])('refuses %j', (name, message) => {
    expect(sessionNameProblem(name)).toMatch(message);
  });

  it.each(['dev', 'my project', 'co_x', 'a$b', 'x@y', 'ünïcode', '-dash'])('accepts %j', (name) => {
    expect(sessionNameProblem(name)).toBeUndefined();
  });

  it('derives a usable name from a file name', () => {
    expect(sessionNameFrom('my.project')).toBe('my_project');
    expect(sessionNameFrom('$HOME')).toBe('_HOME');
    expect(sessionNameProblem(sessionNameFrom('%a.b:c\n'))).toBeUndefined();
  });
});

describe('verifying a build', () => {
  const pane = (windowId: string): PaneInfo => ({
    id: '%0', name: undefined, windowId, windowName: '', index: 0, width: 1, height: 1, active: false, command: '', cwd: '', pid: undefined, dead: false,
  });
  it('accepts what the layout asked for and names what differs', () => {
    expect(compareBuilt([2, 1], [pane('@1'), pane('@1'), pane('@2')])).toBeUndefined();
    expect(compareBuilt([2, 1], [pane('@1'), pane('@1')])).toBe('1 window(s) instead of 2');
    expect(compareBuilt([2, 2], [pane('@1'), pane('@1'), pane('@2')])).toBe('window 2 has 1 pane(s) instead of 2');
  });
});

describe('imported session names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'picode-names-'));
  const load = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return loadLayoutDetailed(file, { cwd: dir, env: { HOME: dir } });
  };
  it('a tmuxp session_name tmux would read as a target is refused at its line', async () => {
    await expect(load('t.yaml', 'windows:\n  - panes: [ls]\nsession_name: "@w"\n')).rejects.toThrow(/t\.yaml:3: session_name: "@w" starts with "@", which tmux reads as a window id/);
  });
  it('a tmuxinator name too (dots become underscores, as tmuxinator does)', async () => {
    await expect(load('n.yml', 'name: "%p"\nroot: .\nwindows:\n  - a: ls\n')).rejects.toThrow(/n\.yml:1: name: "%p" starts with "%"/);
    expect((await load('m.yml', 'name: my.proj\nroot: .\nwindows:\n  - a: ls\n')).spec.name).toBe('my_proj');
  });
});
