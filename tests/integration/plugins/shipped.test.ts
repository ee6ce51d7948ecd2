import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../host/bus/bus.js';
import { Gates } from '../../../host/bus/gates.js';
import { readManifest, shippedPluginsDir } from '../../../host/plugins/manifest.js';
import { PluginRuntime } from '../../../host/plugins/host/runtime.js';
import { createWorld, events, hostReady, newSession, until, type World } from '../host/helpers.js';
import { fixtures, quietLog, root, tempDir } from './helpers.js';
import { runPicode } from '../../support/cli.js';

/**
 * The shipped plugins, as users get them (the committed components, default grants), inside a
 * real host attached to a real tmux server on a private socket.
 */
describe('shipped plugins in a running host', () => {
  let world: World;
  const session = 'plugins';
  let pane: string;

  const call = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const { connectHost } = await import('../../../host/ipc/client.js');
    const client = await connectHost(session, world.socket, { env: world.env });
    try {
      return await client.call<T>(method, params);
    } finally {
      client.close();
    }
  };

  beforeAll(async () => {
    world = createWorld();
    // The session's directory is a git repository with a commit, a staged and an unstaged change.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: world.home, stdio: 'pipe', env: { ...world.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'a@x' } });
    git('init', '-q', '-b', 'main');
    mkdirSync(join(world.home, 'src'), { recursive: true });
    writeFileSync(join(world.home, 'README.md'), '# demo\n\nA demo project.\n');
    writeFileSync(join(world.home, 'src', 'app.ts'), 'export const port: number = 8080;\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first commit');
    writeFileSync(join(world.home, 'src', 'app.ts'), 'export const port: number = "8080";\n');
    writeFileSync(join(world.home, 'NOTES.md'), 'staged notes\n');
    git('add', 'NOTES.md');

    // Deadlines generous enough for a loaded CI machine: this suite checks behaviour, not speed.
    mkdirSync(join(world.env.XDG_CONFIG_HOME!, 'picode'), { recursive: true });
    writeFileSync(join(world.env.XDG_CONFIG_HOME!, 'picode', 'config.yaml'), 'plugins:\n  defaults:\n    eventDeadlineMs: 5000\n    callDeadlineMs: 10000\n');
    pane = newSession(world, session);
    world.startHost(session, { PICODE_HOST_NO_EXTENSIONS: '0' });
    await hostReady(world, session);
    await until('the shipped plugins running', async () => {
      const { plugins } = await call<{ plugins: Array<{ name: string; state: string }> }>('plugin.list');
      const running = plugins.filter((p) => p.state === 'running').map((p) => p.name);
      return ['pane-errors', 'secrets-redactor', 'git-context', 'file-context'].every((n) => running.includes(n)) ? true : undefined;
    }, 60_000);
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
  });

  it('pane-errors turns a compiler error printed in a pane into a diagnostic event and context', async () => {
    world.tmux('send-keys', '-t', pane, `printf '%s\\n' "src/app.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'."`, 'Enter');
    const diagnostic = await until('a diagnostic event', async () => {
      const found = (await events(world, session, ['--type', 'diagnostic'])).find((e) => e.data.source === 'pane-errors');
      return found;
    }, 30_000);
    expect(diagnostic.pane).toBe(pane);
    expect(diagnostic.data).toMatchObject({ severity: 'error', file: 'src/app.ts', line: 1, column: 14, kind: 'typescript' });
    const { items } = await call<{ items: Array<{ source: string; content: string }> }>('plugin.context', { tokenBudget: 2000, plugins: ['pane-errors'] });
    expect(items[0]!.content).toContain("src/app.ts:1:14: TS2322: Type 'string' is not assignable to type 'number'.");
  }, 60_000);

  it('git-context and file-context answer gather-context within the budget', async () => {
    const { items } = await call<{ items: Array<{ source: string; title: string; content: string }> }>('plugin.context', {
      tokenBudget: 3000, targets: ['README.md', 'src/**/*.ts'], plugins: ['git-context', 'file-context'],
    });
    const bySource = new Map(items.map((i) => [i.source, i]));
    expect(bySource.get('git-context:status')!.content).toContain('on branch main, no upstream');
    expect(bySource.get('git-context:status')!.content).toContain('added: NOTES.md');
    expect(bySource.get('git-context:diff')!.content).toContain('unstaged changes: 1 file(s), +1 -1');
    expect(bySource.get('git-context:log')!.content).toContain('first commit (Ada,');
    expect(bySource.get('file-context:README.md')!.content).toBe('# demo\n\nA demo project.\n');
    expect(bySource.get('file-context:src/app.ts')!.content).toContain('"8080"');
    const small = await call<{ items: Array<{ content: string }> }>('plugin.context', { tokenBudget: 10, targets: ['README.md'], plugins: ['file-context'] });
    expect(small.items.reduce((n, i) => n + i.content.length, 0)).toBeLessThanOrEqual(40);
  }, 60_000);

  it('offers plugin tools to the rest of picode', async () => {
    const { tools } = await call<{ tools: Array<{ plugin: string; name: string }> }>('plugin.tools');
    expect(tools.map((t) => `${t.plugin}/${t.name}`)).toEqual(expect.arrayContaining(['pane-errors/diagnostics', 'git-context/git_status', 'file-context/find_files', 'secrets-redactor/redact']));
    const { result } = await call<{ result: string }>('plugin.callTool', { plugin: 'file-context', tool: 'find_files', args: '{"globs":["**/*.md"]}' });
    expect(JSON.parse(result)).toEqual({ files: ['NOTES.md', 'README.md'] });
  }, 60_000);

  it('plugin disable/enable and list act on the running host and on the store', async () => {
    const disabled = await world.cli(['plugin', 'disable', 'file-context']);
    expect(disabled.stdout).toContain(`file-context disabled (applied in running host ${session})`);
    const live = await call<{ plugins: Array<{ name: string; state: string }> }>('plugin.list');
    expect(live.plugins.find((p) => p.name === 'file-context')!.state).toBe('disabled');
    const listed = await world.cli(['plugin', 'list', '--json']);
    const stored = (JSON.parse(listed.stdout) as { plugins: Array<{ name: string; state: string; stats: { calls: number } }> }).plugins;
    expect(stored.find((p) => p.name === 'file-context')!.state).toBe('disabled');
    expect(stored.find((p) => p.name === 'pane-errors')!.state).toBe('running');
    await world.cli(['plugin', 'enable', 'file-context']);
    await until('file-context running again', async () => {
      const { plugins } = await call<{ plugins: Array<{ name: string; state: string }> }>('plugin.list');
      return plugins.find((p) => p.name === 'file-context')!.state === 'running' ? true : undefined;
    });
  }, 60_000);

  it('plugin grant for a plugin the running host has not loaded says when the grant applies', async () => {
    // A project whose config adds a plugin directory the host (started elsewhere) does not search.
    const project = join(world.home, 'other-project');
    cpSync(join(fixtures, 'ambient'), join(project, 'more-plugins', 'ambient'), { recursive: true });
    writeFileSync(join(project, 'picode.config.yaml'), 'plugins:\n  dirs: [./more-plugins]\n');
    const granted = await runPicode(['plugin', 'grant', 'ambient', 'log'], { cwd: project, env: world.env, timeoutMs: 30_000 });
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain('granted log to ambient');
    expect(granted.stdout).toContain(`the running host of ${session} did not load ambient (it is not in its plugin directories): stored; it applies when a host loads ambient`);
    expect(granted.stdout).not.toContain('no plugin named');
  }, 60_000);

  it('a reloaded plugins section applies at once: a plugin disabled in the config stops, enabled again it runs', async () => {
    const configFile = join(world.env.XDG_CONFIG_HOME!, 'picode', 'config.yaml');
    const base = 'plugins:\n  defaults:\n    eventDeadlineMs: 5000\n    callDeadlineMs: 10000\n';
    const state = async (name: string) => (await call<{ plugins: Array<{ name: string; state: string }> }>('plugin.list')).plugins.find((p) => p.name === name)?.state;
    try {
      writeFileSync(configFile, `${base}  entries:\n    git-context:\n      enabled: false\n`);
      // Applied by the watcher or by this reload, whichever comes first.
      const reloaded = await world.cli(['reload', '--session', session, '--json']);
      expect(reloaded.code, reloaded.stderr).toBe(0);
      const applied = await until('the plugins section applied', async () => {
        const last = (await events(world, session, ['--type', 'config.reloaded'])).at(-1)?.data as { applied: string[]; needsRestart: string[] } | undefined;
        return last?.applied.includes('plugins') ? last : undefined;
      }, 30_000);
      expect(applied.needsRestart).not.toContain('plugins');
      await until('git-context disabled', async () => ((await state('git-context')) === 'disabled' ? true : undefined), 30_000);
      expect(await state('pane-errors')).toBe('running');
    } finally {
      writeFileSync(configFile, base);
      await world.cli(['reload', '--session', session]);
    }
    await until('git-context running again', async () => ((await state('git-context')) === 'running' ? true : undefined), 60_000);
  }, 120_000);

  it('plugin dev builds a plugin from any directory and loads it into the running host', async () => {
    const dir = join(world.home, 'dev-plugin');
    cpSync(join(fixtures, 'bench-echo'), dir, { recursive: true });
    const dev = spawn(process.execPath, [join(root, 'bin', 'picode.js'), 'plugin', 'dev', dir], { cwd: world.home, env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    dev.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    const exited = new Promise((r) => dev.on('exit', r));
    try {
      await until('the dev build applied', () => (out.includes(`(applied in running host ${session})`) ? true : undefined), 180_000);
      const { plugins } = await call<{ plugins: Array<{ name: string; state: string; dir: string }> }>('plugin.list');
      expect(plugins.find((p) => p.name === 'bench-echo')).toMatchObject({ state: 'running', dir });
    } finally {
      dev.kill('SIGINT');
      await exited;
    }
  }, 240_000);
});

describe('secrets-redactor as a gate on llm.request', () => {
  const tmp = tempDir('picode-gate-');
  let runtime: PluginRuntime;
  let gates: Gates;

  beforeAll(async () => {
    const bus = new EventBus('gate', 1, () => undefined, () => {}, quietLog);
    gates = new Gates(bus, quietLog);
    runtime = new PluginRuntime({
      session: 'gate', db: undefined, bus, panes: undefined, gates, log: quietLog, config: undefined,
      cacheDir: join(tmp.dir, 'cache'), cwd: tmp.dir, complete: undefined,
    });
    await runtime.loadManifest(readManifest(join(shippedPluginsDir(), 'secrets-redactor'), true));
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop();
    tmp.dispose();
  });

  it('masks secrets in the system prompt and messages before the request leaves', async () => {
    const token = ['ghp_', '8Kd2mQx7Lr4Tz1Vb6Np0Yw3Hs9Jc5Fg2Ae7U'].join('');
    const result = await gates.pass({
      type: 'llm.request',
      data: {
        requestId: 'r1', models: ['fake:model'], purpose: 'ask', sources: ['pane:%1'],
        system: 'deploy helper',
        messages: [{ role: 'user', content: `push fails with GITHUB_TOKEN=${token}, and DATABASE_URL=postgres://app:Sup3rS3cret!@db/app` }],
        tools: [],
      },
    });
    expect(result.decision).toBe('allow');
    expect(result.reason).toContain('secrets-redactor masked');
    const content = (result.data as { messages: Array<{ content: string }> }).messages[0]!.content;
    expect(content).toContain('GITHUB_TOKEN=[REDACTED:github-token]');
    expect(content).toContain('postgres://app:[REDACTED:url-password]@db/app');
    expect(content).not.toContain(token);
    expect(content).not.toContain('Sup3rS3cret');
  });

  it('lets a clean request through unchanged', async () => {
    const data = { requestId: 'r2', models: [], purpose: 'ask', sources: [], messages: [{ role: 'user', content: 'why is the build slow?' }], tools: [] };
    const result = await gates.pass({ type: 'llm.request', data });
    expect(result.decision).toBe('allow');
    expect(result.data).toEqual(data);
  });

  it('stops gating once the plugin is disabled', async () => {
    await runtime.unload('secrets-redactor');
    const data = { messages: [{ role: 'user', content: 'password=hunter2hunter2' }] };
    const result = await gates.pass({ type: 'llm.request', data });
    expect(result.decision).toBe('allow');
    expect(result.data).toEqual(data);
  });
});
