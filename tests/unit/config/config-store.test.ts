import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../host/config/load.js';
import { loadConfigCached } from '../../../host/config/cache.js';
import { loadLayoutCached } from '../../../host/layout/cache.js';
import { openStore } from '../../../host/store/db.js';
import { migrations } from '../../../host/store/migrations/index.js';
import { findSessionRow, markStopped, recordLaunch } from '../../../host/store/sessions.js';
import { schemaDocuments } from '../../../host/cli/generateSchemas.js';

const root = mkdtempSync(join(tmpdir(), 'picode-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh project folder (with package.json, so the search stops there) and user config folder. */
function sandbox(): { project: string; env: NodeJS.ProcessEnv; userDir: string } {
  const base = join(root, String(n++));
  const project = join(base, 'project');
  const userDir = join(base, 'xdg', 'picode');
  mkdirSync(project, { recursive: true });
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(project, 'package.json'), '{"name":"p"}');
  return { project, userDir, env: { XDG_CONFIG_HOME: join(base, 'xdg'), PICODE_HOME: join(base, 'state'), HOME: base } };
}

describe('config layering', () => {
  it('merges defaults < user < project, key by key', async () => {
    const { project, env, userDir } = sandbox();
    writeFileSync(join(userDir, 'config.yaml'), 'layout: dev\ntmux:\n  socket: usersock\n');
    writeFileSync(join(project, 'picode.config.json'), '{"tmux": {"binary": "/opt/tmux"}}');
    const loaded = await loadConfig({ cwd: project, env });
    expect(loaded.config.layout).toBe('dev');
    expect(loaded.config.tmux).toEqual({ binary: '/opt/tmux', socket: 'usersock' });
    expect(loaded.files.map((f) => f.split('/').pop())).toEqual(['defaults.yaml', 'config.yaml', 'picode.config.json']);
  });

  it('reads package.json#picode and .picoderc', async () => {
    const { project, env } = sandbox();
    writeFileSync(join(project, 'package.json'), '{"name":"p","picode":{"layout":"agents"}}');
    expect((await loadConfig({ cwd: project, env })).config.layout).toBe('agents');
    const second = sandbox();
    writeFileSync(join(second.project, '.picoderc'), 'layout: dev\n');
    expect((await loadConfig({ cwd: second.project, env: second.env })).config.layout).toBe('dev');
  });

  // Every bad input: the message names the file (and line), the key path, expected and found.
  const bad: Array<[string, string, string, RegExp]> = [
    ['unknown key', '.picoderc.yaml', 'layuot: dev\n', /\.picoderc\.yaml:1: layuot: unknown key "layuot" \(did you mean "layout"\?\)/],
    ['wrong type', '.picoderc.yaml', 'tmux:\n  socket: 5\n', /\.picoderc\.yaml:2: tmux\.socket: expected a string, found number 5/],
    ['bad enum', 'picode.config.json', '{\n  "mux": "screen"\n}\n', /picode\.config\.json:2: mux: expected one of "auto", "tmux", "zellij", found "screen"/],
    ['nested unknown key', '.picoderc.yml', 'tmux:\n  binry: x\n', /\.picoderc\.yml:2: tmux\.binry: unknown key "binry" \(did you mean "binary"\?\); expected one of: binary, socket/],
    ['not an object', '.picoderc.yaml', '- a\n', /the config must be an object of keys, found a list/],
    ['YAML syntax error', '.picoderc.yaml', 'tmux: [\n', /cannot read the picode config/],
    ['empty string', '.picoderc.yaml', 'layout: ""\n', /\.picoderc\.yaml:1: layout: expected a non-empty string, found ""/],
  ];
  it.each(bad)('reports %s', async (_name, file, text, message) => {
    const { project, env } = sandbox();
    writeFileSync(join(project, file), text);
    await expect(loadConfig({ cwd: project, env })).rejects.toThrow(message);
  });

  it('blames the user file when the user file set the bad key', async () => {
    const { project, env, userDir } = sandbox();
    writeFileSync(join(userDir, 'config.yaml'), 'mux: nope\n');
    await expect(loadConfig({ cwd: project, env })).rejects.toThrow(/xdg\/picode\/config\.yaml:1: mux:/);
  });
});

describe('config and layout caches', () => {
  it('reuses the merged config until a config file appears or changes', async () => {
    const { project, env } = sandbox();
    expect((await loadConfigCached({ cwd: project, env })).cached).toBe(false);
    expect((await loadConfigCached({ cwd: project, env })).cached).toBe(true);
    writeFileSync(join(project, '.picoderc.json'), '{"layout": "dev"}');
    const changed = await loadConfigCached({ cwd: project, env });
    expect(changed).toMatchObject({ cached: false, config: { layout: 'dev' } });
    writeFileSync(join(project, '.picoderc.json'), '{"layout": "agents"}');
    utimesSync(join(project, '.picoderc.json'), new Date(), new Date(Date.now() + 5000));
    expect((await loadConfigCached({ cwd: project, env })).config.layout).toBe('agents');
  });

  it('never caches a JS config (it can compute anything)', async () => {
    const { project, env } = sandbox();
    writeFileSync(join(project, 'picode.config.mjs'), 'export default { layout: "dev" };');
    await loadConfigCached({ cwd: project, env });
    expect((await loadConfigCached({ cwd: project, env })).cached).toBe(false);
  });

  it('reuses the layout until the file, an environment variable it read, or the settings change', async () => {
    const { project, env } = sandbox();
    const file = join(project, 'l.yaml');
    writeFileSync(file, 'cwd: $DIR\nwindows:\n  - command: x\n');
    const e = { ...env, DIR: '/tmp' };
    expect((await loadLayoutCached(file, { cwd: project, env: e })).cached).toBe(false);
    expect((await loadLayoutCached(file, { cwd: project, env: e })).cached).toBe(true);
    const moved = await loadLayoutCached(file, { cwd: project, env: { ...e, DIR: '/var' } });
    expect(moved).toMatchObject({ cached: false, spec: { cwd: '/var' } });
    expect((await loadLayoutCached(file, { cwd: project, env: { ...e, DIR: '/var' }, settings: { a: 'b' } })).cached).toBe(false);
    writeFileSync(file, 'cwd: /etc\nwindows:\n  - command: y\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await loadLayoutCached(file, { cwd: project, env: e })).spec.cwd).toBe('/etc');
  });
});

describe('store', () => {
  it('opens in WAL mode with the migrations recorded, and records launches', () => {
    const dir = mkdtempSync(join(root, 'db-'));
    const store = openStore(join(dir, 'picode.db'));
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = (store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
      expect(versions).toEqual(migrations.map((m) => m.version));
      const launch = { session: 's', mux: 'tmux', muxSocket: 'x', layoutName: 'dev', layoutPath: '/l.yaml', layoutJson: '{}', cwd: '/',
        startedAt: 1, durationMs: 2, paneCount: 3, error: undefined };
      recordLaunch(store.db, launch);
      recordLaunch(store.db, { ...launch, startedAt: 5 });
      expect(findSessionRow(store.db, 's')).toMatchObject({ layout_name: 'dev', created_at: 5, stopped_at: null });
      expect(markStopped(store.db, 's', 9, 'x')).toBe(true);
      expect(findSessionRow(store.db, 's')!.stopped_at).toBe(9);
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM launches').get() as { n: number }).n).toBe(2);
    } finally {
      store.close();
    }
  });

  it('refuses a database written by a newer picode', () => {
    const path = join(mkdtempSync(join(root, 'db-')), 'picode.db');
    const store = openStore(path);
    store.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    store.close();
    expect(() => openStore(path)).toThrow(/written by a newer picode \(schema version 999/);
  });
});

describe('published JSON Schemas', () => {
  it.each(Object.entries(schemaDocuments()))('config/%s is up to date (run npm run schemas)', (name, text) => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', '..', 'config', name), 'utf8');
    expect(committed).toBe(text);
  });
});
