#!/usr/bin/env node
// Generates from plugins/wit/plugin.wit:
// - the TypeScript types of picode's plugin interface, with jco's type generator (guest types
//   of world `plugin`: every capability import and the `guest` export), in plugins/sdk/types/;
// - the host's table of capability signatures (host/plugins/capabilitySignatures.ts): per
//   capability function its parameters and whether it returns `result`, which the host checks
//   a worker's arguments against and the worker uses to turn host errors into `err`.
// Both are committed so a fresh clone type-checks without a build step;
// tests/unit/plugins/shipped.test.ts fails when either is stale.
//
//   node plugins/sdk/generate-types.mjs          write both
//   node plugins/sdk/generate-types.mjs --check  exit 1 when either differs
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
const signaturesFile = join(here, '..', '..', 'host', 'plugins', 'capabilitySignatures.ts');
/** The interfaces a plugin may import: every interface except the shared types and the guest export. */
const notCapabilities = new Set(['types', 'guest']);

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

const camel = (name) => name.replace(/^%/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/** Splits `a: x, b: list<y>` at the top-level commas. */
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') depth++;
    else if (text[i] === '>') depth--;
    else if (text[i] === ',' && depth === 0) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const field = (text) => {
  const at = text.indexOf(':');
  return [camel(text.slice(0, at).trim()), text.slice(at + 1).trim()];
};

/** The signatures of the capability functions, and the enums and records their parameters use. */
export function capabilitySignatures(witText) {
  const wit = witText.replace(/\/\/.*$/gm, '');
  const enums = {};
  for (const [, name, cases] of wit.matchAll(/\benum\s+([\w-]+)\s*\{([^}]*)\}/g)) enums[name] = splitTopLevel(cases);
  const records = {};
  for (const [, name, fields] of wit.matchAll(/\brecord\s+([\w-]+)\s*\{([^}]*)\}/g)) records[name] = splitTopLevel(fields).map(field);
  const functions = {};
  for (const [, iface, body] of wit.matchAll(/\binterface\s+([\w-]+)\s*\{((?:[^{}]|\{[^}]*\})*)\}/g)) {
    if (notCapabilities.has(iface)) continue;
    functions[iface] = {};
    for (const [, fn, params, result] of body.matchAll(/([\w%-]+)\s*:\s*func\(([^)]*)\)\s*(?:->\s*([^;]+))?;/g)) {
      functions[iface][camel(fn)] = { params: splitTopLevel(params).map(field), fallible: /^result\b/.test((result ?? '').trim()) };
    }
  }
  return { enums, records, functions };
}

/** The enums and records named by the parameters of capability functions, directly or through a record. */
function usedTypes({ enums, records, functions }) {
  const used = new Set();
  const visit = (type) => {
    for (const name of type.match(/[\w-]+/g) ?? []) {
      if (used.has(name) || !(name in enums || name in records)) continue;
      used.add(name);
      for (const [, fieldType] of records[name] ?? []) visit(fieldType);
    }
  };
  for (const fns of Object.values(functions)) for (const { params } of Object.values(fns)) for (const [, type] of params) visit(type);
  return used;
}

function signaturesSource(witText) {
  const table = capabilitySignatures(witText);
  const used = usedTypes(table);
  const key = (name) => (/^[a-z]\w*$/i.test(name) ? name : `'${name}'`);
  const pairs = (list) => `[${list.map(([name, type]) => `['${name}', '${type}']`).join(', ')}]`;
  const enums = Object.entries(table.enums).filter(([name]) => used.has(name))
    .map(([name, cases]) => `  ${key(name)}: [${cases.map((c) => `'${c}'`).join(', ')}],`).join('\n');
  const records = Object.entries(table.records).filter(([name]) => used.has(name))
    .map(([name, fields]) => `  ${key(name)}: ${pairs(fields)},`).join('\n');
  const functions = Object.entries(table.functions).map(([iface, fns]) => `  ${key(iface)}: {\n${Object.entries(fns)
    .map(([fn, { params, fallible }]) => `    ${key(fn)}: { params: ${pairs(params)}, fallible: ${fallible} },`).join('\n')}\n  },`).join('\n');
  const interfaces = Object.keys(table.functions).map((iface) => `  '${iface}': typeof import('picode:plugin/${iface}@0.1.0');`).join('\n');
  return `// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
/// <reference path="../../plugins/sdk/types/plugin.d.ts" />

/** Per capability interface (a permission), the functions jco declares for it. */
export interface CapabilityInterfaces {
${interfaces}
}

/** A WIT type as written in plugin.wit (\`string\`, \`u32\`, \`list<string>\`, an enum or record name). */
export type WitType = string;

export interface CapabilitySignature {
  /** Parameters in order: name (camelCase, as jco names them) and WIT type. */
  readonly params: ReadonlyArray<readonly [string, WitType]>;
  /** True when the WIT result is \`result<T, string>\`: a host error becomes the plugin's \`err\`. */
  readonly fallible: boolean;
}

/** The enums and records capability parameters use. */
export const witEnums: Readonly<Record<string, readonly string[]>> = {
${enums}
};

/** Record fields (camelCase, as jco names them) and their WIT types. */
export const witRecords: Readonly<Record<string, ReadonlyArray<readonly [string, WitType]>>> = {
${records}
};

export const capabilitySignatures = {
${functions}
} as const satisfies { readonly [I in keyof CapabilityInterfaces]: { readonly [F in keyof CapabilityInterfaces[I]]: CapabilitySignature } };
`;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [relative(outDir, full)];
  });
}

const files = generatedTypes();
const signatures = signaturesSource(readFileSync(witFile, 'utf8'));
if (process.argv.includes('--check')) {
  const existing = listFiles(outDir).sort();
  const stale = [...files.keys()].filter((name) => !existsSync(join(outDir, name)) || readFileSync(join(outDir, name), 'utf8') !== files.get(name));
  const extra = existing.filter((name) => !files.has(name));
  if (stale.length || extra.length) {
    process.stderr.write(`plugins/sdk/types is stale (${[...stale, ...extra].join(', ')}): run node plugins/sdk/generate-types.mjs\n`);
    process.exit(1);
  }
  if (!existsSync(signaturesFile) || readFileSync(signaturesFile, 'utf8') !== signatures) {
    process.stderr.write('host/plugins/capabilitySignatures.ts is stale: run node plugins/sdk/generate-types.mjs\n');
    process.exit(1);
  }
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(outDir, { recursive: true, force: true });
  for (const [name, text] of files) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), text);
  }
  writeFileSync(signaturesFile, signatures);
  process.stderr.write(`wrote ${files.size} files to ${relative(process.cwd(), outDir) || outDir} and ${relative(process.cwd(), signaturesFile)}\n`);
}
