import { describe, expect, it } from 'vitest';
import { ContextOrder, stableFirst, isVolatileSource } from '../../../src/context/stable.js';
import { buildAskRequest } from '../../../src/context/ask.js';
import { fitBudget } from '../../../src/context/assemble.js';
import { contextItem } from '../../../src/context/types.js';
import { planMessages } from '../../../src/plans/generate.js';

const item = (source: string, text: string, priority: number) => contextItem({ source, title: source, text, priority, keep: 'head' });

describe('context ordered for prompt caching', () => {
  it('pane output, failed commands and git state are volatile; files, file lists and plugins are not', () => {
    expect(['pane:%1', 'command:%2', 'git:status'].every(isVolatileSource)).toBe(true);
    expect(['file:a.ts', 'files', 'plugin:x'].some(isVolatileSource)).toBe(false);
  });

  it('keeps the order in which sources were first sent, whatever order (or priority) they come in later', () => {
    const order = new ContextOrder();
    expect(order.arrange([{ source: 'file:a' }, { source: 'file:b' }]).map((i) => i.source)).toEqual(['file:a', 'file:b']);
    // Next turn: b now ranks higher and a new source appears first.
    expect(order.arrange([{ source: 'file:c' }, { source: 'file:b' }, { source: 'file:a' }]).map((i) => i.source))
      .toEqual(['file:a', 'file:b', 'file:c']);
    const { stable, volatile } = stableFirst([{ source: 'pane:%1' }, { source: 'file:b' }, { source: 'file:a' }], order);
    expect(stable.map((i) => i.source)).toEqual(['file:a', 'file:b']);
    expect(volatile.map((i) => i.source)).toEqual(['pane:%1']);
  });

  it('an ask puts the files first in a stable message, pane output and the question last', () => {
    const fitted = fitBudget([item('command:%1', 'FAIL', 80), item('file:a.ts', 'const a = 1;', 70), item('pane:%2', '$ ls', 50)], 10_000);
    const request = buildAskRequest('why?', fitted);
    expect(request.messages).toHaveLength(2);
    const [stable, tail] = request.messages as ReadonlyArray<{ content: string; cache?: string }>;
    expect(stable!.cache).toBe('stable');
    expect(stable!.content).toContain('file:a.ts');
    expect(stable!.content).not.toContain('pane:%2');
    expect(tail!.cache).toBe('volatile');
    expect(tail!.content.indexOf('command:%1')).toBeLessThan(tail!.content.indexOf('why?'));
    expect(tail!.content.endsWith('why?')).toBe(true);
    // Without stable context there is only the volatile message.
    expect(buildAskRequest('hi', fitBudget([], 100)).messages).toEqual([{ role: 'user', content: 'hi', cache: 'volatile' }]);
  });

  it('a plan revision repeats the task and stable context byte for byte; the state and the feedback follow', () => {
    const context = [{ source: 'git:status', text: 'M a.ts' }, { source: 'file:package.json', text: '{"name":"x"}' }, { source: 'files', text: 'a.ts' }];
    const first = planMessages({ task: 'add retries', context });
    const revised = planMessages({
      task: 'add retries', context: [{ source: 'git:status', text: 'M a.ts\nM b.ts' }, ...context.slice(1)],
      revise: { plan: { summary: 's', steps: [] } as never, feedback: 'fewer steps' },
    });
    expect(revised[0]).toEqual(first[0]);
    expect(first[0]).toMatchObject({ cache: 'stable' });
    expect(first[0]!.content).toContain('package.json');
    expect(first[0]!.content).not.toContain('git:status');
    expect(revised[1]).toMatchObject({ cache: 'volatile' });
    expect(revised[1]!.content).toContain('M b.ts');
    expect(revised[1]!.content).toContain('fewer steps');
  });
});
