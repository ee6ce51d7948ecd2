#!/usr/bin/env node
// `npm run bench -- NAME [args]`: runs dist/bench/NAME.js (compiled from bench/NAME.ts),
// which prints one JSON document on stdout. Progress goes to stderr.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const compiled = join(root, 'dist', 'bench');
const name = process.argv[2];
const available = existsSync(compiled)
  ? readdirSync(compiled).filter((f) => f.endsWith('.js') && !f.startsWith('_')).map((f) => f.slice(0, -3))
  : [];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME\navailable: ${available.join(', ') || '(none: run npm run build)'}\n`);
  process.exit(name ? 1 : 2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(join(compiled, `${name}.js`)).href);
