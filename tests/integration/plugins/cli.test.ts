import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtures, picodeCli, tempDir } from './helpers.js';

/** `picode plugin ...` as a user runs it, with a fresh PICODE_HOME and XDG_CONFIG_HOME. */
describe('picode plugin (CLI, no host)', () => {
  const tmp = tempDir('picode-plugin-cli-');
  const env: NodeJS.ProcessEnv = { PICODE_HOME: join(tmp.dir, 'state'), XDG_CONFIG_HOME: join(tmp.dir, 'config') };
  // Deadlines generous enough for a loaded CI machine: this suite checks behaviour, not speed.
  mkdirSync(join(tmp.dir, 'config', 'picode'), { recursive: true });
  writeFileSync(join(tmp.dir, 'config', 'picode', 'config.yaml'), 'plugins:\n  defaults:\n    eventDeadlineMs: 5000\n');
  afterAll(() => tmp.dispose());

  const picode = picodeCli(env, tmp.dir);
  const list = async () => (JSON.parse((await picode('plugin', 'list', '--json')).stdout) as {
    plugins: Array<{ name: string; state: string; detail?: string; granted: string[]; permissions: string[] }>;
  }).plugins;
  const pluginDir = join(tmp.dir, 'config', 'picode', 'plugins', 'demo');

  it('new -> build -> test: a working plugin in the user plugins directory', async () => {
    const created = await picode('plugin', 'new', 'demo', '--lang', 'js');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`created plugin demo in ${pluginDir}`);
    for (const f of ['package.json', 'src/plugin.js', 'events.jsonl', 'test/plugin.test.mjs', 'README.md']) expect(existsSync(join(pluginDir, f))).toBe(true);

    const built = await picode('plugin', 'build', 'demo');
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^built demo: .*dist\/plugin\.wasm \([\d.]+ MiB, \d+ ms\)\nimports: log, kv, notify\n$/);

    const tested = await picode('plugin', 'test', 'demo', '--events', join(pluginDir, 'events.jsonl'), '--json', '--tool', 'failures', '--context');
    expect(tested.stderr).toBe('');
    expect(tested.code).toBe(0);
    const out = JSON.parse(tested.stdout) as { actions: Array<{ tag: string; val: { title?: string } }>; tool: { output: string }; context: Array<{ content: string }>; logs: Array<{ message: string }> };
    expect(out.actions.filter((a) => a.tag === 'notify').map((a) => a.val.title)).toEqual(['npm test failed', 'make failed']);
    expect(JSON.parse(out.tool.output)).toEqual({ failures: 2 });
    expect(out.context[0]!.content).toBe('make (exit 2)');
    expect(out.logs.map((l) => l.message)).toEqual(['failure #1: npm test', 'failure #2: make']);
  }, 180_000);

  it('list shows what is not granted and how to grant it; grant, revoke, disable and enable are stored', async () => {
    let demo = (await list()).find((p) => p.name === 'demo')!;
    expect(demo.state).toBe('refused');
    expect(demo.detail).toBe('needs log, kv, notify: picode plugin grant demo log kv notify');
    const shipped = (await list()).find((p) => p.name === 'pane-errors')!;
    expect(shipped.granted).toEqual(['log', 'panes-read']);

    const granted = await picode('plugin', 'grant', 'demo', 'log', 'kv', 'notify', 'git');
    expect(granted.stdout).toContain('granted log, kv, notify, git to demo');
    expect(granted.stdout).toContain('note: demo does not ask for git');
    demo = (await list()).find((p) => p.name === 'demo')!;
    expect(demo.state).toBe('stopped');
    expect(demo.granted).toEqual(['git', 'kv', 'log', 'notify']);

    await picode('plugin', 'revoke', 'demo', 'notify');
    demo = (await list()).find((p) => p.name === 'demo')!;
    expect(demo.state).toBe('refused');
    expect(demo.detail).toContain('picode plugin grant demo notify');

    await picode('plugin', 'disable', 'demo');
    expect((await list()).find((p) => p.name === 'demo')!.state).toBe('disabled');
    const table = await picode('plugin', 'list');
    expect(table.stdout).toMatch(/^NAME\s+STATE\s+PERMISSIONS\s+CALLS\s+FAILURES\s+TIME\s+DROPPED\s+STATUS/);
    expect(table.stdout).toMatch(/\ndemo\s+disabled\s+log,kv,notify\(not granted\)/);
    await picode('plugin', 'enable', 'demo');
    expect((await list()).find((p) => p.name === 'demo')!.state).toBe('refused');
  }, 240_000);

  it('user errors name the problem and the fix, without a stack trace', async () => {
    const badPermission = await picode('plugin', 'grant', 'demo', 'network');
    expect(badPermission.code).toBe(1);
    expect(badPermission.stderr).toBe('picode: unknown permission network\n  hint: permissions are: log, panes-read, panes-write, kv, fs-read, git, llm, notify\n');
    const unknown = await picode('plugin', 'enable', 'nope');
    expect(unknown.stderr).toContain('picode: no plugin named nope');

    writeFileSync(join(pluginDir, 'src', 'plugin.js'), 'export const guest = {;\n');
    const broken = await picode('plugin', 'build', pluginDir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^picode: plugin demo did not build: .*invalid property name/);
    expect(broken.stderr).toContain(`at ${join(pluginDir, 'src', 'plugin.js')}:1:`);
    expect(broken.stderr).not.toMatch(/internal error|node:internal|file:\/\//);

    const badEvents = join(tmp.dir, 'bad.jsonl');
    writeFileSync(badEvents, '{"type":"x"}\n{oops\n');
    const events = await picode('plugin', 'test', 'pane-errors', '--events', badEvents);
    expect(events.stderr).toContain(`picode: ${badEvents}:2: not valid JSON`);
  }, 120_000);

  it('test: a plugin that uses the clock or the environment is told the rule and what to use instead', async () => {
    const dir = join(tmp.dir, 'ambient');
    cpSync(join(fixtures, 'ambient'), dir, { recursive: true });
    const events = join(dir, 'events.jsonl');
    writeFileSync(events, ['user.clock', 'user.env', 'user.ok'].map((type) => JSON.stringify({ type, time: 1700000000000, data: {} })).join('\n'));
    const tested = await picode('plugin', 'test', dir, '--events', events);
    // A batch that failed makes the run fail (exit 1), after every batch ran.
    expect(tested.code, tested.stderr).toBe(1);
    const lines = tested.stdout.split('\n');
    const clock = lines.find((l) => l.startsWith('user.clock -> error:'))!;
    expect(clock).toContain('unreachable');
    expect(clock).toMatch(/src\/plugin\.js:10 uses the clock .*no ambient authority.*use the `time` field of each event/);
    const env = lines.find((l) => l.startsWith('user.env -> error:'))!;
    expect(env).toMatch(/process is not defined: src\/plugin\.js:11 uses the environment .*kv store/);
    // The plugin is restarted after its trap and answers the next event.
    expect(tested.stdout).toContain('set-status "at 1700000000000"');
  }, 180_000);

  it('logs reads what hosts recorded', { timeout: 60_000 }, async () => {
    const r = await picode('plugin', 'logs', 'demo');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});
