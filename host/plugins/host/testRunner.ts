import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PicodeError } from '../../core/errors.js';
import type { PicodeEvent } from '../../bus/envelope.js';
import type { PluginsConfig } from '../../config/sections/plugins.js';

/**
 * `picode plugin test`: runs a plugin on recorded events in this process (no host: panes
 * absent, kv in memory, fs-read and git rooted at the current directory) and prints its
 * actions, context items and tool results. The plugin is rebuilt first when its build is stale.
 */

/** `picode plugin test`'s options, as commander gives them. */
export interface TestOptions { events?: string; context?: string | boolean; budget: string; tool?: string; args: string; batch: string; json?: boolean }

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

export async function testPlugin(dir: string, opts: TestOptions, config: PluginsConfig | undefined): Promise<void> {
  // The plugin's worker thread boots while the runtime's modules load (workerPool.ts).
  (await import('./workerPool.js')).bootPluginWorkerEarly();
  const [{ readManifest, isPluginSource, shippedPluginsDir }, { PluginRuntime }, { buildPlugin, sourceDigest }, { pluginCacheDir }] = await Promise.all([
    import('../manifest.js'), import('./runtime.js'), import('../build/builder.js'), import('./extension.js'),
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
              const { describePluginAction } = await import('./actionKinds.js');
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
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...result, logs }, null, 2)}\n`);
  } finally {
    await runtime.stop();
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
