import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { PicodeError } from '../core/errors.js';
import { formatPath } from '../core/schemaProblems.js';
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
  const loaders = { '.ts': loadTypeScript, '.mts': loadTypeScript, '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml };

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
  if (!parsed.success) throw await configError(parsed.error, layers, merged);
  return { config: parsed.data, files: layers.map((l) => l.file), projectFile, userFile };
}

async function explore(search: () => Promise<{ config: unknown; filepath: string; isEmpty?: boolean } | null>, where: string): Promise<Layer | undefined> {
  let result;
  try {
    result = await search();
  } catch (error) {
    const err = error as Error & { filepath?: string; mark?: { line: number; column: number } };
    throw new PicodeError(`cannot read the picode config near ${where}: ${err.message}`, {
      hint: (error instanceof PicodeError ? error.hint : undefined) ?? 'fix the syntax of the file named above (YAML, JSON, JS or TS)',
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

/** YAML configs through the layout parser: located syntax errors, and alias bombs refused (not expanded). */
async function loadYaml(filepath: string, content: string): Promise<unknown> {
  const { parseSource } = await import('../core/sourceFile.js');
  return content.trim() === '' ? undefined : parseSource(filepath, content).data;
}

async function loadTypeScript(filepath: string): Promise<unknown> {
  // TypeScript configs are loaded through jiti (cosmiconfig's own TS loader needs the
  // TypeScript compiler API, which picode does not ship at run time).
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { interopDefault: true });
  return jiti.import(filepath, { default: true });
}

/**
 * One message for every problem: the file that set the key (the highest layer that has it),
 * its line for YAML/JSON files, the key path, what was expected and what was found.
 */
async function configError(error: z.ZodError, layers: readonly Layer[], merged: PlainObject): Promise<PicodeError> {
  const [{ problemsFromIssues }, { parseSource }] = await Promise.all([import('../core/schemaProblems.js'), import('../core/sourceFile.js')]);
  const problems = problemsFromIssues(error.issues, merged, (path, value) => knownConfigKeys(path, value));
  const sources = new Map<string, ReturnType<typeof parseSource> | undefined>();
  const lines = problems.slice(0, 12).map((p) => {
    const file = fileSetting(p.atKey ? p.path.slice(0, -1) : p.path, layers, p.atKey ? p.path.at(-1) : undefined) ?? layers.at(-1)?.file ?? '(defaults)';
    if (!sources.has(file)) {
      let source;
      try {
        if (/\.(ya?ml|json)$|\/\.picoderc$/.test(file) && !file.endsWith('package.json')) source = parseSource(file, readFileSync(file, 'utf8'));
      } catch { /* the file parsed once already; a position is a nicety */ }
      sources.set(file, source);
    }
    const line = sources.get(file)?.lineOf(p.path, { key: p.atKey });
    return `  ${file}${line ? `:${line}` : ''}: ${formatPath(p.path) || '(top level)'}: ${p.message}`;
  });
  return new PicodeError(`invalid picode config:\n${lines.join('\n')}`, {
    hint: 'fix the keys named above; config/picode.config.schema.json lists every key with its type (docs/configuration.md explains them)',
  });
}

function knownConfigKeys(path: readonly PropertyKey[], _value: unknown): string[] {
  let schema: unknown = configSchema;
  for (const key of path) {
    const shape = shapeOf(schema);
    if (!shape || typeof key !== 'string' || !(key in shape)) return [];
    schema = shape[key];
  }
  return Object.keys(shapeOf(schema) ?? {});
}

/** The object shape behind optional/default wrappers, if the schema is an object. */
function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let s = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown; def?: { innerType?: unknown } } | undefined;
  for (let i = 0; i < 5 && s; i++) {
    if (s.shape) return s.shape;
    const inner = s.def?.innerType;
    s = inner as typeof s;
  }
  return undefined;
}

/** The highest-precedence layer that sets the given key path (the file to blame). */
function fileSetting(path: readonly PropertyKey[], layers: readonly Layer[], extra?: PropertyKey): string | undefined {
  const full = extra === undefined ? path : [...path, extra];
  for (let i = layers.length - 1; i >= 0; i--) {
    let node: unknown = layers[i]!.data;
    let found = true;
    for (const key of full) {
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


function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
