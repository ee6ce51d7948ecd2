import { describe, expect, it } from 'vitest';
import { applyUpdate, combineVerdicts } from '../../../host/bus/verdicts.js';

/** The one verdict rule (host/bus/verdicts.ts, docs/hooks.md "Blocking events and decisions"). */
describe('the verdict rule', () => {
  it('abstains when no verdict says anything', () => {
    expect(combineVerdicts([undefined, {}, { reason: 'no decision' }], { x: 1 })).toBeUndefined();
  });

  it.each([
    [['allow'], 'allow'],
    [['ask', 'allow'], 'ask'],
    [['allow', 'deny', 'ask'], 'deny'],
    [['deny', 'allow'], 'deny'],
  ] as const)('%j -> %s: deny beats ask beats allow, whatever the order', (decisions, expected) => {
    expect(combineVerdicts(decisions.map((decision) => ({ decision })), {})!.decision).toBe(expected);
  });

  it('keeps the reasons of the winning level only, in order', () => {
    const out = combineVerdicts([
      { decision: 'deny', reason: 'first' }, { decision: 'allow', reason: 'fine' }, { decision: 'deny', reason: 'second' },
    ], {});
    expect(out!.reason).toBe('first; second');
  });

  it('composes updates in order: shallow merge, the later one winning on a shared key', () => {
    const out = combineVerdicts([
      { updatedData: { text: 'a', extra: 1 } },
      { decision: 'allow', updatedData: { text: 'b' } },
    ], { text: 'original', enter: true });
    expect(out).toEqual({
      decision: 'allow',
      data: { text: 'b', extra: 1, enter: true },
      updatedData: { text: 'b', extra: 1, enter: true },
    });
  });

  it('replaces data that is not an object, and an object with a non-object', () => {
    expect(combineVerdicts([{ updatedData: 'new' }], 'old')!.data).toBe('new');
    expect(applyUpdate({ a: 1 }, ['x'])).toEqual(['x']);
  });

  it('deny wins and drops every update, whatever the order', () => {
    const data = { text: 'original' };
    for (const verdicts of [
      [{ updatedData: { text: 'changed' } }, { decision: 'deny' as const, reason: 'no' }],
      [{ decision: 'deny' as const, reason: 'no' }, { decision: 'allow' as const, updatedData: { text: 'changed' } }],
    ]) {
      const out = combineVerdicts(verdicts, data);
      expect(out).toEqual({ decision: 'deny', reason: 'no', data });
      expect(out!.data).toBe(data);
    }
  });

  it('keeps updates on ask (the person asked sees the updated data)', () => {
    const out = combineVerdicts([{ decision: 'ask', reason: 'check' }, { updatedData: { text: 'redacted' } }], { text: 'secret' });
    expect(out).toEqual({ decision: 'ask', reason: 'check', data: { text: 'redacted' }, updatedData: { text: 'redacted' } });
  });

  it('joins additional context in order, separated by a blank line; context alone is an allow', () => {
    const out = combineVerdicts([{ additionalContext: 'one' }, undefined, { additionalContext: 'two' }], {});
    expect(out).toEqual({ decision: 'allow', additionalContext: 'one\n\ntwo', data: {} });
  });
});
