import { describe, expect, it } from 'vitest';
import { combineVerdicts, type RankedVerdict } from '../../../host/hooks/decisions.js';

const v = (hook: string, order: number, verdict: RankedVerdict['verdict']): RankedVerdict => ({ hook, order, verdict });

describe('combining verdicts of blocking hooks', () => {
  it('abstains when no hook has an opinion', () => {
    expect(combineVerdicts([v('a', 0, undefined), v('b', 1, {})], { x: 1 })).toBeUndefined();
  });

  const precedence: Array<[string[], string]> = [
    [['allow'], 'allow'],
    [['allow', 'ask'], 'ask'],
    [['ask', 'allow'], 'ask'],
    [['allow', 'deny', 'ask'], 'deny'],
    [['deny', 'allow'], 'deny'],
    [['ask', 'ask'], 'ask'],
  ];
  it.each(precedence)('%j -> %s (deny beats ask beats allow, whatever the order)', (decisions, expected) => {
    const verdicts = decisions.map((d, i) => v(`h${i}`, i, { decision: d as 'allow' | 'ask' | 'deny', reason: `r${i}` }));
    expect(combineVerdicts(verdicts, {})!.decision).toBe(expected);
  });

  it('gives the reasons of the winning level, prefixed with hook names, in hook order', () => {
    const out = combineVerdicts([
      v('late', 5, { decision: 'deny', reason: 'second' }),
      v('early', 1, { decision: 'deny', reason: 'first' }),
      v('ok', 0, { decision: 'allow', reason: 'fine' }),
    ], {});
    expect(out!.reason).toBe('early: first; late: second');
  });

  it('applies modifications in hook order, later hooks winning on the same key', () => {
    const out = combineVerdicts([
      v('b', 2, { decision: 'allow', updatedData: { text: 'from b' } }),
      v('a', 1, { updatedData: { text: 'from a', extra: 1 } }),
    ], { text: 'original', enter: true });
    expect(out!.data).toEqual({ text: 'from b', extra: 1, enter: true });
    expect(out!.updatedData).toEqual(out!.data);
    expect(out!.decision).toBe('allow');
  });

  it('keeps no modification when the event is denied', () => {
    const data = { text: 'original' };
    const out = combineVerdicts([
      v('a', 0, { updatedData: { text: 'changed' } }),
      v('b', 1, { decision: 'deny', reason: 'no' }),
    ], data);
    expect(out!.decision).toBe('deny');
    expect(out!.data).toBe(data);
    expect(out!.updatedData).toBeUndefined();
  });

  it('replaces non-object data wholesale', () => {
    expect(combineVerdicts([v('a', 0, { updatedData: 'new' })], 'old')!.data).toBe('new');
  });

  it('joins additional context in hook order and caps each at 10,000 characters', () => {
    const out = combineVerdicts([
      v('b', 1, { additionalContext: 'second' }),
      v('a', 0, { additionalContext: 'x'.repeat(20_000) }),
    ], {});
    const parts = out!.additionalContext!.split('\n\n');
    expect(parts[0]!.length).toBe(10_000);
    expect(parts[1]).toBe('second');
    expect(out!.decision).toBe('allow');
  });
});
