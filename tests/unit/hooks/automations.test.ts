import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../../host/config/schema.js';
import { HookEngine } from '../../../host/hooks/engine.js';
import { fakeServices, makeEvent } from './fakes.js';

const dir = join(import.meta.dirname, '../../../layouts/automations');
const config = configSchema.parse(parse(readFileSync(join(dir, 'picode.config.yaml'), 'utf8')));
const blocking = new Set(['pane.send.before', 'agent.tool.before', 'llm.request']);

function engine() {
  const services = fakeServices();
  const rows: Array<Record<string, unknown>> = [];
  const e = new HookEngine({ hooks: config.hooks, limits: config.hookLimits, services, blockingTypes: blocking, runLog: { record: (r) => rows.push(r as unknown as Record<string, unknown>) } });
  return { e, services, rows };
}

describe('the shipped automations config', () => {
  it('is a valid picode config with the documented hooks', () => {
    expect(config.hooks.map((h) => h.name)).toEqual(['test-on-save', 'test-failure', 'fix-plan-on-failure', 'guard', 'guard-agent-tools', 'tests-after-agent', 'test-failure-to-agent']);
    expect(config.watch.paths).toEqual(['src/**']);
  });

  it('test on save: a change under src/ runs the tests in pane tests; other changes do not', async () => {
    const { e, services } = engine();
    e.dispatch(makeEvent('file.changed', { root: '/p', path: 'docs/x.md', paths: ['docs/x.md'], count: 1 }));
    e.dispatch(makeEvent('file.changed', { root: '/p', path: 'src/a.ts', paths: ['src/a.ts'], count: 1 }));
    await e.idle();
    expect(services.runs).toEqual([{ pane: 'tests', command: 'npm test', origin: 'hook:test-on-save' }]);
  });

  it('a failure in pane tests notifies with the failing output and asks for a plan', async () => {
    const { e, services, rows } = engine();
    e.dispatch(makeEvent('command.finished', { command: 'npm test', exitCode: 0, outputTail: 'ok' }, { pane: '%1', paneName: 'tests' }));
    e.dispatch(makeEvent('command.finished', { command: 'npm test', exitCode: 1, outputTail: 'FAIL src/a.test.ts' }, { pane: '%1', paneName: 'tests' }));
    await e.idle();
    const note = services.emitted.find((ev) => ev.type === 'notification');
    expect(note?.data).toMatchObject({ level: 'error', message: '`npm test` failed with exit 1', context: 'FAIL src/a.test.ts', source: 'hook:test-failure' });
    // No planner in this unit test: the run says so (end to end, the planner answers).
    expect(rows.find((r) => r.hook === 'fix-plan-on-failure')).toMatchObject({ outcome: 'unavailable' });
  });

  const dangerous = [
    'rm -rf /', 'rm -rf /*', 'sudo rm -rf / --no-preserve-root', 'rm -fr ~', 'rm -r -f $HOME', 'rm --recursive --force /',
    'cd /tmp && rm -Rf /usr', 'echo hi; rm -rf ~/', 'FOO=1 rm -rf /etc', 'chmod -R 777 /', 'mkfs.ext4 /dev/sda1',
    'dd if=/dev/zero of=/dev/sda bs=1M', "bash -c 'rm -rf /'", 'cat x > /dev/nvme0n1', ':(){ :|:& };:', 'find / -delete', 'sudo -u root rm -rf /var',
  ];
  const safe = [
    'rm -rf build', 'rm -rf ./node_modules', 'rm -rf /tmp/picode-test-1', 'rm file.txt', 'ls -la /', 'rm -f /etc/app/stale.pid',
    'echo "rm -rf is dangerous"', 'git clean -fdx', 'npm test', 'rm -rf ~/project/dist', 'dd if=a.img of=b.img',
  ];

  it.each(dangerous)('guard blocks %j sent by an agent', async (text) => {
    const { e } = engine();
    const out = await e.decide(makeEvent('pane.send.before', { text, enter: true, origin: 'agent:3' }));
    expect(out?.decision).toBe('deny');
    expect(out?.reason).toMatch(/^guard: picode guard: blocked /);
  });

  it.each(safe)('guard lets %j through', async (text) => {
    const { e } = engine();
    expect(await e.decide(makeEvent('pane.send.before', { text, enter: true, origin: 'agent:3' }))).toBeUndefined();
  });

  it('guard does not judge what the user sends from the CLI', async () => {
    const { e, rows } = engine();
    expect(await e.decide(makeEvent('pane.send.before', { text: 'rm -rf /', enter: true, origin: 'cli' }))).toBeUndefined();
    expect(rows).toHaveLength(0);
  });

  it('guard-agent-tools stops an agent\'s run_command before it runs, and only that tool', async () => {
    const { e } = engine();
    const denied = await e.decide(makeEvent('agent.tool.before', { run: 1, task: 't', tool: 'run_command', callId: 'c1', args: { command: 'rm -rf ~/' }, cwd: '/w' }));
    expect(denied).toMatchObject({ decision: 'deny' });
    expect(denied!.reason).toMatch(/^guard-agent-tools: picode guard: blocked recursive rm of ~\//);
    expect(await e.decide(makeEvent('agent.tool.before', { run: 1, task: 't', tool: 'run_command', callId: 'c2', args: { command: 'npm test' }, cwd: '/w' }))).toBeUndefined();
    expect(await e.decide(makeEvent('agent.tool.before', { run: 1, task: 't', tool: 'write_file', callId: 'c3', args: { path: 'rm -rf /' }, cwd: '/w' }))).toBeUndefined();
  });

  it('guard works as a Claude Code PreToolUse hook too (tool_input.command)', async () => {
    const e = new HookEngine({
      hooks: [{ ...config.hooks[3]!, event: 'agent.tool.before', match: undefined }],
      limits: config.hookLimits, services: fakeServices(), blockingTypes: blocking,
    });
    const out = await e.decide(makeEvent('agent.tool.before', { tool: 'Bash', input: { command: 'rm -rf ~' } }));
    expect(out?.decision).toBe('deny');
  });
});
