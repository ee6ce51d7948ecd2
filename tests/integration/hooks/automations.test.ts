import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostClient } from '../../../host/ipc/client.js';
import { root, until, workspace } from './workspace.js';

/**
 * The shipped automations end to end: `picode up` of layouts/automations/workspace.yaml on a
 * private tmux server, in a project that uses layouts/automations/picode.config.yaml as is,
 * with the real host (compiled dist/), its hook engine, file watcher, planner and gates.
 */
const ws = workspace('auto');
const { project, socket, session } = ws;
const picode = ws.picode;
let client: HostClient;

interface Run { hook: string; eventType: string; outcome: string; exitCode: number | null; output: string; decision?: string }

const runs = () => client.call<Run[]>('hooks.log', { limit: 200 });

beforeAll(async () => {
  mkdirSync(join(project, 'src'), { recursive: true });
  copyFileSync(join(root, 'layouts/automations/picode.config.yaml'), join(project, 'picode.config.yaml'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'e2e', private: true, scripts: { test: 'node check.js' } }));
  writeFileSync(join(project, 'check.js'), [
    "const text = require('fs').readFileSync('src/value.txt', 'utf8');",
    "if (text.includes('bad')) { console.log('FAIL src/value.txt: expected good, got bad'); process.exit(1); }",
    "console.log('ok 1 value is good');",
  ].join('\n'));
  writeFileSync(join(project, 'src/value.txt'), 'good\n');
  writeFileSync(join(project, '.gitignore'), 'dist/\n');
  client = await ws.up(join(root, 'layouts/automations/workspace.yaml'), { waitForWatcher: true });
});

afterAll(() => ws.dispose());

describe('shipped automations, end to end on a private tmux server', () => {
  it('test on save: a failing save runs the tests in pane tests, notifies with the failure and asks for a fix plan', async () => {
    writeFileSync(join(project, 'src/value.txt'), 'bad\n');
    const all = await until('the failure hooks', async () => {
      const r = await runs();
      return r.some((x) => x.hook === 'test-failure') && r.some((x) => x.hook === 'fix-plan-on-failure') ? r : undefined;
    });
    const test = all.find((r) => r.hook === 'test-on-save')!;
    expect(test).toMatchObject({ eventType: 'file.changed', outcome: 'ok', exitCode: 1 });
    expect(test.output).toContain('FAIL src/value.txt');

    const notes = await client.call<Array<{ data: { level: string; context?: string; source: string } }>>('events.list', { types: ['notification'] });
    const note = notes.find((n) => n.data.source === 'hook:test-failure');
    expect(note?.data.level).toBe('error');
    expect(note?.data.context).toContain('FAIL src/value.txt: expected good, got bad');

    expect(all.find((r) => r.hook === 'fix-plan-on-failure')).toMatchObject({ eventType: 'command.finished', outcome: 'ok' });
    const plans = await client.call<Array<{ task: string }>>('plan.list');
    expect(plans.some((p) => p.task.startsWith('The tests fail (`npm test`, exit 1)'))).toBe(true);
  });

  it('test on save: fixing the file runs the tests again, and a passing run raises nothing', async () => {
    const failuresBefore = (await runs()).filter((r) => r.hook === 'test-failure').length;
    writeFileSync(join(project, 'src/value.txt'), 'good\n');
    const passing = await until('a passing test run', async () => {
      const r = (await runs()).filter((x) => x.hook === 'test-on-save' && x.exitCode === 0);
      return r.length > 0 ? r : undefined;
    });
    expect(passing[0]!.output).toContain('ok 1 value is good');
    // Give the command.finished of the passing run time to be dispatched, then check.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await runs()).filter((r) => r.hook === 'test-failure')).toHaveLength(failuresBefore);
  });

  it('guard: blocks rm -rf / sent by an agent, lets safe text through, leaves the user alone', async () => {
    await expect(client.call('panes.send', { pane: 'shell', text: 'rm -rf / --no-preserve-root', enter: false, origin: 'agent:e2e' }))
      .rejects.toThrow(/picode guard: blocked recursive rm of \//);
    await client.call('panes.send', { pane: 'shell', text: 'echo guard-let-me-through', enter: false, origin: 'agent:e2e' });
    const screen = await until('the safe text in the pane', async () => {
      const text = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', `${session}:code`], { encoding: 'utf8' });
      const panes = execFileSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_id} #{pane_title}'], { encoding: 'utf8' });
      const shell = /^(%\d+) shell$/m.exec(panes)![1]!;
      const shellText = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', shell], { encoding: 'utf8' });
      return shellText.includes('guard-let-me-through') ? shellText + text : undefined;
    });
    expect(screen).not.toContain('rm -rf /');
    const guardRuns = (await runs()).filter((r) => r.hook === 'guard');
    expect(guardRuns.map((r) => r.outcome).sort()).toEqual(['blocked', 'ok']);
    // Text from the CLI (the user) is not the guard's business: no run for it.
    await client.call('panes.send', { pane: 'shell', text: ' ', enter: false, origin: 'cli' });
    expect((await runs()).filter((r) => r.hook === 'guard')).toHaveLength(2);
  });

  it('picode emit puts a user event on the bus; picode hooks test dry-runs the shipped hooks', async () => {
    const emitted = picode(['emit', 'deploy', '--data', '{"env":"prod"}', '--session', session, '--json']);
    expect(emitted.status, emitted.stderr).toBe(0);
    const { id, type } = JSON.parse(emitted.stdout) as { id: number; type: string };
    expect(type).toBe('user.deploy');
    const events = await client.call<Array<{ id: number; data: unknown }>>('events.list', { types: ['user.deploy'] });
    expect(events.find((e) => e.id === id)?.data).toEqual({ env: 'prod' });

    const dry = picode(['hooks', 'test', 'pane.send.before', '--data', '{"text":"sudo rm -rf ~","enter":true,"origin":"agent:1"}', '--json']);
    expect(dry.status, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as { decision: { decision: string; reason: string } };
    expect(report.decision).toMatchObject({ decision: 'deny' });
    expect(report.decision.reason).toMatch(/^guard: picode guard: blocked recursive rm of ~/);

    // The same dry run asked of the running host (its loaded config).
    const hostReport = picode(['hooks', 'test', 'pane.send.before', '--host', '--session', session, '--json', '--data', '{"text":"mkfs.ext4 /dev/sda1","enter":true,"origin":"plugin:x"}']);
    expect(hostReport.status, hostReport.stderr).toBe(0);
    expect(JSON.parse(hostReport.stdout).decision).toMatchObject({ decision: 'deny' });
    const listed = picode(['hooks', 'list', '--host', '--session', session]);
    expect(listed.stdout).toMatch(/test-on-save\s+file\.changed\s+run\s+runs [1-9]/);

    const log = picode(['hooks', 'log', '--session', session, '--hook', 'guard']);
    expect(log.stdout).toMatch(/pane\.send\.before guard \(command\) blocked deny exit 2/);
  });
});
