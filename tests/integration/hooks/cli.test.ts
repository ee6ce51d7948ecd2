import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `picode hooks list | test | log | docs` and `picode emit` as a user runs them, without a host. */
const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/picode.js');
const home = mkdtempSync(join(tmpdir(), 'picode-hooks-cli-'));
const project = join(home, 'project');
const env: NodeJS.ProcessEnv = {
  ...process.env, PICODE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'),
  PICODE_SESSION: '', PICODE_TMUX_SOCKET: '', TMUX: '',
};

function picode(args: string[], cwd = project) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'picode.config.yaml'), [
    'hooks:',
    '  - name: guard',
    '    event: pane.send.before',
    "    match: { command: 'rm\\s+-rf' }",
    '    command: \'echo "no rm -rf" >&2; exit 2\'',
    '  - name: tests',
    '    event: file.changed',
    "    match: { path: 'src/**' }",
    '    run: { pane: tests, command: \'npm test -- {{data.path}}\' }',
    '  - name: typo',
    '    event: file.change',
    '    notify: { message: never }',
  ].join('\n'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('picode hooks (standalone)', () => {
  it('lists the hooks of the config, warning about event types picode never emits', () => {
    const r = picode(['hooks', 'list']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/guard\s+pane\.send\.before\s+command\s+command="rm\\\\s\+-rf"/);
    expect(r.stdout).toMatch(/tests\s+file\.changed\s+run\s+path="src\/\*\*"/);
    expect(r.stderr).toContain('warning: hook typo listens to file.change, which picode never emits (did you mean file.changed?)');
  });

  it('dry-runs a blocking event: shell hooks decide, the combined decision is printed', () => {
    const r = picode(['hooks', 'test', 'pane.send.before', '--data', '{"text":"rm -rf build","enter":true,"origin":"agent:1"}']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('event pane.send.before (blocking)');
    expect(r.stdout).toMatch(/\+ guard\s+blocked -> deny: no rm -rf/);
    expect(r.stdout).toMatch(/- tests\s+not matched \(event type\)/);
    expect(r.stdout).toContain('decision: deny (guard: no rm -rf)');
  });

  it('dry-runs a non-blocking event: built-in actions are described, not performed', () => {
    const r = picode(['hooks', 'test', 'file.changed', '--data', '{"root":"/p","path":"src/a b.ts","paths":["src/a b.ts"]}', '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { blocking: boolean; hooks: Array<{ hook: string; matched: boolean; wouldDo?: string }> };
    expect(report.blocking).toBe(false);
    expect(report.hooks.find((h) => h.hook === 'tests')).toMatchObject({ matched: true, wouldDo: "run `npm test -- 'src/a b.ts'` in pane tests" });
  });

  it('refuses bad --data with the flag and a hint', () => {
    const r = picode(['hooks', 'test', 'file.changed', '--data', '{oops']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^picode: --data: not valid JSON/);
    expect(r.stderr).toContain('hint:');
  });

  it('names the config file and hook when the hooks list is invalid', () => {
    const dir = join(home, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'picode.config.yaml'), 'hooks:\n  - event: x\n    command: a\n    notify: { message: b }\n');
    const r = picode(['hooks', 'list'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(dir, 'picode.config.yaml'));
    expect(r.stderr).toContain('hooks[0]');
    expect(r.stderr).toContain('exactly one action, found command and notify');
  });

  it('shows an empty run log, then rows written by the engine', async () => {
    expect(picode(['hooks', 'log']).stdout).toContain('no hook runs recorded yet');
    const { openStore } = await import('../../../host/store/db.js');
    const { HookRunLog } = await import('../../../host/hooks/runLog.js');
    const store = openStore(join(home, 'state', 'picode.db'));
    const log = new HookRunLog(store.db);
    log.record({ session: 's1', eventId: 7, eventType: 'file.changed', hook: 'tests', action: 'run', startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), durationMs: 1234.5, outcome: 'ok', decision: undefined, reason: undefined, exitCode: 1, output: 'FAIL x', truncated: false });
    log.record({ session: 's2', eventId: 8, eventType: 'pane.send.before', hook: 'guard', action: 'command', startedAt: Date.UTC(2026, 0, 2, 3, 4, 6), durationMs: 3, outcome: 'blocked', decision: 'deny', reason: 'no rm -rf', exitCode: 2, output: '', truncated: false });
    log.flush();
    store.close();
    const all = picode(['hooks', 'log', '--output']);
    expect(all.stdout).toContain('2026-01-02 03:04:05 s1 #7 file.changed tests (run) ok exit 1 1235 ms\n    FAIL x\n');
    expect(all.stdout).toContain('s2 #8 pane.send.before guard (command) blocked deny exit 2 3 ms - no rm -rf');
    const one = JSON.parse(picode(['hooks', 'log', '--session', 's2', '--json']).stdout) as Array<{ hook: string }>;
    expect(one.map((r) => r.hook)).toEqual(['guard']);
  });

  it('checks docs/hooks.md against the catalog', () => {
    const r = picode(['hooks', 'docs', '--check', join(root, 'docs/hooks.md')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stale = join(home, 'stale.md');
    writeFileSync(stale, readFileSync(join(root, 'docs/hooks.md'), 'utf8').replace('### file.changed', '### file.changed (edited)'));
    expect(picode(['hooks', 'docs', '--check', stale]).status).toBe(1);
  });
});

describe('picode emit', () => {
  it('needs a session', () => {
    const r = picode(['emit', 'deploy']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('which session?');
  });
  it('says when no host runs for the session', () => {
    const r = picode(['--tmux-socket', 'picode-test-none', 'emit', 'deploy', '--session', 'nothing-here']);
    expect(r.status).toBe(69);
    expect(r.stderr).toContain('no picode host is running for session "nothing-here"');
  });
});
