import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { ZellijMux } from '../../../host/mux/zellij/zellij.js';
import type { MuxObservation } from '../../../host/mux/types.js';
import type { PaneSpec, SessionSpec } from '../../../host/layout/model.js';
import { startFakeZellij, type FakeZellij } from '../../fixtures/zellij/harness.js';
// @ts-expect-error plain JS fixture shared with the fake zellij
import { programOutput, updateState } from '../../fixtures/zellij/state.mjs';

/**
 * The Zellij adapter's whole surface, run against the fake `zellij`, which checks every argv
 * against Zellij 0.45's CLI contract and answers in Zellij's shapes. After each test: no
 * contract violation, every call had stdin on /dev/null and put `--session` before the
 * subcommand.
 */
let fake: FakeZellij;

beforeEach(() => {
  fake = startFakeZellij();
});

afterEach(() => {
  const violations = fake.violations();
  const calls = fake.calls();
  fake.cleanup();
  expect(violations).toEqual([]);
  for (const call of calls) {
    if (!(call.argv[0] === 'attach' && !call.argv.includes('--create-background'))) expect(call.stdin).toBe('devnull');
    const at = call.argv.indexOf('--session');
    if (at !== -1) expect(at).toBe(0);
  }
});

function pane(overrides: Partial<PaneSpec> = {}): PaneSpec {
  return {
    kind: 'pane', name: undefined, role: 'shell', command: undefined, typed: [], onExit: 'shell', cwd: '/tmp', env: {},
    focus: false, size: undefined, shellInit: false, plugin: undefined, ...overrides,
  };
}

function spec(overrides: Partial<SessionSpec> = {}): SessionSpec {
  return {
    name: 'work', cwd: '/tmp', env: {}, before: [], options: {},
    windows: [
      {
        name: 'main', cwd: '/tmp', env: {}, focus: true, tmuxLayout: undefined, options: {},
        root: {
          kind: 'split', direction: 'row', size: undefined, children: [
            pane({ name: 'shell', focus: true, size: { percent: 60 } }),
            { kind: 'split', direction: 'column', size: undefined, children: [
              pane({ name: 'plan', role: 'plan', onExit: 'hold' }),
              pane({ name: 'logs', command: ['tail', '-f', 'app.log'], onExit: 'close', env: { LOG_LEVEL: 'debug' } }),
            ] },
          ],
        },
      },
      {
        name: 'build', cwd: '/tmp', env: {}, focus: false, tmuxLayout: undefined, options: {},
        root: pane({ name: 'make', command: 'make watch 2>&1 | tee build.log', onExit: 'shell' }),
      },
    ],
    source: { format: 'picode', file: '/tmp/work.yaml' }, unsupported: [],
    ...overrides,
  };
}

const launchOptions = { session: 'work', replace: false, width: 120, height: 40 };

function mux(): ZellijMux {
  return new ZellijMux({ env: fake.env, pollMs: 50 });
}

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ZellijMux against the contract-checking fake zellij', () => {
  it('reports the version, and no sessions before any exists', async () => {
    const m = mux();
    expect(await m.version()).toBe('0.45.0');
    expect(await m.listSessions()).toEqual([]);
    expect(await m.hasSession('work')).toBe(false);
  });

  it('reports an absent zellij as not installed', async () => {
    const m = new ZellijMux({ env: { ...fake.env, PATH: '/nonexistent' } });
    expect(await m.version()).toBeUndefined();
    await expect(m.listSessions()).rejects.toThrow(/zellij is not installed/);
  });

  it('launches headless from a KDL layout and lists the panes it built', async () => {
    const m = mux();
    const result = await m.launch(spec(), launchOptions);
    expect(result.session).toBe('work');
    expect(result.panes.map((p) => p.name)).toEqual(['shell', 'plan', 'logs', 'make']);
    expect(result.panes.map((p) => p.id)).toEqual(['terminal_0', 'terminal_1', 'terminal_2', 'terminal_3']);
    expect(result.panes.map((p) => p.windowName)).toEqual(['main', 'main', 'main', 'build']);
    expect(result.panes[0]).toMatchObject({ active: true, cwd: '/tmp', index: 0, width: 80, height: 24, dead: false });
    expect(result.invocations).toBeGreaterThanOrEqual(3);

    // attach --create-background NAME options --default-layout /abs/file.kdl
    const attach = fake.calls().find((c) => c.argv[0] === 'attach')!;
    expect(attach.argv.slice(0, 5)).toEqual(['attach', '--create-background', 'work', 'options', '--default-layout']);
    const layoutFile = attach.argv[5]!;
    expect(layoutFile.startsWith(fake.home)).toBe(true);
    const doc = parseKdlV1(readFileSync(layoutFile, 'utf8'));
    const tabs = doc.nodes[0]!.children!.nodes.filter((n) => n.getName() === 'tab');
    expect(tabs.map((t) => [t.getProperty('name'), t.getProperty('split_direction') ?? null, t.getProperty('focus') ?? null]))
      .toEqual([['main', 'vertical', true], ['build', null, null]]);
    expect(await m.hasSession('work')).toBe(true);
    expect(await m.listSessions()).toEqual(['work']);
  });

  it('refuses to replace a live session unless asked, and deletes a dead one before creating', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    await expect(m.launch(spec(), launchOptions)).rejects.toThrow(/already exists/);
    const replaced = await m.launch(spec(), { ...launchOptions, replace: true });
    expect(replaced.panes).toHaveLength(4);
    expect(fake.calls().some((c) => c.argv.join(' ') === 'delete-session --force work')).toBe(true);

    // A dead (resurrectable) session of that name would be resurrected by attach: it is deleted first.
    updateState((state: { sessions: Record<string, { exited: boolean }> }) => { state.sessions.work!.exited = true; }, fake.stateDir);
    expect(await m.listSessions()).toEqual([]);
    await m.launch(spec(), launchOptions);
    expect(fake.calls().some((c) => c.argv.join(' ') === 'delete-session work')).toBe(true);
  });

  it('launches a Zellij layout file as it is written, plugins and floating panes included', async () => {
    const { writeFileSync } = await import('node:fs');
    const { importZellijLayout } = await import('../../../host/layout/importers/zellij.js');
    const file = join(fake.home, 'strider.kdl');
    writeFileSync(file, 'layout {\n    pane split_direction="vertical" {\n        pane size="20%" {\n            plugin location="strider"\n        }\n        pane name="main"\n    }\n}\n');
    const imported = importZellijLayout(readFileSync(file, 'utf8'), { file, cwd: '/tmp', env: {} });
    const result = await mux().launch(imported, { ...launchOptions, session: 'strider' });
    expect(result.panes.map((p) => p.name)).toEqual(['main']);
    const attach = fake.calls().find((c) => c.argv[0] === 'attach')!;
    expect(attach.argv).toEqual(['attach', '--create-background', 'strider', 'options', '--default-layout', file]);
  });

  it('sends text with write-chars and Enter with write 13, captures with dump-screen', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    await m.sendText('terminal_0', 'echo hello zellij', true);
    const screen = await m.capture('terminal_0');
    expect(screen).toContain('$ echo hello zellij\nhello zellij\n$');
    const calls = fake.calls().map((c) => c.argv);
    expect(calls).toContainEqual(['--session', 'work', 'action', 'write-chars', '--pane-id', 'terminal_0', 'echo hello zellij']);
    expect(calls).toContainEqual(['--session', 'work', 'action', 'write', '--pane-id', 'terminal_0', '13']);
    expect(calls).toContainEqual(['--session', 'work', 'action', 'dump-screen', '--pane-id', 'terminal_0']);
  });

  it('sends text that starts with "-" or holds control characters as bytes, never as a flag', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    await m.sendText('0', '--version', false);
    await m.sendText('terminal_0', 'a\tb', false);
    const writes = fake.calls().map((c) => c.argv).filter((a) => a.includes('write'));
    expect(writes[0]).toEqual(['--session', 'work', 'action', 'write', '--pane-id', 'terminal_0', ...[...Buffer.from('--version')].map(String)]);
    expect(writes[1]!.slice(-3)).toEqual(['97', '9', '98']);
    expect(await m.capture('terminal_0')).toContain('$ --versiona');
  });

  it('sends Ctrl-C as the byte 3 (write), arrows as bytes, and only unencodable keys through send-keys', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    await m.sendText('terminal_0', 'sleep 100', false);
    await m.sendKeys('terminal_0', ['C-c']);
    expect(await m.capture('terminal_0')).toContain('$ sleep 100^C\n$');
    await m.sendKeys('terminal_0', ['Up', 'C-Enter', 'ls', 'Enter']);
    const argvs = fake.calls().map((c) => c.argv.slice(2));
    expect(argvs).toContainEqual(['action', 'write', '--pane-id', 'terminal_0', '3']);
    expect(argvs).toContainEqual(['action', 'write', '--pane-id', 'terminal_0', '27', '91', '65']);
    expect(argvs).toContainEqual(['action', 'send-keys', '--pane-id', 'terminal_0', 'Ctrl Enter']);
    expect(argvs).toContainEqual(['action', 'write-chars', '--pane-id', 'terminal_0', 'ls']);
    await expect(m.sendKeys('%3', ['Enter'])).rejects.toThrow(/not a Zellij pane id/);
  });

  it('captures history with --full, keeping the viewport plus the requested lines', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    programOutput('work', 'terminal_0', Array.from({ length: 40 }, (_, i) => `\nline ${i}`).join(''), fake.stateDir);
    const visible = await m.capture('terminal_0');
    expect(visible).not.toContain('line 10\n');
    const withHistory = await m.capture('terminal_0', { lines: 5 });
    const lines = withHistory.trimEnd().split('\n');
    expect(lines).toHaveLength(24 + 5);
    expect(lines.at(-1)).toBe('line 39');
    expect(fake.calls().some((c) => c.argv.includes('--full'))).toBe(true);
  });

  it('kills a session with delete-session --force', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    await m.kill('work');
    expect(await m.hasSession('work')).toBe(false);
    expect(fake.calls().at(-2)?.argv ?? fake.calls().at(-1)!.argv).toBeDefined();
    expect(fake.calls().some((c) => c.argv.join(' ') === 'delete-session --force work')).toBe(true);
  });

  it('sends typed commands (imported layouts) once the shell shows its prompt', async () => {
    const m = mux();
    const withTyped = spec({ windows: [{ ...spec().windows[0]!, root: pane({ name: 'repl', typed: ['echo first', 'echo second'] }) }] });
    await m.launch(withTyped, launchOptions);
    const screen = await m.capture('terminal_0');
    expect(screen).toContain('first\n$ echo second\nsecond');
  });

  it('writes command lines through the shell, argv lists as they are, env with env K=V, roles as picode pane', async () => {
    const m = mux();
    await m.launch(spec(), launchOptions);
    const attach = fake.calls().find((c) => c.argv[0] === 'attach')!;
    const text = readFileSync(attach.argv[5]!, 'utf8');
    expect(text).toContain('pane name="logs" command="env" cwd="/tmp" close_on_exit=true {');
    expect(text).toContain('args "LOG_LEVEL=debug" "tail" "-f" "app.log"');
    expect(text).toMatch(/pane name="plan" command="[^"]+node[^"]*" cwd="\/tmp" \{\n\s+args "[^"]+bin\/picode.js" "pane" "plan" "--session" "work"/);
    expect(text).toContain('args "-c" "make watch 2>&1 | tee build.log\\nexec /bin/sh -l"');
    expect(text).toContain('plugin location="tab-bar"');
  });
});

describe('the Zellij observer', () => {
  async function launchedAndObserved() {
    const m = mux();
    await m.launch(spec(), launchOptions);
    const seen: MuxObservation[] = [];
    const observer = m.observe('work');
    await observer.start((o) => seen.push(o));
    return { m, seen, observer };
  }

  it('reports panes, focus, output diffed from viewports, closed panes and the session ending', async () => {
    const { m, seen, observer } = await launchedAndObserved();
    try {
      expect(seen.filter((o) => o.type === 'pane.opened').map((o) => o.type === 'pane.opened' && o.pane.id))
        .toEqual(['terminal_0', 'terminal_1', 'terminal_2', 'terminal_3']);
      expect(seen).toContainEqual({ type: 'pane.focused', paneId: 'terminal_0' });
      const subscribe = await waitFor('subscribe', () => fake.calls().find((c) => c.argv.includes('subscribe')));
      expect(subscribe.argv).toEqual(['--session', 'work', 'subscribe', '--pane-id', 'terminal_0', '--pane-id', 'terminal_1',
        '--pane-id', 'terminal_2', '--pane-id', 'terminal_3', '--format', 'json']);

      // Let the initial snapshots (the baseline) arrive, then the program writes.
      await new Promise((r) => setTimeout(r, 300));
      programOutput('work', 'terminal_2', 'GET /health 200\nGET /users 201', fake.stateDir);
      const text = () => Buffer.concat(seen.filter((o) => o.type === 'pane.output' && o.paneId === 'terminal_2')
        .map((o) => (o.type === 'pane.output' ? Buffer.from(o.data) : Buffer.alloc(0)))).toString('utf8');
      await waitFor('output', () => text().includes('GET /users 201'));
      expect(text()).toBe('GET /health 200\r\nGET /users 201');

      // Text typed at the prompt arrives as the characters added to the line.
      await m.sendText('terminal_0', 'echo hi', true);
      const shellText = () => Buffer.concat(seen.filter((o) => o.type === 'pane.output' && o.paneId === 'terminal_0')
        .map((o) => (o.type === 'pane.output' ? Buffer.from(o.data) : Buffer.alloc(0)))).toString('utf8');
      await waitFor('echo output', () => shellText().endsWith('hi\r\n$'));

      // A pane closed in Zellij: pane_closed from subscribe (or the next poll).
      await m.runner.run('work', ['action', 'close-pane', '--pane-id', 'terminal_1']);
      await waitFor('pane.closed', () => seen.find((o) => o.type === 'pane.closed' && o.paneId === 'terminal_1'));

      // The session ends: list-panes exits 1 ("There is no active session!").
      await m.kill('work');
      await waitFor('session.stopped', () => seen.find((o) => o.type === 'session.stopped'));
    } finally {
      await observer.stop();
    }
    expect(seen.filter((o) => o.type === 'pane.closed' && o.paneId === 'terminal_1')).toHaveLength(1);
  });

  it('subscribes to panes opened after it started', async () => {
    const { m, seen, observer } = await launchedAndObserved();
    try {
      updateState((state: { sessions: Record<string, { panes: Array<Record<string, unknown>>; nextTerminal: number }> }) => {
        const session = state.sessions.work!;
        session.panes.push({ id: 9, plugin: false, tab_id: 0, title: 'late', command: undefined, args: [], cwd: '/tmp', focused: false,
          floating: false, rows: 24, cols: 80, lines: ['$ '], exited: false, held: false });
      }, fake.stateDir);
      await waitFor('late pane', () => seen.find((o) => o.type === 'pane.opened' && o.pane.id === 'terminal_9'));
      await waitFor('second subscribe', () => fake.calls().find((c) => c.argv.includes('subscribe') && c.argv.includes('terminal_9')));
      await new Promise((r) => setTimeout(r, 300));
      programOutput('work', 'terminal_9', 'x', fake.stateDir);
      await waitFor('late output', () => seen.find((o) => o.type === 'pane.output' && o.paneId === 'terminal_9'));
    } finally {
      await observer.stop();
    }
    expect(existsSync(join(fake.home, 'zellij', 'work.kdl'))).toBe(true);
  });
});
