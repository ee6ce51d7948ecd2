import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, fixtures, panes, repo, sandbox, type Sandbox } from './helpers.js';

// Every test runs twice: picode started from outside tmux, and typed into a shell inside a
// pane of the same tmux server while another session is attached (the caller's session must
// come out of every command exactly as it was: the sandbox checks it after each one).
describe.each(['outside', 'inside'] as const)('picode %s tmux', (where) => {
let sb: Sandbox;
beforeAll(() => { sb = sandbox(where); });
afterAll(() => sb.cleanup());

function writeLayout(name: string, text: string): string {
  const file = join(sb.dir, name);
  writeFileSync(file, text);
  return file;
}

describe('picode up with a picode layout', () => {
  let file: string;
  beforeAll(async () => {
    mkdirSync(join(sb.dir, 'work', 'sub'), { recursive: true });
    file = writeLayout('itest.yaml', `
name: itest
cwd: ${join(sb.dir, 'work')}
env: { SESSION_VAR: s }
before: [ "touch before-ran" ]
windows:
  - name: main
    split: row
    panes:
      - { name: left, command: 'echo "$SESSION_VAR $PANE_VAR" > out-left; exec sleep 300', size: 30, env: { PANE_VAR: p }, onExit: close }
      - split: column
        panes:
          - { name: top, command: [sleep, "301"], size: 25%, focus: true, onExit: close }
          - { name: bottom, cwd: sub, command: 'pwd > ../out-bottom; exec sleep 302', onExit: close }
  - name: lifecycle
    focus: true
    split: column
    panes:
      - { name: held, command: 'exit 3', onExit: hold }
      - { name: then-shell, command: 'echo done' }
      - { name: closes, command: 'sleep 304', onExit: close }
`);
    const result = await sb.picode(['up', file, '--detach', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ session: 'itest', format: 'picode', invocations: 1 });
  });

  it('creates every pane with its command, name and working directory', () => {
    const rows = panes(sb, 'itest');
    expect(rows.map((r) => [r.window, r.name])).toEqual([
      ['main', 'left'], ['main', 'top'], ['main', 'bottom'], ['lifecycle', 'held'], ['lifecycle', 'then-shell'], ['lifecycle', 'closes'],
    ]);
    expect(rows[1]!.start).toMatch(/sleep 301/);
    expect(rows[2]!.path).toBe(join(sb.dir, 'work', 'sub'));
    expect(rows[0]!.path).toBe(join(sb.dir, 'work'));
  });

  it('runs before commands first and passes session and pane environment', async () => {
    expect(existsSync(join(sb.dir, 'work', 'before-ran'))).toBe(true);
    await eventually(() => expect(readFileSync(join(sb.dir, 'work', 'out-left'), 'utf8')).toBe('s p\n'));
    await eventually(() => expect(readFileSync(join(sb.dir, 'work', 'out-bottom'), 'utf8')).toBe(`${join(sb.dir, 'work', 'sub')}\n`));
  });

  it('applies sizes within a cell (30 cells; 25% of the column)', () => {
    const rows = panes(sb, 'itest');
    // Built detached at 80x24: the row is 80 wide, the column 24 high with one border.
    expect(Math.abs(rows[0]!.width - 30)).toBeLessThanOrEqual(1);
    expect(Math.abs(rows[1]!.height - 0.25 * 23)).toBeLessThanOrEqual(1);
    expect(rows[1]!.width + rows[0]!.width + 1).toBe(80);
  });

  it('focuses the window and the pane asked for', () => {
    const rows = panes(sb, 'itest');
    expect(rows.filter((r) => r.windowActive).map((r) => r.window)[0]).toBe('lifecycle');
    expect(rows.filter((r) => r.window === 'main' && r.active).map((r) => r.name)).toEqual(['top']);
  });

  it('holds, closes or hands over to the shell when a command exits', async () => {
    await eventually(() => {
      const rows = panes(sb, 'itest').filter((r) => r.window === 'lifecycle');
      const held = rows.find((r) => r.name === 'held')!;
      expect([held.dead, held.deadStatus, held.remain]).toEqual([true, '3', 'on']);
      // `echo done` ran, then the user's shell (SHELL=/bin/sh) took over the pane.
      expect(rows.find((r) => r.name === 'then-shell')).toMatchObject({ dead: false, current: 'sh' });
    });
  });

  it('refuses to launch a session that exists, naming it, without running before commands again', async () => {
    const again = await sb.picode(['up', file, '--detach']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a tmux session named "itest" already exists/);
    expect(again.stderr).toMatch(/--replace/);
  });

  it('attaches to an existing session with --attach-existing (here: --detach, so nothing changes)', async () => {
    const before = panes(sb, 'itest').length;
    const result = await sb.picode(['up', file, '--detach', '--attach-existing', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ session: 'itest', existing: true });
    expect(panes(sb, 'itest')).toHaveLength(before);
  });

  it('replaces the session with --replace', async () => {
    // Mark the running session: a replaced session does not carry the mark.
    sb.tmux(['set-option', '-t', 'itest', '@old', 'yes']);
    expect(sb.tmux(['show-options', '-qv', '-t', 'itest', '@old'])).toBe('yes\n');
    const result = await sb.picode(['up', file, '--detach', '--replace']);
    expect(result.code).toBe(0);
    expect(sb.tmux(['show-options', '-qv', '-t', 'itest', '@old'])).toBe('');
    expect(panes(sb, 'itest')).toHaveLength(6);
  });

  it('launches under another name with --session', async () => {
    const result = await sb.picode(['up', file, '--detach', '--session', 'itest2']);
    expect(result.code).toBe(0);
    expect(panes(sb, 'itest2')).toHaveLength(6);
  });
});

describe('picode up with imported files', () => {
  it('launches a tmuxp file and types its commands once the shells are ready', async () => {
    const file = writeLayout('tmuxp.yaml', `
session_name: fromtmuxp
start_directory: ${sb.dir}
windows:
  - window_name: tiles
    layout: tiled
    panes:
      - echo one > tmuxp-1
      - echo two > tmuxp-2
      - shell_command: [echo three > tmuxp-3]
        focus: true
      - echo four > tmuxp-4
`);
    const result = await sb.picode(['up', file, '--detach']);
    expect(result.code).toBe(0);
    const rows = panes(sb, 'fromtmuxp');
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.active)).toEqual([false, false, true, false]);
    // tiled: four quadrants (two columns, two rows).
    const corners = sb.tmux(['list-panes', '-t', '=fromtmuxp:tiles', '-F', '#{pane_left},#{pane_top}']).split('\n').filter(Boolean);
    expect(corners).toEqual(['0,0', '40,0', '0,12', '40,12']);
    for (const [i, word] of ['one', 'two', 'three', 'four'].entries()) {
      await eventually(() => expect(readFileSync(join(sb.dir, `tmuxp-${i + 1}`), 'utf8')).toBe(`${word}\n`));
    }
  });

  it('launches a tmuxinator file with ERB, settings and warns about unsupported fields', async () => {
    const file = writeLayout('tmuxinator.yml', `
name: frominator
root: <%= ENV.fetch("ROOT_DIR", "/nonexistent") %>
socket_name: ignored
windows:
  - editor:
      layout: even-horizontal
      panes:
        - echo <%= @settings["word"] %> > inator-1
        - echo <%= ENV["WORD2"] %> > inator-2
  - other: echo other > inator-3
`);
    const result = await sb.picode(['up', file, 'word=hello', '--detach'], { env: { ROOT_DIR: sb.dir, WORD2: 'world' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/not supported, ignored: socket_name \(choose the tmux server with picode up --tmux-socket NAME\)/);
    expect(panes(sb, 'frominator').map((r) => r.window)).toEqual(['editor', 'editor', 'other']);
    await eventually(() => expect(readFileSync(join(sb.dir, 'inator-1'), 'utf8')).toBe('hello\n'));
    await eventually(() => expect(readFileSync(join(sb.dir, 'inator-2'), 'utf8')).toBe('world\n'));
    await eventually(() => expect(readFileSync(join(sb.dir, 'inator-3'), 'utf8')).toBe('other\n'));
  });

  it('launches the tmuxp JSON fixture', async () => {
    const result = await sb.picode(['up', join(fixtures, 'tmuxp-simple.json'), '--detach']);
    expect(result.code).toBe(0);
    expect(panes(sb, 'json-session')).toHaveLength(5);
  });
});

describe('ls and down', () => {
  it('lists launched sessions with layout, panes and state; down stops one', async () => {
    const listed = await sb.picode(['ls', '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ session: string; state: string; panes: number; layout: string }>;
    expect(rows.find((r) => r.session === 'itest')).toMatchObject({ state: 'running', panes: 6 });
    const down = await sb.picode(['down', '--session', 'itest2']);
    expect(down.code).toBe(0);
    expect(sb.tmux(['list-sessions', '-F', '#{session_name}'])).not.toMatch(/^itest2$/m);
    // Live sessions only, unless --all.
    const live = JSON.parse((await sb.picode(['ls', '--json'])).stdout) as Array<{ session: string; state: string }>;
    expect(live.find((r) => r.session === 'itest2')).toBeUndefined();
    expect(live.every((r) => r.state === 'running')).toBe(true);
    const after = JSON.parse((await sb.picode(['ls', '--json', '--all'])).stdout) as Array<{ session: string; state: string }>;
    expect(after.find((r) => r.session === 'itest2')).toMatchObject({ state: 'stopped' });
    const human = await sb.picode(['ls']);
    expect(human.stdout).toMatch(/^SESSION\s+STATE\s+LAYOUT/m);
    expect(human.stdout).toMatch(/^itest\s+running/m);
    expect(human.stdout).not.toMatch(/^itest2\s/m);
    expect(human.stdout).toMatch(/stopped sessions? not shown: picode ls --all/);
  });

  it('down SESSION finds the server the session was launched on', async () => {
    const file = writeLayout('elsewhere.yaml', 'name: elsewhere\nwindows:\n  - command: sleep 300\n');
    expect((await sb.picode(['up', file, '--detach'])).code).toBe(0);
    // No --tmux-socket and no PICODE_TMUX_SOCKET: the store knows the session's server.
    const down = await sb.picode(['down', 'elsewhere'], { env: { PICODE_TMUX_SOCKET: '' } });
    expect(down.code).toBe(0);
    expect(sb.tmux(['list-sessions', '-F', '#{session_name}'])).not.toMatch(/^elsewhere$/m);
  });

  it('down without --session refuses to guess between several sessions', async () => {
    const down = await sb.picode(['down']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/sessions are running .*name the one to stop/);
  });
});

describe.runIf(where === 'outside')('attaching', () => {
  it('attaches the terminal like tmux attach and returns when the client detaches', async () => {
    const file = writeLayout('attach.yaml', 'name: attached\nwindows:\n  - command: sleep 300\n');
    const { spawn } = await import('node:child_process');
    const { bin } = await import('./helpers.js');
    // `script` gives picode a terminal, as a user's would be.
    const child = spawn('script', ['-qfec', `${process.execPath} ${bin} up ${file}`, '/dev/null'], {
      cwd: sb.dir, env: { ...sb.env, COLUMNS: '100', LINES: '30' }, stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await eventually(() => expect(sb.tmux(['list-clients', '-F', '#{client_session}'])).toBe('attached\n'), 20_000);
      sb.tmux(['detach-client', '-s', 'attached']);
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
  });

  it('switches the client instead of nesting when run inside the same tmux server', async () => {
    const { spawn } = await import('node:child_process');
    const { bin } = await import('./helpers.js');
    const inner = writeLayout('inner.yaml', 'name: inner\nwindows:\n  - command: sleep 300\n');
    expect((await sb.picode(['up', writeLayout('outer.yaml', 'name: outer\nwindows:\n  - command: sh\n'), '--detach'])).code).toBe(0);
    const client = spawn('script', ['-qfec', `tmux -L ${sb.socket} attach -t outer`, '/dev/null'], { cwd: sb.dir, env: sb.env, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await eventually(() => expect(sb.tmux(['list-clients', '-F', '#{client_session}'])).toBe('outer\n'), 20_000);
      // Typed into the attached session's shell: picode runs with $TMUX pointing at this server.
      sb.tmux(['send-keys', '-t', '=outer:', `${process.execPath} ${bin} up ${inner}`, 'Enter']);
      await eventually(() => expect(sb.tmux(['list-clients', '-F', '#{client_session}'])).toBe('inner\n'), 20_000);
      // Built at the client's size (the pane picode ran in is smaller than the client).
      const [clientWidth] = sb.tmux(['list-clients', '-F', '#{client_width}']).trim().split('\n');
      expect(sb.tmux(['list-windows', '-t', '=inner', '-F', '#{window_width}']).trim()).toBe(clientWidth);
    } finally {
      client.kill();
    }
  });

  it('refuses to attach without a terminal, before building anything', async () => {
    const file = writeLayout('noterm.yaml', 'name: noterm\nwindows:\n  - command: sleep 300\n');
    const result = await sb.picode(['up', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/standard input is not a terminal/);
    expect(sb.tmux(['list-sessions', '-F', '#{session_name}'])).not.toMatch(/^noterm$/m);
  });
});

describe.runIf(where === 'inside')('attaching from inside tmux', () => {
  it('switches the caller\'s client to the new session (only that client, named explicitly); --detach does not', async () => {
    const caller = await sb.world.caller();
    const detached = await sb.picode(['up', writeLayout('stay.yaml', 'name: stay\nwindows:\n  - command: sleep 300\n'), '--detach']);
    expect(detached.code, detached.stderr).toBe(0);
    expect(caller.clientSession()).toBe('caller');
    const result = await sb.picode(['up', writeLayout('go.yaml', 'name: go\nwindows:\n  - split: row\n    panes: [sleep 300, sleep 301]\n')]);
    expect(result.code, result.stderr).toBe(0);
    expect(caller.clientSession()).toBe('go');
    // Built at the client's size, not at the size of the pane picode ran in.
    const [clientWidth] = sb.tmux(['list-clients', '-F', '#{client_width}']).trim().split('\n');
    expect(sb.tmux(['list-windows', '-t', '=go', '-F', '#{window_width}']).trim()).toBe(clientWidth);
    sb.tmux(['switch-client', '-t', '=caller']);
  });

  it('the shipped layouts leave the caller\'s session as it was, hosts and views included', async () => {
    // (The sandbox compares the caller's windows, panes, names, titles and layout around each command.)
    for (const name of ['default', 'dev', 'agents', join(repo, 'layouts', 'automations', 'workspace.yaml')]) {
      // With their hosts and views running, as a user has them.
      const result = await sb.picode(['up', name, '--detach', '--session', `from-${sb.sessions().length}`], { env: { SHELL: '/bin/bash', PICODE_NO_HOST: '' } });
      expect(result.code, result.stderr).toBe(0);
    }
  }, 240_000); // four hosts started and made ready: generous on a loaded machine
});

describe('the session host', () => {
  it('is started in the background by up and stopped by down', async () => {
    const { readdirSync } = await import('node:fs');
    const file = writeLayout('hosted.yaml', 'name: hosted\nwindows:\n  - command: sleep 300\n');
    const result = await sb.picode(['up', file, '--detach'], { env: { PICODE_NO_HOST: '' } });
    expect(result.code, result.stderr).toBe(0);
    const logs = join(sb.dir, 'state', 'logs');
    // The host logs its pid once it has attached to the session.
    const pid = await eventually(() => {
      const log = readdirSync(logs).find((f) => f.includes('hosted'));
      const match = /host attached .*"pid":(\d+)/.exec(readFileSync(join(logs, log!), 'utf8'));
      expect(match).not.toBeNull();
      return Number(match![1]);
    }, 20_000);
    expect(() => process.kill(pid, 0)).not.toThrow();
    const down = await sb.picode(['down', '--session', 'hosted']);
    expect(down.code, down.stderr).toBe(0);
    await eventually(() => expect(() => process.kill(pid, 0)).toThrow());
    // The server exits with its last session (when this test runs alone).
    const remaining = sb.serverRunning() ? sb.tmux(['list-sessions', '-F', '#{session_name}']) : '';
    expect(remaining).not.toMatch(/^hosted$/m);
  });
});

describe('shipped layouts', () => {
  it.each([
    ['default', [['main', 'shell'], ['main', 'plan'], ['main', 'agent']]],
    ['dev', [['code', 'shell'], ['code', 'shell'], ['code', 'shell'], ['code', 'jobs'], ['code', 'log'], ['assist', 'plan'], ['assist', 'agent']]],
    ['agents', [['agents', 'agent'], ['agents', 'agent'], ['agents', 'agent'], ['agents', 'agent'], ['agents', 'shell']]],
  ])('%s launches with its panes and roles; role panes run picode\'s views', async (name, expected) => {
    const session = `shipped-${name}`;
    const result = await sb.picode(['up', name, '--detach', '--session', session], { env: { SHELL: '/bin/bash' } });
    expect(result.code).toBe(0);
    const rows = sb.tmux(['list-panes', '-s', '-t', `=${session}`, '-F', '#{window_name} #{@picode_role}<|>#{pane_start_command}'])
      .split('\n').filter(Boolean).map((line) => line.split('<|>'));
    expect(rows.map(([head]) => head!.split(' '))).toEqual(expected);
    for (const [head, start] of rows) {
      const role = head!.split(' ')[1]!;
      if (role !== 'shell') expect(start).toContain(`bin/picode.js pane ${role} --session ${session} --tmux-socket ${sb.socket}`);
    }
    sb.tmux(['kill-session', '-t', `=${session}`]);
  });
});
});
