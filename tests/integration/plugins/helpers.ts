import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HostLogger } from '../../../host/api/hostApi.js';
import type { PicodeEvent } from '../../../host/bus/envelope.js';
import { runPicode, type CliResult } from '../../support/cli.js';
import { hermeticEnv } from '../../support/world.js';

export const root = resolve(__dirname, '..', '..', '..');
export const fixtures = join(root, 'tests', 'fixtures', 'plugins');

export const quietLog: HostLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs `picode ...` as a user does (bin/picode.js in a child process) from `cwd`, in the shared
 * harness's hermetic environment (the caller's PICODE_*, TMUX*, XDG_* left out) plus `pinned`.
 */
export function picodeCli(pinned: NodeJS.ProcessEnv, cwd: string): (...args: string[]) => Promise<CliResult> {
  const env = hermeticEnv(pinned);
  return (...args) => runPicode(args, { cwd, env });
}

export function tempDir(prefix: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds a fixture plugin (tests/fixtures/plugins/NAME) into `into/NAME` with the real
 * builder, and returns its directory. Builds are kept in the system temp directory under the
 * digest of their sources (builder.ts sourceDigest), so test files and reruns share them.
 * The plugin workers run dist/host/plugins/worker/worker.js: `npm test` compiles before vitest.
 */
export async function buildFixture(name: string, into: string): Promise<string> {
  const { buildPlugin, sourceDigest } = await import('../../../host/plugins/build/builder.js');
  const { readManifest } = await import('../../../host/plugins/manifest.js');
  const dir = join(into, name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  const manifest = readManifest(dir);
  const cached = join(tmpdir(), 'picode-test-builds', `${name}-${sourceDigest(manifest)}.wasm`);
  if (existsSync(cached)) {
    mkdirSync(join(manifest.component, '..'), { recursive: true });
    cpSync(cached, manifest.component);
    return dir;
  }
  await buildPlugin(dir);
  mkdirSync(join(cached, '..'), { recursive: true });
  const partial = `${cached}.${process.pid}`;
  cpSync(manifest.component, partial);
  renameSync(partial, cached);
  return dir;
}

/** Another plugin directory with the same built component under a different name. */
export function clonePlugin(source: string, name: string, into: string, permissions?: string[]): string {
  const dir = join(into, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  cpSync(join(source, 'dist', 'plugin.wasm'), join(dir, 'dist', 'plugin.wasm'));
  cpSync(join(source, 'src'), join(dir, 'src'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { name: string; picodePlugin: { permissions: string[] } };
  pkg.name = name;
  if (permissions) pkg.picodePlugin.permissions = permissions;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
}

let nextId = 1;
export function event(type: string, data: unknown = {}, pane?: string): PicodeEvent {
  return { id: nextId++, type, time: Date.now(), session: 'test', window: undefined, pane, paneName: undefined, data };
}

// Polling helper shared with the host's suite.
export { until } from '../host/helpers.js';
