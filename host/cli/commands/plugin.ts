import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { callHost } from '../support.js';
import { PicodeError } from '../../core/errors.js';
import type { PicodeEvent } from '../../bus/envelope.js';
import type { PluginsConfig } from '../../config/sections/plugins.js';
import type { PluginStatus } from '../../sandbox/runtime.js';
import type { PluginManifest } from '../../sandbox/manifest.js';

/**
 * `picode plugin new | build | test | list | enable | disable | grant | revoke | logs | dev`.
 * Decisions (enable, grants) are written to the store, so they work without a host and
 * survive restarts; every running host is then told to apply them (IPC `plugin.refresh`).
 * `list` asks a running host for the live state and falls back to the store.
 */
export function define(program: Command): void {
  const plugin = program.command('plugin').description('create, build, test and manage WASM plugins (see docs/plugins.md)');

  plugin.command('new')
    .description('scaffold a plugin: source, README, recorded events and a test')
    .argument('<name>', 'plugin name (lower-case letters, digits, dashes)')
    .option('--lang <lang>', 'ts or js', 'ts')
    .option('--dir <dir>', 'where to create it (default: your plugins directory, ~/.config/picode/plugins/NAME)')
    .action(async (name: string, opts: { lang: string; dir?: string }) => {
      if (opts.lang !== 'ts' && opts.lang !== 'js') throw new PicodeError(`--lang ${opts.lang}: expected ts or js`, { hint: 'picode plugin new NAME --lang ts' });
      const { scaffoldPlugin } = await import('../../sandbox/scaffold.js');
      const { userPluginsDir } = await import('../../sandbox/manifest.js');
      const dir = resolve(opts.dir ?? join(userPluginsDir(), name));
      const files = scaffoldPlugin(dir, name, opts.lang);
      process.stdout.write(`created plugin ${name} in ${dir} (${files.length} files)\n\nnext:\n` +
        `  cd ${dir}\n` +
        (opts.lang === 'ts' ? '  npm install                 # TypeScript, for the build and your editor\n' : '') +
        '  picode plugin build .\n' +
        '  picode plugin test . --events events.jsonl\n' +
        `  picode plugin grant ${name} log kv notify\n` +
        '  picode plugin dev .          # rebuild + reload in the running host on every save\n' +
        (opts.dir ? `\nthe host loads plugins from ~/.config/picode/plugins and plugins.dirs: add ${dir} to plugins.dirs, or use plugin dev\n` : ''));
    });

  plugin.command('build')
    .description('compile a plugin to a WebAssembly component (componentize-qjs, no WASI)')
    .argument('[dir]', 'plugin directory or name', '.')
    .option('--opt-size', 'use the size-optimised QuickJS runtime (~30% smaller, slower calls)')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { optSize?: boolean; json?: boolean }) => {
      const dir = await pluginDir(target);
      const { buildPlugin } = await import('../../sandbox/builder.js');
      const result = await buildPlugin(dir, { optSize: opts.optSize === true });
      const summary = { plugin: result.manifest.name, component: result.component, bytes: result.bytes, ms: Math.round(result.ms), permissions: result.manifest.permissions };
      if (opts.json) return print(summary);
      process.stdout.write(`built ${summary.plugin}: ${summary.component} (${formatSize(summary.bytes)}, ${summary.ms} ms)\n` +
        `imports: ${summary.permissions.join(', ') || '(no capabilities)'}\n`);
    });

  plugin.command('test')
    .description("run a plugin on recorded events and print its actions (no host: panes absent, kv in memory, fs-read/git rooted at the current directory)")
    .argument('[dir]', 'plugin directory or name', '.')
    .option('--events <file>', 'events: JSON lines or a JSON array of {type, pane?, paneName?, data}')
    .option('--context [task]', 'also run gather-context (with an optional task)')
    .option('--budget <tokens>', 'token budget for --context', '2000')
    .option('--tool <name>', 'also call a tool')
    .option('--args <json>', 'arguments for --tool', '{}')
    .option('--batch <n>', 'events per on-event call (the host batches up to plugins.defaults.batchSize when events queue up)', '1')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: TestOptions) => {
      await testPlugin(await pluginDir(target), opts);
    });

  plugin.command('list')
    .description('plugins with their state, permissions, calls, failures and time spent')
    .option('--session <name>', "ask this session's host (default: the running host started last, else the state recorded in the store)")
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; json?: boolean }, cmd: Command) => {
      const { tmuxSocket } = globalOptions(cmd);
      let plugins: PluginStatus[] | undefined;
      if (opts.session) plugins = (await callHost<{ plugins: PluginStatus[] }>(opts.session, tmuxSocket, 'plugin.list', {})).plugins;
      else plugins = (await liveList(tmuxSocket)) ?? await storedList();
      if (opts.json) return print({ plugins });
      printList(plugins);
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    plugin.command(verb)
      .description(`${verb} a plugin (in the store; running hosts ${enabled ? 'load' : 'stop'} it at once)`)
      .argument('<name>', 'plugin name')
      .action(async (name: string, _opts: unknown, cmd: Command) => {
        const { db, close } = await openDb();
        try {
          await knownPlugin(name);
          const { setPluginEnabled } = await import('../../sandbox/state.js');
          setPluginEnabled(db, name, enabled);
        } finally {
          close();
        }
        const applied = await refreshHosts(name, globalOptions(cmd).tmuxSocket);
        process.stdout.write(`${name} ${enabled ? 'enabled' : 'disabled'}${applied}\n`);
      });
  }

  for (const [verb, granted] of [['grant', true], ['revoke', false]] as const) {
    plugin.command(verb)
      .description(`${verb} permissions (${'log, panes-read, panes-write, kv, fs-read, git, llm, notify'})`)
      .argument('<name>', 'plugin name')
      .argument('<permissions...>', 'permissions')
      .action(async (name: string, permissions: string[], _opts: unknown, cmd: Command) => {
        const { isPermission } = await import('../../sandbox/grants.js');
        const bad = permissions.filter((p) => !isPermission(p));
        if (bad.length > 0) {
          throw new PicodeError(`unknown permission${bad.length > 1 ? 's' : ''} ${bad.join(', ')}`, {
            hint: 'permissions are: log, panes-read, panes-write, kv, fs-read, git, llm, notify',
          });
        }
        const manifest = await knownPlugin(name);
        const { db, close } = await openDb();
        try {
          const { setGrants } = await import('../../sandbox/state.js');
          setGrants(db, name, permissions, granted);
        } finally {
          close();
        }
        const applied = await refreshHosts(name, globalOptions(cmd).tmuxSocket);
        const unused = granted ? permissions.filter((p) => !manifest.permissions.includes(p as never)) : [];
        process.stdout.write(`${verb === 'grant' ? 'granted' : 'revoked'} ${permissions.join(', ')} ${granted ? 'to' : 'from'} ${name}${applied}\n` +
          (unused.length ? `note: ${name} does not ask for ${unused.join(', ')} (its package.json picodePlugin.permissions)\n` : ''));
      });
  }

  plugin.command('logs')
    .description("a plugin's log: its log capability, notifications, failures, rejected actions")
    .argument('<name>', 'plugin name')
    .option('-n, --lines <n>', 'how many lines', '50')
    .option('-f, --follow', 'keep printing new lines')
    .option('--json', 'print JSON lines')
    .action(async (name: string, opts: { lines: string; follow?: boolean; json?: boolean }) => {
      const { readPluginLogs } = await import('../../sandbox/state.js');
      const { db, close } = await openDb();
      let last = 0;
      const show = (limit: number): void => {
        for (const row of readPluginLogs(db, name, { limit, afterId: last })) {
          last = row.id;
          process.stdout.write(opts.json ? `${JSON.stringify(row)}\n` : `${new Date(row.time).toISOString()} ${row.level.padEnd(5)} ${row.message}\n`);
        }
      };
      show(Math.max(1, Number(opts.lines) || 50));
      if (!opts.follow) return close();
      await new Promise<void>((done) => {
        const timer = setInterval(() => show(1000), 500);
        process.once('SIGINT', () => { clearInterval(timer); close(); done(); });
      });
    });

  plugin.command('dev')
    .description('build, then rebuild on every change and reload the plugin in running hosts (keeps its kv)')
    .argument('[dir]', 'plugin directory or name', '.')
    .action(async (target: string, _opts: unknown, cmd: Command) => {
      await devLoop(await pluginDir(target), globalOptions(cmd).tmuxSocket);
    });
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function openDb(): Promise<{ db: import('../../store/db.js').Database; close: () => void }> {
  const { openStore } = await import('../../store/db.js');
  const store = openStore();
  return { db: store.db, close: () => store.close() };
}

async function pluginsConfig(): Promise<PluginsConfig | undefined> {
  const { loadConfig } = await import('../../config/load.js');
  return (await loadConfig()).config.plugins;
}

/** A directory, or the name of an installed plugin. */
async function pluginDir(target: string): Promise<string> {
  const { isPluginDir, discoverPlugins } = await import('../../sandbox/manifest.js');
  const dir = resolve(target);
  if (isPluginDir(dir)) return dir;
  if (/^[a-z][a-z0-9-]*$/.test(target)) {
    const found = discoverPlugins({ dirs: (await pluginsConfig())?.dirs }).plugins.find((p) => p.name === target);
    if (found) return found.dir;
  }
  throw new PicodeError(`${target} is not a plugin directory nor an installed plugin`, {
    hint: 'a plugin directory has a package.json with a "picodePlugin" field (picode plugin new NAME creates one); see picode plugin list',
  });
}

async function knownPlugin(name: string): Promise<PluginManifest> {
  const { discoverPlugins } = await import('../../sandbox/manifest.js');
  const found = discoverPlugins({ dirs: (await pluginsConfig())?.dirs }).plugins.find((p) => p.name === name);
  if (!found) throw new PicodeError(`no plugin named ${name}`, { hint: 'see picode plugin list' });
  return found;
}

async function storedList(): Promise<PluginStatus[]> {
  const { storedPluginStatus } = await import('../../sandbox/status.js');
  const config = await pluginsConfig();
  const { db, close } = await openDb();
  try {
    return storedPluginStatus(db, config, process.cwd());
  } finally {
    close();
  }
}

function printList(plugins: readonly PluginStatus[]): void {
  if (plugins.length === 0) {
    process.stdout.write('no plugins found (picode plugin new NAME creates one)\n');
    return;
  }
  const rows = plugins.map((p) => {
    const perms = p.permissions.map((x) => (p.granted.includes(x) ? x : `${x}(not granted)`)).join(',') || '-';
    return [p.name, p.state, perms, String(p.stats.calls), String(p.stats.failures),
      `${Math.round(p.stats.busyMs)}ms`, String(p.stats.dropped), [p.statusLine, p.detail].filter(Boolean).join(' | ')];
  });
  const head = ['NAME', 'STATE', 'PERMISSIONS', 'CALLS', 'FAILURES', 'TIME', 'DROPPED', 'STATUS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [head, ...rows]) {
    process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  }
}

/** Sessions whose host holds its lock (host/daemon/lock.ts); stale rows just fail to connect. */
async function runningHosts(): Promise<Array<{ name: string; mux_socket: string | null }>> {
  const { db, close } = await openDb();
  try {
    return db.prepare('SELECT session AS name, mux_socket FROM host_locks ORDER BY started_at DESC').all() as Array<{ name: string; mux_socket: string | null }>;
  } catch {
    return [];
  } finally {
    close();
  }
}

/** The live list of the most recently started running host, when one answers. */
async function liveList(tmuxSocket: string | undefined): Promise<PluginStatus[] | undefined> {
  const { connectHost } = await import('../../ipc/client.js');
  for (const s of await runningHosts()) {
    try {
      const client = await connectHost(s.name, s.mux_socket ?? tmuxSocket);
      try {
        return (await client.call<{ plugins: PluginStatus[] }>('plugin.list', {})).plugins;
      } finally {
        client.close();
      }
    } catch {
      // Not running after all, or an old host without plugins: try the next one.
    }
  }
  return undefined;
}

/** Tells every running host to apply a plugin's new state; returns a note for the user. */
async function refreshHosts(name: string, tmuxSocket: string | undefined, method = 'plugin.refresh', params: unknown = { name }): Promise<string> {
  const sessions = await runningHosts();
  const { connectHost } = await import('../../ipc/client.js');
  const applied: string[] = [];
  const failed: string[] = [];
  await Promise.all(sessions.map(async (s) => {
    let client;
    try {
      client = await connectHost(s.name, s.mux_socket ?? tmuxSocket);
    } catch {
      return; // no host for this session
    }
    try {
      await client.call(method, params);
      applied.push(s.name);
    } catch (error) {
      failed.push(`${s.name}: ${(error as Error).message}`);
    } finally {
      client.close();
    }
  }));
  return (applied.length ? ` (applied in running host${applied.length > 1 ? 's' : ''} ${applied.join(', ')})` : '') +
    (failed.length ? `\n  the running host says: ${failed.join('; ')}` : '');
}

interface TestOptions { events?: string; context?: string | boolean; budget: string; tool?: string; args: string; batch: string; json?: boolean }

function readEvents(file: string): PicodeEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PicodeError(`--events ${file}: ${(error as Error).message}`, { hint: 'pass a file of JSON lines, one event per line' });
  }
  const trimmed = text.trim();
  let raw: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      raw = JSON.parse(trimmed) as unknown[];
    } catch (error) {
      throw new PicodeError(`${file}: not valid JSON: ${(error as Error).message}`, { hint: 'a JSON array of events, or one JSON event per line' });
    }
  } else {
    raw = trimmed.split('\n').map((line, i) => {
      if (!line.trim()) return undefined;
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new PicodeError(`${file}:${i + 1}: not valid JSON: ${(error as Error).message}`, { hint: 'one JSON event per line: {"type": "...", "data": {...}}' });
      }
    }).filter((e) => e !== undefined);
  }
  return raw.map((e, i) => {
    const ev = (e ?? {}) as Record<string, unknown>;
    if (typeof ev.type !== 'string') throw new PicodeError(`${file}: event ${i + 1} has no "type"`, { hint: 'each event needs a type, e.g. "pane.output"' });
    return {
      id: typeof ev.id === 'number' ? ev.id : i + 1,
      type: ev.type,
      time: typeof ev.time === 'number' ? ev.time : Date.now(),
      session: typeof ev.session === 'string' ? ev.session : 'test',
      window: undefined,
      pane: typeof ev.pane === 'string' ? ev.pane : undefined,
      paneName: typeof ev.paneName === 'string' ? ev.paneName : undefined,
      data: ev.data ?? {},
    };
  });
}

/** A component's size: KiB for the small ones (hand-written, Rust), MiB for QuickJS builds. */
function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The newest change to a file the build reads, under `dir` (the built component's own directory excluded). */
function newestSourceMtime(dir: string, builtDir: string, isSource: (path: string) => boolean): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (full === builtDir) continue;
    const st = statSync(full);
    if (st.isDirectory()) newest = Math.max(newest, newestSourceMtime(full, builtDir, isSource));
    else if (isSource(full)) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

async function testPlugin(dir: string, opts: TestOptions): Promise<void> {
  // The plugin's worker thread boots while the runtime's modules load (workerPool.ts).
  (await import('../../sandbox/workerPool.js')).bootPluginWorkerEarly();
  const [{ readManifest, isPluginSource, shippedPluginsDir }, { PluginRuntime }, { buildPlugin, sourceDigest }, { pluginCacheDir }] = await Promise.all([
    import('../../sandbox/manifest.js'), import('../../sandbox/runtime.js'), import('../../sandbox/builder.js'), import('../../sandbox/extension.js'),
  ]);
  let manifest = readManifest(dir);
  const srcDir = join(manifest.source, '..');
  // JavaScript/TypeScript plugins are rebuilt when stale; others (Rust, Go...) bring their own build.
  // Stale by the recorded digest of the sources when there is one (a fresh clone's mtimes say nothing).
  const ours = /\.(m?[jt]s|wat)$/.test(manifest.source);
  const digestFile = `${manifest.component}.digest`;
  const stale = !existsSync(manifest.component) || (existsSync(digestFile)
    ? readFileSync(digestFile, 'utf8').trim() !== sourceDigest(manifest)
    : existsSync(srcDir) && newestSourceMtime(srcDir, dirname(manifest.component), isPluginSource) > statSync(manifest.component).mtimeMs);
  if (ours && stale) {
    // A shipped plugin belongs to the installation: its stale build is tested from a temporary copy.
    const shipped = resolve(dir).startsWith(`${shippedPluginsDir()}/`);
    const out = shipped ? join(mkdtempSync(join(tmpdir(), 'picode-plugin-test-')), basename(manifest.component)) : undefined;
    process.stderr.write(`building ${manifest.name} (the component is missing or older than its source)${out ? ` into ${out}` : ''}...\n`);
    const built = await buildPlugin(dir, out ? { out } : {});
    manifest = { ...built.manifest, component: built.component };
  }
  const config = await pluginsConfig();
  const logs: Array<{ level: string; message: string }> = [];
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  // The author's own test: grant what the manifest asks for.
  const entries = { ...config?.entries, [manifest.name]: { ...config?.entries?.[manifest.name], grants: [...manifest.permissions], enabled: true } };
  const runtime = new PluginRuntime({
    session: 'plugin-test', db: undefined, bus: undefined, panes: undefined, gates: undefined, log: quiet,
    config: { ...config, entries }, cacheDir: pluginCacheDir(), cwd: process.cwd(), complete: undefined,
    onPluginLog: (_plugin, level, message) => {
      logs.push({ level, message });
      if (!opts.json) process.stderr.write(`[${manifest.name}] ${level}: ${message}\n`);
    },
  });
  try {
    await runtime.loadManifest(manifest, { force: true });
    const result: Record<string, unknown> = { plugin: manifest.name, description: runtime.description(manifest.name) };
    if (opts.events) {
      const events = readEvents(resolve(opts.events));
      const batch = Math.max(1, Number(opts.batch) || 1);
      const actions: unknown[] = [];
      const rejected: unknown[] = [];
      const errors: Array<{ events: string[]; error: string }> = [];
      for (let i = 0; i < events.length; i += batch) {
        const slice = events.slice(i, i + batch);
        const label = slice.map((e) => e.type).join(', ');
        try {
          const out = await runtime.dryRun(manifest.name, slice);
          actions.push(...out.actions);
          rejected.push(...out.rejected);
          if (!opts.json) {
            process.stdout.write(`${label} -> ${out.actions.length} action(s)\n`);
            {
              const { describePluginAction } = await import('../../sandbox/actionKinds.js');
              for (const a of out.actions) process.stdout.write(`  ${describePluginAction(a)}\n`);
            }
            for (const r of out.rejected) process.stdout.write(`  rejected ${r.tag}: ${r.reason}\n`);
          }
        } catch (error) {
          // A failing batch is reported and the run goes on (the host restarts the plugin the same way).
          errors.push({ events: slice.map((e) => e.type), error: (error as Error).message });
          if (!opts.json) process.stdout.write(`${label} -> error: ${(error as Error).message}\n`);
        }
      }
      Object.assign(result, { events: events.length, actions, rejected, errors });
      if (errors.length > 0) process.exitCode = 1;
    }
    if (opts.context !== undefined) {
      const items = await runtime.gatherContext({ task: typeof opts.context === 'string' ? opts.context : '', tokenBudget: Number(opts.budget) || 2000, plugins: [manifest.name] });
      result.context = items;
      if (!opts.json) for (const item of items) process.stdout.write(`context ${item.source} (priority ${item.priority}): ${item.title}\n${indent(item.content)}\n`);
    }
    if (opts.tool) {
      let output: string;
      try {
        output = await runtime.callTool(manifest.name, opts.tool, opts.args);
      } catch (error) {
        if (error instanceof PicodeError) throw error;
        throw new PicodeError((error as Error).message, { hint: `see the plugin's callTool for tool ${opts.tool}` });
      }
      result.tool = { name: opts.tool, output };
      if (!opts.json) process.stdout.write(`tool ${opts.tool}: ${output}\n`);
    }
    if (!opts.events && opts.context === undefined && !opts.tool && !opts.json) {
      process.stdout.write(`${manifest.name} loaded: ${JSON.stringify(result.description)}\n(pass --events FILE, --context or --tool NAME to exercise it)\n`);
    }
    if (opts.json) print({ ...result, logs });
  } finally {
    await runtime.stop();
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

async function devLoop(dir: string, tmuxSocket: string | undefined): Promise<void> {
  const [{ readManifest, isPluginSource }, { buildPlugin }, { watch }] = await Promise.all([
    import('../../sandbox/manifest.js'), import('../../sandbox/builder.js'), import('chokidar'),
  ]);
  const manifest = readManifest(dir);
  const rebuild = async (): Promise<void> => {
    try {
      const result = await buildPlugin(dir);
      process.stdout.write(`${new Date().toLocaleTimeString()} built ${manifest.name} (${Math.round(result.ms)} ms)`);
      const note = await refreshHosts(manifest.name, tmuxSocket, 'plugin.load', { dir: manifest.dir });
      process.stdout.write(`${note || ' (no running host: start one with picode up)'}\n`);
    } catch (error) {
      process.stdout.write(`${new Date().toLocaleTimeString()} ${(error as Error).message}\n`);
    }
  };
  await rebuild();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = watch(join(manifest.source, '..'), { ignoreInitial: true });
  watcher.on('all', (_event, path) => {
    if (!isPluginSource(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => { running = running.then(rebuild); }, 150);
  });
  process.stdout.write(`watching ${join(manifest.source, '..')} (Ctrl-C to stop); logs: picode plugin logs ${manifest.name} -f\n`);
  await new Promise<void>((done) => process.once('SIGINT', () => done()));
  clearTimeout(timer);
  await watcher.close();
}
