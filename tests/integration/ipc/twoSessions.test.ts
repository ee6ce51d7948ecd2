import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, hostReady, newSession, until, type World } from '../host/helpers.js';

/**
 * Issue 13 §3: sessions `co x` and `co_x` on one tmux server once mapped to the same socket:
 * the second host refused to start ("another picode host is running") and `send --session
 * co_x` typed into `co x`. Each now has its own host, and each command reaches its own.
 */
let world: World;
const panes: Record<string, string> = {};

beforeAll(() => {
  world = createWorld();
  for (const name of ['co x', 'co_x']) panes[name] = newSession(world, name);
});
afterAll(async () => { await world?.dispose(); });

describe('two sessions whose names differ only in punctuation', () => {
  it('each gets its own host', async () => {
    const first = world.startHost('co x');
    const second = world.startHost('co_x');
    const [a, b] = await Promise.all([hostReady(world, 'co x'), hostReady(world, 'co_x')]);
    expect(a.pid).toBe(first.child.pid);
    expect(b.pid).toBe(second.child.pid);
    expect(second.stderr()).not.toContain('another picode host');
  });

  it('send --session co_x types into co_x, never into co x', async () => {
    const r = await world.cli(['send', '--session', 'co_x', panes['co_x']!, 'echo meant-for-co_x', '--enter']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await until('the text in co_x', () => (world.tmux('capture-pane', '-p', '-t', panes['co_x']!).includes('meant-for-co_x') ? true : undefined));
    expect(world.tmux('capture-pane', '-p', '-t', panes['co x']!)).not.toContain('meant-for-co_x');
  });
});
