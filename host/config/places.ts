import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { shippedConfigDir, userConfigDir } from '../core/paths.js';
import { fileSignature } from '../core/fileCache.js';

/**
 * Where picode looks for configuration, in one place for the loader (load.ts, which asks
 * cosmiconfig to search exactly these) and for the cache check (cache.ts, which only stats
 * them). cosmiconfig's `project` strategy searches the working directory and its parents,
 * stopping at the first folder that holds a package.json or package.yaml.
 */
export const projectPlaces = [
  'package.json',
  '.picoderc',
  '.picoderc.json',
  '.picoderc.yaml',
  '.picoderc.yml',
  '.picoderc.js',
  '.picoderc.mjs',
  'picode.config.ts',
  'picode.config.mjs',
  'picode.config.js',
  'picode.config.json',
  'picode.config.yaml',
  'picode.config.yml',
];

export const userPlaces = ['config.yaml', 'config.yml', 'config.json', 'config.mjs', 'config.js', 'config.ts'];

export function defaultsFile(): string {
  return join(shippedConfigDir(), 'defaults.yaml');
}

/** The folders cosmiconfig's `project` search visits from `cwd`. */
export function projectSearchDirs(cwd: string): string[] {
  const dirs: string[] = [];
  let dir = cwd;
  for (;;) {
    dirs.push(dir);
    if (exists(join(dir, 'package.json')) || exists(join(dir, 'package.yaml'))) return dirs;
    const parent = dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

/** Signatures of every file whose appearance, change or removal could change the merged config. */
export function configInputsSignature(cwd: string, env: NodeJS.ProcessEnv): string {
  const parts = [fileSignature(defaultsFile())];
  const userDir = userConfigDir(env);
  for (const place of userPlaces) parts.push(fileSignature(join(userDir, place)));
  for (const dir of projectSearchDirs(cwd)) {
    for (const place of projectPlaces) parts.push(fileSignature(join(dir, place)));
    parts.push(fileSignature(join(dir, 'package.yaml')));
  }
  return parts.join('\n');
}

/** Config files picode can cache: plain data. JS/TS configs can compute anything, so they are re-run each time. */
export function isDataConfigFile(file: string): boolean {
  return /(\.json|\.ya?ml|\/\.picoderc)$/.test(file);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
