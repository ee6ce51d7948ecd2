import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostClient } from '../../../../host/ipc/client.js';
import { root, until, workspace } from '../../hooks/workspace.js';

/**
 * The shipped agent feedback loop end to end: `picode up` of layouts/automations/workspace.yaml
 * on a private tmux server, in a project that uses layouts/automations/picode.config.yaml as it
 * ships. An agent CLI (the scripted fake agent, `--with 'node agent.mjs'`, status inferred)
 * does its turn and goes quiet at its prompt; the `tests-after-agent` hook types `npm test`
 * into pane `tests`; the tests fail; `test-failure-to-agent` sends the failing output to that
 * agent, which reads it at its prompt.
 */
const fakeAgent = resolve(__dirname, '..', '..', '..', 'fixtures', 'fake-agent', 'agent.mjs');
const ws = workspace('fbloop', { FAKE_AGENT_WORK_MS: '300' });
const { project, socket, session } = ws;
let client: HostClient;

interface HookRun { hook: string; eventType: string; outcome: string; exitCode: number | null; output: string }
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: ws.env });

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  copyFileSync(join(root, 'layouts/automations/picode.config.yaml'), join(project, 'picode.config.yaml'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'feedback-e2e', private: true, scripts: { test: 'node check.mjs' } }));
  writeFileSync(join(project, 'check.mjs'), "console.log('FAIL add.test: add(2, 3) returned -1, expected 5');\nprocess.exit(1);\n");
  // A quiet spell of 2 s at its prompt is the fake agent's turn end; the shipped plugins get room on a loaded machine.
  mkdirSync(join(ws.home, 'config', 'picode'), { recursive: true });
  writeFileSync(join(ws.home, 'config', 'picode', 'config.yaml'), 'agents:\n  external:\n    idleSeconds: 2\nplugins:\n  defaults:\n    eventDeadlineMs: 10000\n');
  client = await ws.up(join(root, 'layouts/automations/workspace.yaml'));
}, 180_000);

afterAll(() => ws.dispose());

describe('the shipped agent feedback loop, end to end', () => {
  it('an agent that finishes its turn gets the failing test output typed at its prompt', async () => {
    const started = ws.picode(['agent', 'make add pass its test', '--with', `node ${fakeAgent}`, '--session', session, '--json']);
    expect(started.stderr).toBe('');
    const run = JSON.parse(started.stdout) as { id: number; pane: string; statusSource: string };
    expect(run.statusSource).toBe('inferred');

    // The failure reached the agent: its own screen shows it read the message's lines.
    const screen = await until('the failure typed into the agent pane', async () => {
      const text = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', run.pane);
      return text.includes('working on "The tests failed (`npm test`, exit 1)') && text.includes('FAIL add.test: add(2, 3) returned -1, expected 5') ? text : undefined;
    }, 180_000);
    expect(screen).toContain('answer: done with "make add pass its test"');

    // The way there: the shipped hooks each ran without error (a run is logged once its process has ended).
    const runs = await until('the hook runs logged', async () => {
      const logged = await client.call<HookRun[]>('hooks.log', { limit: 200 });
      return logged.some((r) => r.hook === 'test-failure-to-agent') ? logged : undefined;
    }, 120_000);
    expect(runs.filter((r) => r.hook === 'tests-after-agent').every((r) => r.outcome === 'ok')).toBe(true);
    expect(runs.some((r) => r.hook === 'tests-after-agent' && r.eventType === 'agent.status')).toBe(true);
    const sent = runs.find((r) => r.hook === 'test-failure-to-agent' && r.eventType === 'command.finished');
    expect(sent).toMatchObject({ outcome: 'ok', exitCode: 0 });
    expect(sent!.output).toMatch(/^sent$|queued/m);
    // The tests ran in pane `tests` and failed there.
    const finished = await client.call<Array<{ pane?: string; data: { command: string; exitCode: number } }>>('events.list', { types: ['command.finished'] });
    expect(finished.some((e) => e.data.command === 'npm test' && e.data.exitCode === 1)).toBe(true);

    await client.call('agent.stop', { run: run.id, kill: true });
  }, 240_000);
});
