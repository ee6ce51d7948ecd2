import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, bin, hostReady, newSession, until, type World } from '../host/helpers.js';

/**
 * First contact (issue 12 §9): the plan and agent views say at once, without a key press,
 * that no LLM provider is usable and what would enable one, wrapped to the pane's width
 * (not cut at 80 columns); once the config names a provider, a reload clears it.
 */
let world: World;
const session = 'nollm';
const keys = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'OLLAMA_HOST'];

beforeAll(async () => {
  world = createWorld();
  delete world.env.PICODE_HOST_NO_EXTENSIONS;
  for (const k of keys) delete world.env[k];
  writeFileSync(join(world.home, '.picoderc.json'), JSON.stringify({ hooks: [] }));
  newSession(world, session);
  world.startHost(session);
  await hostReady(world, session);
}, 60_000);

afterAll(async () => { await world?.dispose(); });

function openView(kind: 'plan' | 'agent'): string {
  return world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, '-c', world.home,
    `${process.execPath} ${bin} pane ${kind} --session ${session}`).trim();
}

describe('views without a usable LLM provider', () => {
  it('say so at once, wrapped to the pane, and stop once the config names a provider', async () => {
    const panes = { plan: openView('plan'), agent: openView('agent') };
    const width = Number(world.tmux('display-message', '-p', '-t', panes.plan, '#{pane_width}').trim());
    expect(width).toBeGreaterThan(100);
    for (const [kind, pane] of Object.entries(panes)) {
      const screen = await until(`the ${kind} view's notice`, () => {
        const text = world.tmux('capture-pane', '-p', '-t', pane);
        return text.includes('To enable one') && text.includes('No ') ? text : undefined;
      }, 60_000);
      const joined = screen.replace(/\s+/g, ' ');
      expect(joined).toContain('no LLM provider is configured or usable');
      // The whole hint is there (wrapped, nothing cut), using the pane's width.
      expect(joined).toContain('To enable one: Set one of ANTHROPIC_API_KEY');
      expect(joined).toContain('set models: "ollama:MODEL" in the picode config.');
      expect(screen).not.toContain('…');
      expect(Math.max(...screen.split('\n').map((l) => l.trimEnd().length))).toBeGreaterThan(80);
    }
    writeFileSync(join(world.home, '.picoderc.json'), JSON.stringify({
      providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } }, models: 'local:test',
    }));
    const r = await world.cli(['reload', '--session', session]);
    expect(r.code, r.stderr).toBe(0);
    for (const [kind, pane] of Object.entries(panes)) {
      await until(`the ${kind} view without the notice`, () => {
        const text = world.tmux('capture-pane', '-p', '-t', pane);
        return !text.includes('To enable one') && text.includes('No ') ? true : undefined;
      }, 60_000);
    }
  }, 180_000);
});
