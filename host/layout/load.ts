import { readFileSync } from 'node:fs';
import { PicodeError } from '../core/errors.js';
import type { SessionSpec } from './model.js';
import { resolveLayoutFile } from './resolve.js';

/**
 * Loads a layout (a name or a path) into a `SessionSpec`, whatever its format. This is the
 * full, validating path: it imports yaml and zod (about a quarter of a second here), so
 * `picode up` reaches it only when host/layout/cache.ts has no valid entry.
 */
export interface LoadLayoutOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** `key=value` arguments of `picode up FILE k=v`: tmuxinator's `@settings`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface LoadedLayout {
  readonly spec: SessionSpec;
  readonly file: string;
  /** Environment variables the layout read, with the values seen (the cache checks them). */
  readonly readEnv: Readonly<Record<string, string | undefined>>;
  /** `@settings` keys the layout read. */
  readonly readSettings: readonly string[];
  /** False when the result may change without the file or the variables changing (see ExpandContext.noCache). */
  readonly cacheable: boolean;
}

export async function loadLayout(fileOrName: string, options: LoadLayoutOptions): Promise<SessionSpec> {
  return (await loadLayoutDetailed(fileOrName, options)).spec;
}

export async function loadLayoutDetailed(fileOrName: string, options: LoadLayoutOptions): Promise<LoadedLayout> {
  const file = resolveLayoutFile(fileOrName, options);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PicodeError(`cannot read the layout ${file}: ${(error as Error).message}`, { hint: 'check the path and its permissions' });
  }
  const readEnv: Record<string, string | undefined> = {};
  // Every variable a loader reads is recorded through this view of the environment, so a
  // cached layout is reused only while those variables are unchanged (importers written by
  // other parts of picode are covered without knowing about the cache).
  const env = recordingEnv(options.env, readEnv);
  const readSettings = new Set<string>();
  let cacheable = true;
  const noCache = (): void => { cacheable = false; };

  if (file.endsWith('.kdl')) {
    const { importZellijLayout } = await import('./importers/zellij.js');
    const spec = importZellijLayout(text, { file, cwd: options.cwd, env });
    return { spec, file, readEnv, readSettings: [], cacheable };
  }

  const [{ parseSource }, { detectFormat }, { LayoutProblems, layoutError }] = await Promise.all([
    import('../core/sourceFile.js'), import('./detect.js'), import('./problems.js'),
  ]);
  let rendered = text;
  if (text.includes('<%')) {
    const { renderErb } = await import('./importers/erb.js');
    rendered = renderErb(text, file, { env, readEnv, settings: options.settings ?? {}, readSettings, noCache });
  }
  let source = parseSource(file, rendered);
  const format = detectFormat(file, source.data);
  // tmuxinator reads its files with Ruby's Psych (YAML 1.1): read the values as it does.
  if (format === 'tmuxinator') source = parseSource(file, rendered, { plainScalar: (await import('./importers/psych.js')).psychScalar });
  const ctx = { env, readEnv, cwd: options.cwd, noCache };
  try {
    let spec: SessionSpec;
    if (format === 'tmuxp') spec = (await import('./importers/tmuxp.js')).importTmuxp(source.data, file, ctx);
    else if (format === 'tmuxinator') spec = (await import('./importers/tmuxinator.js')).importTmuxinator(source.data, file, ctx);
    else spec = (await import('./picode.js')).loadPicodeLayout(source, ctx);
    return { spec, file, readEnv, readSettings: [...readSettings], cacheable };
  } catch (error) {
    if (error instanceof LayoutProblems) throw layoutError(source, error.problems, error.hint);
    throw error;
  }
}

function recordingEnv(env: NodeJS.ProcessEnv, seen: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return new Proxy(env, {
    get(target, key) {
      const value = Reflect.get(target, key) as string | undefined;
      if (typeof key === 'string') seen[key] = value;
      return value;
    },
  });
}
