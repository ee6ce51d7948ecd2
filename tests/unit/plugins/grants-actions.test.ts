import { describe, expect, it } from 'vitest';
import { checkActions, checkContextItems } from '../../../host/plugins/host/actions.js';
import { checkGrants, effectiveGrants, requiredPermissions } from '../../../host/plugins/host/grants.js';
import { PicodeError } from '../../../host/core/errors.js';

describe('grants', () => {
  it('combines shipped defaults, config grants and stored grant/revoke overrides', () => {
    const stored = new Map([['panes-read', false], ['kv', true]]);
    expect([...effectiveGrants('pane-errors', { grants: ['notify'] }, stored, true)].sort()).toEqual(['kv', 'log', 'notify']);
    // A user plugin with the same name as a shipped one gets no shipped defaults.
    expect([...effectiveGrants('pane-errors', undefined, new Map(), false)]).toEqual([]);
  });

  it('maps imports to permissions and refuses WASI or unknown imports', () => {
    expect(requiredPermissions('p', ['picode:plugin/log@0.1.0', 'picode:plugin/fs-read', 'picode:plugin/types@0.1.0'])).toEqual(['log', 'fs-read']);
    expect(() => requiredPermissions('p', ['wasi:filesystem/types@0.2.3'])).toThrow(/plugin p imports wasi:filesystem\/types@0.2.3/);
    expect(() => requiredPermissions('p', ['acme:evil/net'])).toThrow(PicodeError);
  });

  it('names the plugin, the missing permissions and the command that grants them', () => {
    let error: PicodeError | undefined;
    try {
      checkGrants('greedy', ['picode:plugin/log', 'picode:plugin/llm', 'picode:plugin/panes-write'], new Set(['log']));
    } catch (e) {
      error = e as PicodeError;
    }
    expect(error?.message).toBe('plugin greedy needs permissions llm, panes-write, which are not granted: it was not started');
    expect(error?.hint).toContain('picode plugin grant greedy llm panes-write');
    expect(checkGrants('ok', ['picode:plugin/log'], new Set(['log', 'kv']))).toEqual(['log']);
  });
});

describe('checking actions', () => {
  const all = new Set(['log', 'panes-write', 'notify'] as const);

  it('passes well-formed actions and refuses pane actions without panes-write', () => {
    const actions = [
      { tag: 'notify', val: { level: 'info', title: 't', body: 'b' } },
      { tag: 'send-text', val: { pane: '%1', text: 'ls', enter: true } },
      { tag: 'emit', val: { type: 'diagnostic', data: '{"severity":"error"}' } },
      { tag: 'set-status', val: 'x'.repeat(500) },
    ];
    const ok = checkActions(actions, all, 10);
    expect(ok.rejected).toEqual([]);
    expect((ok.actions[3]!.val as string).length).toBe(200);
    const noWrite = checkActions(actions, new Set(['log'] as const), 10);
    expect(noWrite.rejected.map((r) => r.reason)).toEqual(['needs permission notify', 'needs permission panes-write']);
  });

  it('refuses malformed payloads one by one', () => {
    const { actions, rejected } = checkActions([
      null,
      { tag: 'emit', val: { type: 'pane.output', data: '{}' } },
      { tag: 'emit', val: { type: 'plugin.x', data: '{oops' } },
      { tag: 'send-keys', val: { pane: '%1', keys: ['C-c', 5] } },
      { tag: 'decide', val: { verdict: 'maybe' } },
      { tag: 'add-context', val: { source: 's', title: 't', content: 'c', priority: 900 } },
      { tag: 'teleport', val: {} },
      { tag: 'emit', val: { type: 'user.deploy', data: '{"env":"prod"}' } },
    ], all, 10);
    expect(actions.map((a) => a.tag)).toEqual(['emit']);
    expect(rejected).toHaveLength(7);
    expect(rejected[1]!.reason).toContain('not allowed');
  });

  it('cuts a flood at maxActions', () => {
    const flood = Array.from({ length: 50 }, (_, i) => ({ tag: 'set-status', val: String(i) }));
    const { actions, rejected } = checkActions(flood, all, 5);
    expect(actions).toHaveLength(5);
    expect(rejected).toHaveLength(45);
  });

  it('trims context items to the budget, highest priority first, and prefixes the source', () => {
    const { items, rejected } = checkContextItems([
      { source: 'low', title: 'l', content: 'x'.repeat(400), priority: 10 },
      { source: 'p:high', title: 'h', content: 'y'.repeat(300), priority: 90 },
      { source: 'bad', title: 'b', content: 3, priority: 1 },
    ], 'p', 100);
    expect(rejected).toBe(1);
    expect(items.map((i) => i.source)).toEqual(['p:high', 'p:low']);
    expect(items.reduce((n, i) => n + i.content.length, 0)).toBeLessThanOrEqual(400);
    expect(items[1]!.content).toContain('[... trimmed]');
  });
});
