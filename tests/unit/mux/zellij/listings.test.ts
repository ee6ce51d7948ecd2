import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalisePaneId, parsePaneList, parseSessionList, terminalPanes } from '../../../../host/mux/zellij/listings.js';

const recorded = (name: string) => readFileSync(new URL(`../../../fixtures/zellij/recorded/${name}`, import.meta.url), 'utf8');

describe('parsing what Zellij prints', () => {
  it('lists sessions from list-sessions --no-formatting, telling dead ones apart', () => {
    expect(parseSessionList(recorded('list-sessions.txt'))).toEqual([
      { name: 'work', exited: false }, { name: 'scratch', exited: false }, { name: 'old-project', exited: true },
    ]);
    // Colours (without --no-formatting) are stripped too.
    expect(parseSessionList(recorded('list-sessions-formatted.txt'))).toEqual([
      { name: 'work', exited: false }, { name: 'old-project', exited: true },
    ]);
    expect(parseSessionList('No active zellij sessions found.\n')).toEqual([]);
  });

  it('turns list-panes --json into terminal panes in tab order, leaving plugin panes out', () => {
    const panes = terminalPanes(parsePaneList(recorded('list-panes.json')));
    expect(panes).toEqual([
      { id: 'terminal_0', name: 'shell', windowId: 'tab_0', windowName: 'editor', index: 0, width: 125, height: 48, active: true,
        command: 'bash', cwd: '/home/dev/project', pid: undefined, dead: false },
      { id: 'terminal_1', name: 'logs', windowId: 'tab_0', windowName: 'editor', index: 1, width: 83, height: 48, active: false,
        command: 'tail -f /var/log/syslog', cwd: '/var/log', pid: undefined, dead: true },
      { id: 'terminal_4', name: 'htop', windowId: 'tab_3', windowName: 'monitor', index: 0, width: 210, height: 48, active: true,
        command: 'htop', cwd: '', pid: undefined, dead: false },
    ]);
  });

  it('normalises pane ids the way Zellij reads them and refuses others', () => {
    expect(normalisePaneId('3')).toBe('terminal_3');
    expect(normalisePaneId('terminal_03')).toBe('terminal_3');
    expect(normalisePaneId('plugin_2')).toBe('plugin_2');
    expect(normalisePaneId('%3')).toBeUndefined();
    expect(normalisePaneId('terminal-3')).toBeUndefined();
  });
});
