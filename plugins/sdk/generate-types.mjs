#!/usr/bin/env node
// Generates the TypeScript types of picode's plugin interface from plugins/wit/plugin.wit
// with jco's type generator (guest types of world `plugin`: every capability import and the
// `guest` export). The output in plugins/sdk/types/ is committed so a fresh clone type-checks
// without a build step; tests/unit/plugins/wit-types.test.ts fails when it is stale.
//
//   node plugins/sdk/generate-types.mjs          write plugins/sdk/types/
//   node plugins/sdk/generate-types.mjs --check  exit 1 when plugins/sdk/types/ differs
//
// jco's own CLI reads the WIT through a WASI shim that has no preopened directory on this
// Node/jco combination ("failed to read path for WIT"), so the WIT text is passed as source.
import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes, $init } from '@bytecodealliance/jco-transpile/component';

await $init;

const here = dirname(fileURLToPath(import.meta.url));
const witFile = join(here, '..', 'wit', 'plugin.wit');
const outDir = join(here, 'types');

export function generatedTypes() {
  const files = generateTypes('plugin', {
    wit: { tag: 'source', val: readFileSync(witFile, 'utf8') },
    world: 'plugin',
    tlaCompat: false,
    instantiation: undefined,
    map: undefined,
    features: { tag: 'list', val: [] },
    guest: true,
    asyncMode: undefined,
    strict: false,
    flagsAsBigint: false,
    variantsInlineCases: false,
    useNamespaceObjects: false,
    enumValuesScreamingSnakeCase: false,
  });
  const header = '// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.\n';
  return new Map(files.map(([name, bytes]) => [name, header + Buffer.from(bytes).toString('utf8')]));
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [relative(outDir, full)];
  });
}

const files = generatedTypes();
if (process.argv.includes('--check')) {
  const existing = listFiles(outDir).sort();
  const stale = [...files.keys()].filter((name) => !existsSync(join(outDir, name)) || readFileSync(join(outDir, name), 'utf8') !== files.get(name));
  const extra = existing.filter((name) => !files.has(name));
  if (stale.length || extra.length) {
    process.stderr.write(`plugins/sdk/types is stale (${[...stale, ...extra].join(', ')}): run node plugins/sdk/generate-types.mjs\n`);
    process.exit(1);
  }
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(outDir, { recursive: true, force: true });
  for (const [name, text] of files) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), text);
  }
  process.stderr.write(`wrote ${files.size} files to ${relative(process.cwd(), outDir) || outDir}\n`);
}
