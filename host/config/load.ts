import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { PicodeError } from '../core/errors.js';
import { userConfigDir } from '../core/paths.js';
import { configSchema, type PicodeConfig } from './schema.js';
import { deepMerge, type PlainObject } from './merge.js';
import { defaultsFile, projectPlaces, userPlaces } from './places.js';

/**
 * Loads the configuration: the shipped defaults (config/defaults.yaml), then the user file
 * (~/.config/picode/config.*), then the project file found by cosmiconfig from `cwd`
 * upwards; later layers win key by key. The merged result is validated once; an error names
 * the file that set the offending key.
 */
export interface LoadedConfig {
  readonly config: PicodeConfig;
  /** The files that contributed, lowest precedence first. */
  readonly files: readonly string[];
  readonly projectFile: string | undefined;
  readonly userFile: string | undefined;
}

interface Layer {
  readonly file: string;
  readonly data: PlainObject;
}

export async function loadConfig(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const layers: Layer[] = [];

  const defaults = defaultsFile();
  if (existsSync(defaults)) layers.push({ file: defaults, data: await readYamlObject(defaults) });

  const { cosmiconfig } = await import('cosmiconfig');
  const loaders = { '.ts': loadTypeScript, '.mts': loadTypeScript };

  const userDir = userConfigDir(env);
  let userFile: string | undefined;
  const userExplorer = cosmiconfig('picode', { searchPlaces: userPlaces, loaders, searchStrategy: 'none', cache: false });
  const user = await explore(() => userExplorer.search(userDir), userDir);
  if (user) {
    userFile = user.file;
    layers.push(user);
  }

  let projectFile: string | undefined;
  const projectExplorer = cosmiconfig('picode', { searchPlaces: projectPlaces, loaders, searchStrategy: 'project', cache: false });
  const project = await explore(() => projectExplorer.search(cwd), cwd);
  if (project && project.file !== userFile) {
    projectFile = project.file;
    layers.push(project);
  }

  const merged = layers.reduce<PlainObject>((acc, layer) => deepMerge(acc, layer.data), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error, layers);
  return { config: parsed.data, files: layers.map((l) => l.file), projectFile, userFile };
}

async function explore(search: () => Promise<{ config: unknown; filepath: string; isEmpty?: boolean } | null>, where: string): Promise<Layer | undefined> {
  let result;
  try {
    result = await search();
  } catch (error) {
    const err = error as Error & { filepath?: string; mark?: { line: number; column: number } };
    throw new PicodeError(`cannot read the picode config near ${where}: ${err.message}`, {
      hint: 'fix the syntax of the file named above (YAML, JSON, JS or TS)',
      cause: error,
    });
  }
  if (!result || result.isEmpty) return undefined;
  const data = result.config;
  if (!isPlainObject(data)) {
    throw new PicodeError(`${result.filepath}: the config must be an object of keys, found ${describe(data)}`, {
      hint: 'see config/picode.config.schema.json for the keys picode accepts',
    });
  }
  return { file: result.filepath, data };
}

async function readYamlObject(file: string): Promise<PlainObject> {
  const { parse } = await import('yaml');
  const data = parse(readFileSync(file, 'utf8')) as unknown;
  return isPlainObject(data) ? data : {};
}

async function loadTypeScript(filepath: string): Promise<unknown> {
  // TypeScript configs are loaded through jiti (cosmiconfig's own TS loader needs the
  // TypeScript compiler API, which picode does not ship at run time).
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { interopDefault: true });
  return jiti.import(filepath, { default: true });
}

function configError(error: z.ZodError, layers: readonly Layer[]): PicodeError {
  const lines = error.issues.slice(0, 10).map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [undefined];
    return keys.map((extra) => {
      const path = extra === undefined ? issue.path : [...issue.path, extra];
      const file = fileSetting(path, layers) ?? layers.at(-1)?.file ?? '(defaults)';
      const key = formatPath(path);
      const what = issue.code === 'unrecognized_keys' ? 'is not a picode config key' : issue.message;
      return `  ${file}: ${key || '(top level)'}: ${what}`;
    }).join('\n');
  });
  return new PicodeError(`invalid picode config:\n${lines.join('\n')}`, {
    hint: 'fix the keys named above; config/picode.config.schema.json lists every key with its type',
  });
}

/** The highest-precedence layer that sets the given key path (the file to blame). */
function fileSetting(path: readonly PropertyKey[], layers: readonly Layer[]): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    let node: unknown = layers[i]!.data;
    let found = true;
    for (const key of path) {
      if (node !== null && typeof node === 'object' && key in (node as object)) {
        node = (node as Record<PropertyKey, unknown>)[key];
      } else {
        found = false;
        break;
      }
    }
    if (found) return layers[i]!.file;
  }
  return undefined;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
