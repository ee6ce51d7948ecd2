import { describe, expect, it } from 'vitest';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { NotificationsArea } from '../../../host/ui/notifications.js';
import { llmStatus } from '../../../host/llm/status.js';

const note = (id: number, message: string, level = 'info'): PicodeEvent =>
  ({ id, type: 'notification', time: Date.UTC(2026, 0, 1, 12, 0, id), session: 's', data: { level, message, source: 'hook:x' } }) as unknown as PicodeEvent;

describe('the notifications area', () => {
  it('keeps the newest notifications, wrapped to the width, in a third of the body', () => {
    const area = new NotificationsArea();
    expect(area.lines({ width: 40, bodyHeight: 30 })).toEqual([]);
    for (let i = 1; i <= 5; i++) area.add(note(i, `message number ${i} ${'x'.repeat(20)}`));
    expect(area.add(note(5, 'again'))).toBe(false);
    expect(area.add({ ...note(6, 'not one'), type: 'user.ping' } as PicodeEvent)).toBe(false);
    const lines = area.lines({ width: 40, bodyHeight: 30 }).map((l) => l.text);
    expect(lines[0]).toMatch(/^── notifications ─+$/);
    expect(lines.join(' ')).toContain('message number 5');
    expect(lines.join(' ')).toContain('message number 3');
    expect(lines.join(' ')).not.toContain('message number 2');
    expect(lines.every((l) => [...l].length <= 40)).toBe(true);
  });

  it('shows the start of the newest one in a short pane', () => {
    const area = new NotificationsArea();
    area.add(note(1, 'older'));
    area.add(note(2, `the newest ${'y'.repeat(80)}`, 'warning'));
    const lines = area.lines({ width: 30, bodyHeight: 4 });
    expect(lines).toHaveLength(2);
    expect(lines[1]!.text).toBe('12:00:02 [warning] hook:x: th…');
    expect(lines[1]!.text.endsWith('…')).toBe(true);
    expect(lines[1]!.style).toBe('warn');
  });
});

describe('whether the host has a usable provider', () => {
  it('none configured nor in the environment: says so, with what would enable one', async () => {
    const status = await llmStatus('plan', {}, {});
    expect(status.usable).toBe(false);
    expect(status.problem).toContain('no LLM provider is configured or usable');
    expect(status.hint).toContain('ANTHROPIC_API_KEY');
  });

  it('a configured model whose key is not in the host\'s environment names the key', async () => {
    const status = await llmStatus('agent', { models: 'openai:gpt-x' }, {});
    expect(status).toMatchObject({ usable: false, models: ['openai:gpt-x'] });
    expect(status.problem).toContain('openai:gpt-x needs OPENAI_API_KEY in the host\'s environment');
    expect(await llmStatus('agent', { models: 'openai:gpt-x' }, { OPENAI_API_KEY: 'k' })).toMatchObject({ usable: true });
    expect(await llmStatus('agent', { providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } } }, {})).toMatchObject({ usable: true });
  });
});

describe('a failed plan in the plan view', () => {
  it('shows the whole error, wrapped to the pane\'s width', async () => {
    const { PlanView } = await import('../../../host/ui/views/plan.js');
    const view = new PlanView('s', '/tmp', () => 0);
    const error = `no LLM provider is configured or usable. Set one of ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY, GEMINI_API_KEY (end)`;
    view.apply({ id: 1, task: 'a task', summary: '', status: 'failed', revision: 1, error, createdAt: 0, updatedAt: 0, steps: [] } as never);
    const body = view.render({ width: 50, bodyHeight: 30 }, { state: 'connected', detail: undefined }).body.map((l) => l.text);
    expect(body.every((l) => [...l].length <= 50)).toBe(true);
    expect(body.join(' ')).toContain(`failed: ${error}`);
  });
});
