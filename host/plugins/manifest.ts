import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PicodeError } from '../core/errors.js';
import { packageRoot, userConfigDir } from '../core/paths.js';
import { pluginPermissions, type PluginPermission } from '../config/sections/plugins.js';

/**
 * A plugin on disk: a directory with a package.json whose `picodePlugin` field (not `picode`,
 * which cosmiconfig reads as a project config) names its source,
 * its built component and the permissions it asks for:
 *
 *   { "name": "hello", "version": "0.1.0", "type": "module",
 *     "picodePlugin": { "source": "src/plugin.ts", "component": "dist/plugin.wasm", "permissions": ["log"] } }
 *
 * A plugin that gates blocking events also lists them: `"gates": ["llm.request"]`.
 */
export interface PluginManifest {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  /** Absolute path of the entry source (.js or .ts). */
  readonly source: string;
  /** Absolute path of the built component. */
  readonly component: string;
  /** Permissions the plugin asks for: the capability interfaces its component imports. */
  readonly permissions: readonly PluginPermission[];
  /** Shipped with picode (plugins/ of the package). */
  readonly shipped: boolean;
  /**
   * Blocking events the plugin gates (`llm.request`, ...), declared up front so every command
   * can load the gating plugins without running the others; a plugin may gate only these.
   */
  readonly gates: readonly string[];
}

const namePattern = /^[a-z][a-z0-9-]{0,62}$/;

export function isPluginDir(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return typeof (JSON.parse(readFileSync(pkg, 'utf8')) as { picodePlugin?: unknown }).picodePlugin === 'object';
  } catch {
    return false;
  }
}

export function readManifest(dir: string, shipped = false): PluginManifest {
  const file = join(dir, 'package.json');
  let pkg: { name?: unknown; version?: unknown; picodePlugin?: Record<string, unknown> };
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as typeof pkg;
  } catch (error) {
    throw new PicodeError(`${file}: cannot read the plugin manifest: ${(error as Error).message}`, {
      hint: 'a plugin directory needs a package.json with a "picodePlugin" field (picode plugin new NAME creates one)',
    });
  }
  const meta = pkg.picodePlugin;
  if (!meta || typeof meta !== 'object') {
    throw new PicodeError(`${file}: no "picodePlugin" field: this is not a picode plugin`, {
      hint: 'add "picodePlugin": { "source": "src/plugin.js", "component": "dist/plugin.wasm", "permissions": [] }',
    });
  }
  const rawName = typeof meta.name === 'string' ? meta.name : typeof pkg.name === 'string' ? pkg.name.replace(/^@[^/]+\//, '') : '';
  if (!namePattern.test(rawName)) {
    throw new PicodeError(`${file}: plugin name "${rawName}" is not valid`, {
      hint: 'use lower-case letters, digits and dashes, starting with a letter (at most 63 characters)',
    });
  }
  const permissions = Array.isArray(meta.permissions) ? meta.permissions : [];
  for (const p of permissions) {
    if (!(pluginPermissions as readonly unknown[]).includes(p)) {
      throw new PicodeError(`${file}: picodePlugin.permissions: unknown permission ${JSON.stringify(p)}`, {
        hint: `permissions are: ${pluginPermissions.join(', ')}`,
      });
    }
  }
  const gates = meta.gates ?? [];
  if (!Array.isArray(gates) || !gates.every((g) => typeof g === 'string' && /^[a-z][a-z0-9.]*\*?$/.test(g))) {
    throw new PicodeError(`${file}: picodePlugin.gates must be a list of event types such as "llm.request"`, {
      hint: 'list the blocking events the plugin decides on, as its describe() returns them in gates',
    });
  }
  return {
    name: rawName,
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
    dir: resolve(dir),
    source: resolve(dir, typeof meta.source === 'string' ? meta.source : 'src/plugin.js'),
    component: resolve(dir, typeof meta.component === 'string' ? meta.component : 'dist/plugin.wasm'),
    permissions: permissions as PluginPermission[],
    shipped,
    gates: gates as string[],
  };
}

export function shippedPluginsDir(): string {
  return join(packageRoot(), 'plugins');
}

export function userPluginsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), 'plugins');
}

export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export interface Discovery {
  readonly plugins: PluginManifest[];
  /** Plugin directories that could not be read, with why (reported, never fatal). */
  readonly problems: Array<{ dir: string; message: string }>;
}

/**
 * Every plugin picode can load, by name. Earlier places win: the config's `plugins.dirs`,
 * then the user's plugin directory, then the shipped plugins, so a user can replace a
 * shipped plugin by writing one with the same name.
 */
export function discoverPlugins(options: { dirs?: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const places: Array<{ dir: string; shipped: boolean }> = [
    ...(options.dirs ?? []).map((d) => ({ dir: resolve(cwd, expandHome(d)), shipped: false })),
    { dir: userPluginsDir(options.env), shipped: false },
    { dir: shippedPluginsDir(), shipped: true },
  ];
  const byName = new Map<string, PluginManifest>();
  const problems: Array<{ dir: string; message: string }> = [];
  for (const place of places) {
    for (const dir of candidateDirs(place.dir)) {
      try {
        const manifest = readManifest(dir, place.shipped);
        if (!byName.has(manifest.name)) byName.set(manifest.name, manifest);
      } catch (error) {
        problems.push({ dir, message: (error as Error).message });
      }
    }
  }
  return { plugins: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}

function candidateDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (isPluginDir(dir)) return [dir];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((d) => { try { return statSync(d).isDirectory() && isPluginDir(d); } catch { return false; } });
}

/** Files a plugin build reads (JavaScript, TypeScript, JSON, WebAssembly text): a change to one means a rebuild. */
export function isPluginSource(path: string): boolean {
  return /\.(m?[jt]s|json|wat)$/.test(path);
}
