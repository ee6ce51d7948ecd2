import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createWorld, events, hostReady, newSession, until, bin, type World } from './helpers.js';

/**
 * Every IPC command of the host against a real session on a private tmux server, with each
 * way of reading pane output (control mode, pipe-pane).
 */
describe.each(['spool', 'control', 'pipe-pane'] as const)('host IPC commands (capture: %s)', (capture) => {
  let world: World;
  let pane: string;
  const session = 'cmds';

  beforeAll(async () => {
    world = createWorld({ host: { capture } });
    pane = newSession(world, session);
    world.tmux('set-option', '-p', '-t', pane, '@picode_name', 'shell');
    world.startHost(session);
    await hostReady(world, session);
  });

  afterAll(async () => {
    await world.dispose();
  });

  it('lists panes with their layout names (text and --json)', async () => {
    const json = await world.cli(['panes', '--session', session, '--json']);
    expect(json.code).toBe(0);
    const panes = JSON.parse(json.stdout) as Array<{ id: string; name: string; command: string; width: number }>;
    expect(panes).toHaveLength(1);
    expect(panes[0]).toMatchObject({ id: pane, name: 'shell', command: 'bash', width: 120 });
    const text = await world.cli(['panes', '--session', session]);
    expect(text.stdout).toMatch(new RegExp(`^${pane}\\*\\s+shell\\s+`, 'm'));
  });

  it('sends text by pane name and captures it back', async () => {
    expect((await world.cli(['send', 'shell', 'echo sent-$((40+2))', '--enter', '--session', session])).code).toBe(0);
    const captured = await until('the echo in the pane', async () => {
      const r = await world.cli(['capture', 'shell', '--session', session]);
      return r.stdout.includes('sent-42') ? r.stdout : undefined;
    });
    expect(captured).toContain('$ echo sent-$((40+2))');
    const last = await world.cli(['capture', pane, '--lines', '2', '--session', session]);
    expect(last.stdout.trimEnd().split('\n')).toEqual(['sent-42', '$']);
  });

  it('keeps colours with capture --ansi', async () => {
    await world.cli(['send', pane, "printf '\\033[31mred\\033[0m\\n'", '--enter', '--session', session]);
    const ansi = await until('red text', async () => {
      const r = await world.cli(['capture', pane, '--ansi', '--session', session]);
      return /\x1b\[31mred/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(ansi).toMatch(/\x1b\[31mred/);
    const plain = await world.cli(['capture', pane, '--session', session]);
    expect(plain.stdout).not.toContain('\x1b[');
    // The host's own record: plain lines, or the raw bytes as printed.
    const record = await world.cli(['capture', pane, '--scrollback', '--lines', '5', '--session', session]);
    expect(record.stdout).toMatch(/^red$/m);
    expect(record.stdout).not.toContain('\x1b[');
    const raw = await world.cli(['capture', pane, '--scrollback', '--ansi', '--session', session]);
    expect(raw.stdout).toContain('\x1b[31mred\x1b[0m\r\n');
  });

  it('runs a command, prints its output and exits with its exit code (sentinel marks)', async () => {
    const r = await world.cli(['run', 'shell', '--session', session, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r.stdout).toBe('out\nerr\n');
    expect(r.code).toBe(7);
    const ok = await world.cli(['run', pane, '--session', session, '--', 'printf "a\\tb\\n"']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('a\tb\n');
    const finished = (await events(world, session, ['--type', 'command.finished'])).map((e) => e.data);
    expect(finished).toEqual(expect.arrayContaining([
      expect.objectContaining({ command: "sh -c 'echo out; echo err >&2; exit 7'", exitCode: 7, source: 'sentinel', outputTail: 'out\nerr\n' }),
    ]));
  });

  it('times out a run that does not finish (exit 124) and interrupts it with keys', async () => {
    const r = await world.cli(['run', pane, '--timeout', '0.5', '--session', session, '--', 'sleep 30']);
    expect(r.code).toBe(124);
    expect(r.stderr).toContain('did not finish');
    expect((await world.cli(['keys', pane, 'C-c', '--session', session])).code).toBe(0);
    // Ctrl-C makes bash abandon the whole line, end mark included: the next run ends it as unknown.
    const after = await world.cli(['run', pane, '--session', session, '--', 'echo after']);
    expect(after.stdout).toBe('after\n');
    const finished = (await events(world, session, ['--type', 'command.finished'])).map((e) => e.data);
    expect(finished).toEqual(expect.arrayContaining([
      expect.objectContaining({ command: 'sleep 30', exitCode: null, reason: expect.stringContaining('interrupted') }),
    ]));
  });

  it('lists events with type and pane filters, as text and JSON', async () => {
    const all = await events(world, session);
    const types = new Set(all.map((e) => e.type));
    for (const t of ['session.started', 'pane.opened', 'pane.focused', 'pane.output', 'command.started', 'command.finished', 'pane.send.before']) {
      expect(types).toContain(t);
    }
    // Ids are dense and ordered.
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
    const byName = await events(world, session, ['--pane', 'shell', '--type', 'pane.*']);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((e) => e.type.startsWith('pane.') && e.pane === pane && e.paneName === 'shell')).toBe(true);
    const text = await world.cli(['events', '--session', session, '--limit', '3']);
    expect(text.code).toBe(0);
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('follows events as they happen (events --follow)', async () => {
    const child = spawn(process.execPath, [bin, 'events', '--session', session, '--follow', '--json', '--limit', '0', '--type', 'command.*'], {
      cwd: world.home, env: world.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    try {
      // The follower is connected once a command run after it shows up in its stream.
      await until('the follower to see a run', async () => {
        await world.cli(['run', pane, '--session', session, '--', 'echo followed']);
        return out.includes('"command":"echo followed"') && out.includes('command.finished') ? true : undefined;
      });
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string });
      expect(lines.every((e) => e.type.startsWith('command.'))).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
  });

  it('names unknown panes and missing hosts in its errors', async () => {
    const unknown = await world.cli(['capture', 'nope', '--session', session]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no pane "nope"');
    expect(unknown.stderr).toContain(`${pane} (shell)`);
    const noHost = await world.cli(['panes', '--session', 'absent']);
    expect(noHost.code).toBe(69);
    expect(noHost.stderr).toContain('no picode host is running for session "absent"');
    expect(noHost.stderr).not.toContain('    at ');
  });

  it('prints the shell-init snippets', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await world.cli(['shell-init', shell]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('133;C');
      expect(r.stdout).toContain('133;D');
    }
    const bad = await world.cli(['shell-init', 'tcsh']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no shell integration for "tcsh"');
  });
});
