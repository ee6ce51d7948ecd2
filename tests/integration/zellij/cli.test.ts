import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { startFakeZellij, type FakeZellij } from '../../fixtures/zellij/harness.js';

/**
 * picode's CLI (compiled dist/, as users run it) on Zellij, through the contract-checking fake
 * `zellij`: `picode up` with `mux: zellij`, the host attached through the Zellij observer and
 * the IPC commands (panes, capture, send, keys, run, events) against it, `picode down`;
 * `picode layout convert`; `picode doctor`'s Zellij checks.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'bin', 'picode.js');
let fake: FakeZellij;
let work: string;

beforeEach(() => {
  fake = startFakeZellij();
  work = join(fake.home, 'work');
  mkdirSync(join(fake.env.XDG_CONFIG_HOME!, 'picode'), { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(fake.env.XDG_CONFIG_HOME!, 'picode', 'config.yaml'), 'mux: zellij\n');
});

afterEach(() => {
  const violations = fake.violations();
  fake.cleanup();
  expect(violations).toEqual([]);
});

function picode(args: string[], options: { allowFail?: boolean } = {}): { stdout: string; stderr: string; status: number } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, env: fake.env, encoding: 'utf8', timeout: 60_000 });
  if (!options.allowFail && result.status !== 0) throw new Error(`picode ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

/** Processes still running for this test's fake state (host, subscribe): there must be none at the end. */
function leftovers(session: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`--session ${session}`) && (l.includes('picode.js host') || l.includes('subscribe')));
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('picode on Zellij (CLI, host and IPC through the fake zellij)', () => {
  it('launches with mux: zellij; picode panes, send, capture, keys, run and events work on it; down stops it', async () => {
    const session = `zj${process.pid}`;
    writeFileSync(join(work, `${session}.kdl`), [
      'layout {',
      '    pane size=1 borderless=true {',
      '        plugin location="tab-bar"',
      '    }',
      '    pane split_direction="vertical" {',
      '        pane name="shell" focus=true',
      '        pane name="side"',
      '    }',
      '}',
      '',
    ].join('\n'));
    const up = picode(['up', `${session}.kdl`, '--detach', '--json']);
    const launched = JSON.parse(up.stdout) as { session: string; format: string; panes: Array<{ id: string; name: string }> };
    expect(launched).toMatchObject({ session, format: 'zellij' });
    expect(launched.panes.map((p) => [p.id, p.name])).toEqual([['terminal_0', 'shell'], ['terminal_1', 'side']]);
    expect(fake.calls().find((c) => c.argv[0] === 'attach')!.argv).toEqual(
      ['attach', '--create-background', session, 'options', '--default-layout', join(work, `${session}.kdl`)]);

    // The IPC commands, as a user runs them, against the host following Zellij.
    const panes = await waitFor('the host and its panes', () => {
      const listed = picode(['panes', '--session', session, '--json'], { allowFail: true });
      if (listed.status !== 0) return undefined;
      const list = JSON.parse(listed.stdout) as Array<{ id: string; name: string }>;
      return list.length === 2 ? list : undefined;
    });
    expect(panes.map((p) => [p.id, p.name])).toEqual([['terminal_0', 'shell'], ['terminal_1', 'side']]);

    picode(['send', 'shell', 'echo from-cli', '--enter', '--session', session]);
    expect(picode(['capture', 'shell', '--session', session]).stdout).toContain('$ echo from-cli\nfrom-cli\n$');

    picode(['send', 'terminal_0', 'sleep 5', '--session', session]);
    picode(['keys', 'shell', 'C-c', '--session', session]);
    expect(fake.calls().map((c) => c.argv.slice(2).join(' '))).toContain('action write --pane-id terminal_0 3');

    // run: its OSC 133 marks travel as visible tokens and come back as marks, exit code included.
    const run = picode(['run', 'side', '--session', session, '--', 'echo zellij-run; false'], { allowFail: true });
    expect(run.stdout).toContain('zellij-run');
    expect(run.status).toBe(1);
    expect(picode(['run', 'side', '--session', session, '--', 'echo', 'second run']).stdout).toContain('second run');

    const events = await waitFor('pane.output events', () => {
      const listed = picode(['events', '--session', session, '--json'], { allowFail: true });
      const list = listed.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; pane?: string; data: { text?: string } });
      const text = list.filter((e) => e.type === 'pane.output' && e.pane === 'terminal_0').map((e) => e.data.text).join('');
      return text.includes('from-cli') ? list : undefined;
    });
    expect(events.some((e) => e.type === 'pane.opened' && e.pane === 'terminal_1')).toBe(true);
    expect(events.some((e) => e.type === 'command.finished')).toBe(true);

    picode(['down', '--session', session]);
    expect(fake.calls().some((c) => c.argv.join(' ') === `delete-session --force ${session}`)).toBe(true);
    await waitFor('no host or subscribe left', () => (leftovers(session).length === 0 ? true : undefined));
  }, 240_000); // A long scenario through a Node fake of zellij: generous on a loaded machine.

  it('launches a picode layout with up --mux zellij (no config), written as KDL, and down deletes it', () => {
    rmSync(join(fake.env.XDG_CONFIG_HOME!, 'picode', 'config.yaml'));
    writeFileSync(join(work, 'pair.yaml'), [
      'name: pair',
      'windows:',
      '  - name: main',
      '    split: column',
      '    panes:',
      '      - { name: top, size: 30% }',
      '      - { name: bottom, command: [sh, -c, "echo hi"], onExit: hold }',
    ].join('\n'));
    const env = { ...fake.env, PICODE_NO_HOST: '1' };
    const up = spawnSync(process.execPath, [bin, 'up', 'pair.yaml', '--mux', 'zellij', '--detach'], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
    expect(up.status).toBe(0);
    expect(up.stderr).toContain('attach with: zellij attach pair');
    const attach = fake.calls().find((c) => c.argv[0] === 'attach')!;
    expect(attach.argv.slice(0, 5)).toEqual(['attach', '--create-background', 'pair', 'options', '--default-layout']);
    expect(attach.argv[5]).toBe(join(fake.home, 'zellij', 'pair.kdl'));
    const kdl = readFileSync(attach.argv[5]!, 'utf8');
    expect(kdl).toContain('tab name="main" split_direction="horizontal" {');
    expect(kdl).toContain('pane name="bottom" command="sh"');

    const bad = spawnSync(process.execPath, [bin, 'up', 'pair.yaml', '--mux', 'screen', '--detach'], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--mux screen');

    picode(['down', '--session', 'pair']);
    expect(fake.calls().some((c) => c.argv.join(' ') === 'delete-session --force pair')).toBe(true);
  });

  it('converts layouts both ways with picode layout convert', () => {
    writeFileSync(join(work, 'dev.yaml'), [
      'name: dev',
      'windows:',
      '  - name: main',
      '    split: row',
      '    panes:',
      '      - { name: shell, focus: true, size: 60% }',
      '      - { name: logs, command: [tail, -f, app.log], onExit: close }',
    ].join('\n'));
    const toKdl = picode(['layout', 'convert', 'dev.yaml', '--to', 'kdl', '-o', 'dev.kdl']);
    expect(toKdl.stderr).toContain('wrote');
    const kdl = readFileSync(join(work, 'dev.kdl'), 'utf8');
    parseKdlV1(kdl);
    expect(kdl).toContain('tab name="main" split_direction="vertical" {');
    expect(kdl).toContain('pane name="logs" command="tail" close_on_exit=true {');

    const again = picode(['layout', 'convert', 'dev.yaml', '--to', 'kdl', '-o', 'dev.kdl'], { allowFail: true });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(again.stderr).toContain('--force');

    const back = picode(['layout', 'convert', 'dev.kdl', '--to', 'picode']);
    expect(back.stdout).toContain('name: dev');
    expect(back.stdout).toMatch(/- name: logs\n\s+command:\n\s+- tail\n\s+- -f\n\s+- app.log\n\s+onExit: close/);
    expect(back.stderr).toContain('plugin pane tab-bar');

    const bad = picode(['layout', 'convert', 'dev.yaml', '--to', 'yaml'], { allowFail: true });
    expect(bad.status).toBe(2);
  });

  it("reports Zellij in picode doctor: installed, too old, missing", () => {
    const check = (env: NodeJS.ProcessEnv) => {
      const result = spawnSync(process.execPath, [bin, 'doctor', '--json'], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
      const checks = JSON.parse(result.stdout) as Array<{ name: string; status: string; detail: string }>;
      return checks.find((c) => c.name === 'zellij')!;
    };
    expect(check(fake.env)).toMatchObject({ status: 'ok', detail: 'zellij 0.45.0' });
    const old = join(fake.home, 'old-zellij');
    writeFileSync(old, '#!/bin/sh\necho "zellij 0.40.1"\n');
    chmodSync(old, 0o755);
    expect(check({ ...fake.env, PICODE_ZELLIJ_BINARY: old })).toMatchObject({ status: 'warn' });
    expect(check({ ...fake.env, PICODE_ZELLIJ_BINARY: join(fake.home, 'none') })).toMatchObject({ status: 'missing' });
    expect(existsSync(old)).toBe(true);
  });
});
