import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostClient } from '../../../host/ipc/client.js';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import { until, workspace } from './workspace.js';

/**
 * The `ask` action and an `llm.request` shell hook in a real host, against the fake LLM server
 * (real SDK, loopback): a user event asks the model; before the request leaves, a shell hook
 * masks a secret through Claude Code's `updatedInput`; the answer comes back as a notification.
 */
const ws = workspace('llm', { OPENAI_API_KEY: 'sk-test-hooks-0123456789abcdefghijklmn' });
const project = ws.project;
let fake: FakeLlm;
let client: HostClient;

// Replaces SECRET-... in the last message with [masked] and hands the messages back.
const maskHook = `node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const input = JSON.parse(s);
  const messages = input.data.messages.map((m) => ({ ...m, content: m.content.replace(/SECRET-[0-9]+/g, "[masked]") }));
  process.stdout.write(JSON.stringify({ hookSpecificOutput: { permissionDecision: "allow", updatedInput: { messages } } }));
});'`;

beforeAll(async () => {
  fake = await startFakeLlm();
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'layout.yaml'), 'name: llmhooks\nwindows:\n  - panes:\n      - name: shell\n');
  writeFileSync(join(project, 'picode.config.yaml'), [
    'providers:',
    `  openai: { baseUrl: "${fake.openaiBaseUrl}" }`,
    'models: openai:gpt-4.1-mini',
    'hooks:',
    '  - name: mask',
    '    event: llm.request',
    `    command: ${JSON.stringify(maskHook)}`,
    '  - name: question',
    '    event: user.question',
    "    ask: { prompt: 'What does {{data.code}} mean?' }",
  ].join('\n'));
  client = await ws.up(join(project, 'layout.yaml'));
});

afterAll(async () => {
  await ws.dispose();
  await fake?.close();
});

describe('hooks and the LLM service in a real host', () => {
  it('ask: the question goes out through the llm.request hook (secret masked) and the answer comes back as a notification', async () => {
    fake.enqueue(reply.text('It is the answer.'));
    await client.call('events.emit', { name: 'question', data: { code: 'SECRET-42' } });
    const note = await until('the answer', async () => {
      const notes = await client.call<Array<{ data: { message: string; source: string } }>>('events.list', { types: ['notification'] });
      return notes.find((n) => n.data.source === 'hook:question');
    });
    expect(note.data.message).toBe('It is the answer.');
    const sent = JSON.stringify(fake.requests[0]!.body.messages);
    expect(sent).toContain('What does [masked] mean?');
    expect(sent).not.toContain('SECRET-42');
    const runs = await client.call<Array<{ hook: string; outcome: string; decision?: string; output: string }>>('hooks.log', {});
    expect(runs.find((r) => r.hook === 'mask')).toMatchObject({ outcome: 'ok', decision: 'allow' });
    expect(runs.find((r) => r.hook === 'question')).toMatchObject({ outcome: 'ok', output: 'It is the answer.' });
  });
});
