import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PicodeError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import { readManifest, type PluginManifest } from '../manifest.js';

/**
 * `picode plugin build`: JavaScript or TypeScript source -> a WebAssembly component. A
 * WebAssembly text source (`.wat`: a core module implementing the canonical ABI, as any
 * component-model toolchain emits) is assembled and wrapped with jco's wasm-tools instead.
 *
 * The builder is componentize-qjs (QuickJS), chosen by measurement over componentize-js
 * (SpiderMonkey): components an order of magnitude smaller, faster builds and a lower per-call
 * cost (figures: docs/plugins.md, "Why QuickJS"). Components are built with
 * `stubWasi` (no WASI imports at all) and the synchronous runtime.
 *
 * The component imports exactly the capabilities listed in the manifest: the build writes a
 * world `built` that includes `base` (the exports) plus one `import` per permission.
 */

export interface BuildResult {
  readonly manifest: PluginManifest;
  readonly component: string;
  readonly bytes: number;
  readonly ms: number;
}

const witDir = (): string => join(packageRoot(), 'plugins', 'wit');
const sdkDir = (): string => join(packageRoot(), 'plugins', 'sdk');

export function worldSource(permissions: readonly string[]): string {
  const imports = permissions.map((p) => `  import ${p};\n`).join('');
  return `package picode:plugin@0.1.0;\n\nworld built {\n  include base;\n${imports}}\n`;
}

export async function buildPlugin(dir: string, options: { optSize?: boolean; out?: string } = {}): Promise<BuildResult> {
  const manifest = readManifest(dir);
  if (!existsSync(manifest.source)) {
    throw new PicodeError(`plugin ${manifest.name}: source ${manifest.source} does not exist`, {
      hint: 'set "picodePlugin.source" in its package.json to the entry file (src/plugin.js or src/plugin.ts)',
    });
  }
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'picode-build-'));
  try {
    // WIT: the shipped package plus the plugin's world.
    mkdirSync(join(work, 'wit'));
    cpSync(join(witDir(), 'plugin.wit'), join(work, 'wit', 'plugin.wit'));
    writeFileSync(join(work, 'wit', 'world.wit'), worldSource(manifest.permissions));

    // Sources: the entry's directory, TypeScript compiled to JavaScript, and the SDK as the
    // bare module `@picode/sdk` (QuickJS resolves bare imports under the module root).
    const srcRoot = dirname(manifest.source);
    const outSrc = join(work, 'src');
    copySources(srcRoot, outSrc, manifest.dir);
    const sdkOut = join(work, 'node_modules', '@picode', 'sdk');
    mkdirSync(sdkOut, { recursive: true });
    cpSync(join(sdkDir(), 'index.js'), join(sdkOut, 'index.js'));
    writeFileSync(join(sdkOut, 'package.json'), '{"name":"@picode/sdk","type":"module","main":"index.js","exports":"./index.js"}\n');

    const entry = join(outSrc, relative(srcRoot, manifest.source).replace(/\.(m?ts)$/, '.js'));
    const component = manifest.source.endsWith('.wat')
      ? await assembleWat(manifest)
      : await componentizeJs(manifest, work, entry, srcRoot, options.optSize === true);
    const out = options.out ?? manifest.component;
    mkdirSync(dirname(out), { recursive: true });
    // Written aside and renamed: a host watching the component (hot reload) never reads half of it.
    const partial = `${out}.${process.pid}.tmp`;
    writeFileSync(partial, component);
    renameSync(partial, out);
    writeFileSync(`${out}.digest`, `${sourceDigest(manifest, options.optSize === true)}\n`);
    return { manifest, component: out, bytes: component.length, ms: performance.now() - started };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function componentizeJs(manifest: PluginManifest, work: string, entry: string, srcRoot: string, optSize: boolean): Promise<Uint8Array> {
  const { componentize } = await import('componentize-qjs');
  try {
    const { component } = await componentize({
      witPath: join(work, 'wit'),
      world: 'built',
      jsSource: readFileSync(entry, 'utf8'),
      jsPath: entry,
      moduleRoot: work,
      stubWasi: true,
      sync: true,
      optSize,
    });
    return component;
  } catch (error) {
    // QuickJS names modules by their path under the build directory's root (`/src/x.js`).
    const message = (error as Error).message.replace(/^[:\s]+/, '').replaceAll(' /src/', ` ${srcRoot}/`);
    throw new PicodeError(`plugin ${manifest.name} did not build: ${message}`, {
      hint: 'check the source for syntax errors and that it exports `guest` with describe, onEvent, gatherContext and callTool',
    });
  }
}

/** A `.wat` core module -> a component of the plugin's world (exports `guest`, imports its permissions). */
async function assembleWat(manifest: PluginManifest): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  let core: Uint8Array;
  try {
    core = await parse(readFileSync(manifest.source, 'utf8'));
  } catch (error) {
    throw new PicodeError(`plugin ${manifest.name}: ${manifest.source} is not valid WebAssembly text: ${watProblem(error)}`, {
      hint: 'fix the text at that line; the format is https://webassembly.github.io/spec/core/text/',
    });
  }
  // One WIT document (jco's wasm-tools cannot read files outside its own sandbox): the
  // package and, in it, the plugin's world.
  const witSource = `${readFileSync(join(witDir(), 'plugin.wit'), 'utf8')}\n${worldSource(manifest.permissions).replace(/^package [^;]*;\s*/, '')}`;
  try {
    return await componentNew(await componentEmbed({ binary: core, witSource, world: 'built' }));
  } catch (error) {
    throw new PicodeError(`plugin ${manifest.name}: ${manifest.source} does not implement the plugin interface: ${firstLine(error)}`, {
      hint: 'export the functions of picode:plugin/guest@0.1.0 with the canonical ABI, plus memory and cabi_realloc (see tests/fixtures/plugins/wat-status/plugin.wat)',
    });
  }
}

/**
 * wasm-tools reports a text error as a Rust debug dump (`Text { line: 2, col: 14, snippet: ..
 * }, .. kind: Custom("expected a i32")`, lines and columns from 0): `line 3, column 15: ...`.
 */
function watProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /line: (\d+), col: (\d+), snippet: "((?:[^"\\]|\\.)*)"/.exec(message);
  const kind = /kind: (?:Custom|Lex)\((?:[A-Za-z]+\s*\{[^}]*\}|"((?:[^"\\]|\\.)*)")\)/.exec(message);
  if (!at) return firstLine(error);
  const what = kind?.[1] ?? 'syntax error';
  return `line ${Number(at[1]) + 1}, column ${Number(at[2]) + 1}: ${what} (in \`${at[3]!.trim()}\`)`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' ');
}

/**
 * A digest of everything a build depends on: the plugin's sources, the WIT, the SDK, the
 * permissions and the builder's version. QuickJS builds are not byte-reproducible (the Wizer
 * snapshot differs run to run), so `<component>.digest` records what a component was built
 * from; tests compare it with the sources to catch a shipped component that is out of date.
 */
export function sourceDigest(manifest: PluginManifest, optSize = false): string {
  const hash = createHash('sha256');
  const add = (label: string, data: string | Buffer): void => { hash.update(`${label}\0`); hash.update(data); hash.update('\0'); };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(m?[jt]s|json|wat)$/.test(name) && !/\.test\.[jt]s$/.test(name)) add(relative(manifest.dir, full), readFileSync(full));
    }
  };
  walk(dirname(manifest.source));
  add('wit', readFileSync(join(witDir(), 'plugin.wit')));
  add('sdk', readFileSync(join(sdkDir(), 'index.js')));
  add('permissions', manifest.permissions.join(','));
  add('options', JSON.stringify({ optSize, builder: builderVersion() }));
  return hash.digest('hex');
}

function builderVersion(): string {
  try {
    const require = createRequire(join(packageRoot(), 'package.json'));
    const pkg = require('componentize-qjs/package.json') as { version: string };
    return `componentize-qjs@${pkg.version}`;
  } catch {
    return 'componentize-qjs';
  }
}

function copySources(from: string, to: string, pluginDir: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const src = join(from, name);
    const dst = join(to, name);
    if (statSync(src).isDirectory()) {
      copySources(src, dst, pluginDir);
    } else if (/\.(m?ts)$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) {
      writeFileSync(dst.replace(/\.(m?ts)$/, '.js'), compileTypeScript(readFileSync(src, 'utf8'), src, pluginDir));
    } else if (/\.(m?js|json)$/.test(name) && !name.endsWith('.test.js')) {
      cpSync(src, dst);
    }
  }
}

interface TypeScriptApi {
  transpileModule(input: string, options: { compilerOptions: Record<string, unknown>; fileName: string; reportDiagnostics: boolean }): {
    outputText: string;
    diagnostics?: Array<{ messageText: string | { messageText: string } }>;
  };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2022: number };
}

/** TypeScript from the plugin's own dependencies, else picode's (a development install). */
function loadTypeScript(pluginDir: string): TypeScriptApi {
  for (const base of [join(pluginDir, 'package.json'), join(packageRoot(), 'package.json')]) {
    try {
      return createRequire(base)('typescript') as TypeScriptApi;
    } catch { /* try the next place */ }
  }
  throw new PicodeError('building a TypeScript plugin needs the typescript package', {
    hint: 'run `npm install --save-dev typescript` in the plugin directory, or write the plugin in JavaScript (--lang js)',
  });
}

function compileTypeScript(source: string, file: string, pluginDir: string): string {
  const ts = loadTypeScript(pluginDir);
  const result = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, isolatedModules: true },
  });
  const errors = result.diagnostics ?? [];
  if (errors.length > 0) {
    const first = errors[0]!.messageText;
    throw new PicodeError(`${file}: ${typeof first === 'string' ? first : first.messageText}`, { hint: 'fix the TypeScript syntax error' });
  }
  return result.outputText;
}
