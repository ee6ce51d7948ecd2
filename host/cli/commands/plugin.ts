import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { callHost } from '../support.js';
import { PicodeError } from '../../core/errors.js';
import type { PluginsConfig } from '../../config/sections/plugins.js';
import type { PluginStatus } from '../../plugins/host/runtime.js';
import type { PluginManifest } from '../../plugins/manifest.js';

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
      const { scaffoldPlugin } = await import('../../plugins/build/scaffold.js');
      const { userPluginsDir } = await import('../../plugins/manifest.js');
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
      const { buildPlugin } = await import('../../plugins/build/builder.js');
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
    .action(async (target: string, opts: import('../../plugins/host/testRunner.js').TestOptions) => {
      const { testPlugin } = await import('../../plugins/host/testRunner.js');
      await testPlugin(await pluginDir(target), opts, await pluginsConfig());
    });

  plugin.command('list')
    .description('plugins with their state, permissions, calls, failures and time spent')
    .option('--session <name>', "ask this session's host (default: the running host started last, else the state recorded in the store)")
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; json?: boolean }, cmd: Command) => {
      const { tmuxSocket } = globalOptions(cmd);
      let plugins: PluginStatus[] | undefined;
      if (opts.session) plugins = await readAllPlugins((page) => callHost<{ plugins: PluginStatus[] }>(opts.session!, tmuxSocket, 'plugin.list', page));
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
          const { setPluginEnabled } = await import('../../plugins/host/state.js');
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
        const { isPermission } = await import('../../plugins/host/grants.js');
        const bad = permissions.filter((p) => !isPermission(p));
        if (bad.length > 0) {
          throw new PicodeError(`unknown permission${bad.length > 1 ? 's' : ''} ${bad.join(', ')}`, {
            hint: 'permissions are: log, panes-read, panes-write, kv, fs-read, git, llm, notify',
          });
        }
        const manifest = await knownPlugin(name);
        const { db, close } = await openDb();
        try {
          const { setGrants } = await import('../../plugins/host/state.js');
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
      const { readPluginLogs } = await import('../../plugins/host/state.js');
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
      const { devLoop } = await import('../../plugins/host/devLoop.js');
      const tmuxSocket = globalOptions(cmd).tmuxSocket;
      await devLoop(await pluginDir(target), (manifest) => refreshHosts(manifest.name, tmuxSocket, 'plugin.load', { dir: manifest.dir }));
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
  const { isPluginDir, discoverPlugins } = await import('../../plugins/manifest.js');
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
  const { discoverPlugins } = await import('../../plugins/manifest.js');
  const found = discoverPlugins({ dirs: (await pluginsConfig())?.dirs }).plugins.find((p) => p.name === name);
  if (!found) throw new PicodeError(`no plugin named ${name}`, { hint: 'see picode plugin list' });
  return found;
}

async function storedList(): Promise<PluginStatus[]> {
  const { storedPluginStatus } = await import('../../plugins/host/status.js');
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
        return await readAllPlugins((page) => client.call<{ plugins: PluginStatus[] }>('plugin.list', page));
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
  const unseen: string[] = [];
  const failed: string[] = [];
  await Promise.all(sessions.map(async (s) => {
    let client;
    try {
      client = await connectHost(s.name, s.mux_socket ?? tmuxSocket);
    } catch {
      return; // no host for this session
    }
    try {
      const answer = await client.call<{ known?: boolean } | undefined>(method, params);
      (answer?.known === false ? unseen : applied).push(s.name);
    } catch (error) {
      // A host of an earlier picode says so with an error.
      if (/^no plugin named /.test((error as Error).message)) unseen.push(s.name);
      else failed.push(`${s.name}: ${(error as Error).message}`);
    } finally {
      client.close();
    }
  }));
  return (applied.length ? ` (applied in running host${applied.length > 1 ? 's' : ''} ${applied.join(', ')})` : '') +
    (unseen.length ? `\n  the running host${unseen.length > 1 ? 's' : ''} of ${unseen.join(', ')} did not load ${name} (it is not in ${unseen.length > 1 ? 'their' : 'its'} plugin directories):` +
      ` stored; it applies when a host loads ${name}: at the next \`picode up\` of a session that finds it (plugins.dirs), or now with \`picode plugin dev ${name}\`` : '') +
    (failed.length ? `\n  the running host says: ${failed.join('; ')}` : '');
}

/** A component's size: KiB for the small ones (hand-written, Rust), MiB for QuickJS builds. */
function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Every plugin a host lists, a page at a time (`plugin.list` pages by name: host/ipc/paging.ts). */
async function readAllPlugins(call: (page: object) => Promise<{ plugins: PluginStatus[] }>): Promise<PluginStatus[]> {
  const { readAll } = await import('../../ipc/paging.js');
  return readAll(async (page) => (await call(page)).plugins, (p) => p.name, 'Name');
}
