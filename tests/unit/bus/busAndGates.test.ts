import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../host/bus/bus.js';
import { Gates, combineDecisions } from '../../../host/bus/gates.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import type { HostLogger } from '../../../host/api/hostApi.js';

function logger(): HostLogger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (m) => { errors.push(m); } };
}

function bus(log = logger()): { bus: EventBus; persisted: PicodeEvent[] } {
  const persisted: PicodeEvent[] = [];
  const b = new EventBus('s', 41, (pane) => (pane === '%1' ? { window: '@2', name: 'shell' } : undefined), (e) => persisted.push(e), log);
  return { bus: b, persisted };
}

describe('event bus', () => {
  it('fills the envelope, persists every event and numbers them from the first id', () => {
    const { bus: b, persisted } = bus();
    const e = b.emit({ type: 'pane.output', pane: '%1', data: { text: 'x' } });
    expect(e).toMatchObject({ id: 41, type: 'pane.output', session: 's', window: '@2', pane: '%1', paneName: 'shell', data: { text: 'x' } });
    expect(b.emit({ type: 'session.stopped', data: {} }).id).toBe(42);
    expect(persisted.map((p) => p.id)).toEqual([41, 42]);
    expect(b.lastId).toBe(42);
  });

  it('delivers after emit returns, in order, by type prefix and by pane id or name', async () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    b.subscribe({ types: ['pane.*'] }, (e) => seen.push(`prefix:${e.type}`));
    b.subscribe({ pane: 'shell' }, (e) => seen.push(`name:${e.type}`));
    b.subscribe({ types: ['command.finished'], pane: '%1' }, (e) => seen.push(`exact:${e.type}`));
    b.emit({ type: 'pane.output', pane: '%1', data: {} });
    b.emit({ type: 'command.finished', pane: '%1', data: {} });
    b.emit({ type: 'pane.opened', pane: '%9', data: {} });
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([
      'prefix:pane.output', 'name:pane.output',
      'name:command.finished', 'exact:command.finished',
      'prefix:pane.opened',
    ]);
  });

  it('contains a throwing subscriber and stops delivering after unsubscribe', async () => {
    const log = logger();
    const { bus: b } = bus(log);
    const seen: number[] = [];
    b.subscribe({}, () => { throw new Error('boom'); });
    const off = b.subscribe({}, (e) => seen.push(e.id));
    b.emit({ type: 'a', data: null });
    await Promise.resolve();
    off();
    b.emit({ type: 'b', data: null });
    await Promise.resolve();
    expect(seen).toEqual([41]);
    expect(log.errors).toEqual(['an event subscriber failed', 'an event subscriber failed']);
  });
});

describe('gates', () => {
  it('combines decisions: deny beats ask beats allow, no answer is allow', () => {
    expect(combineDecisions([undefined, { decision: 'allow' }], { t: 1 })).toEqual({ decision: 'allow', data: { t: 1 } });
    expect(combineDecisions([{ decision: 'ask', reason: 'check' }, { decision: 'allow' }], 0)).toMatchObject({ decision: 'ask', reason: 'check' });
    expect(combineDecisions([{ decision: 'ask', reason: 'a' }, { decision: 'deny', reason: 'd' }, { decision: 'deny', reason: 'e' }], 0))
      .toMatchObject({ decision: 'deny', reason: 'd; e' });
  });

  it('merges updates in registration order and joins added context (the one verdict rule)', () => {
    const r = combineDecisions([
      { decision: 'allow', updatedData: { text: 'first', extra: 1 }, additionalContext: 'one' },
      { decision: 'allow', updatedData: { text: 'second' }, additionalContext: 'two' },
    ], { text: 'original', enter: true });
    const data = { text: 'second', extra: 1, enter: true };
    expect(r).toEqual({ decision: 'allow', data, updatedData: data, additionalContext: 'one\n\ntwo' });
  });

  it('drops every update when a gate denies', () => {
    const original = { text: 'original' };
    const r = combineDecisions([{ decision: 'allow', updatedData: { text: 'changed' } }, { decision: 'deny', reason: 'no' }], original);
    expect(r).toEqual({ decision: 'deny', reason: 'no', data: original });
  });

  it('emits the blocking event, asks every gate, and a failing gate denies', async () => {
    const log = logger();
    const { bus: b, persisted } = bus(log);
    const gates = new Gates(b, log);
    const asked: string[] = [];
    gates.register('ok', async (e) => { asked.push(`ok:${e.type}`); return { decision: 'allow' }; });
    const off = gates.register('broken', async () => { throw new Error('policy crashed'); });
    const denied = await gates.pass({ type: 'pane.send.before', pane: '%1', data: { text: 'rm -rf /', enter: true, origin: 'cli' } });
    expect(persisted.at(-1)).toMatchObject({ type: 'pane.send.before', pane: '%1', paneName: 'shell' });
    expect(asked).toEqual(['ok:pane.send.before']);
    expect(denied).toMatchObject({ decision: 'deny', reason: 'gate broken failed: policy crashed' });
    expect(log.errors).toEqual(['gate broken failed']);
    off();
    expect((await gates.pass({ type: 'pane.send.before', data: {} })).decision).toBe('allow');
  });
});
