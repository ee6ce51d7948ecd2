import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { PicodeError } from '../core/errors.js';
import { shippedLayoutsDir, userLayoutsDir } from '../core/paths.js';

/**
 * Finds the file a LAYOUT argument means: a path (anything with a `/` or an extension that
 * exists), else a name in the user's layouts folder (~/.config/picode/layouts), else a name
 * shipped in picode's layouts/. The user's folder comes first so a user can shadow `default`.
 * Only `stat` calls: this runs on every `picode up`, warm cache or not.
 */
export const layoutExtensions = ['.yaml', '.yml', '.json', '.kdl'];

export function resolveLayoutFile(nameOrPath: string, options: { cwd: string; env: NodeJS.ProcessEnv }): string {
  const asPath = resolve(options.cwd, nameOrPath.replace(/^~(?=\/)/, options.env.HOME ?? '~'));
  const looksLikePath = nameOrPath.includes('/') || extname(nameOrPath) !== '';
  if (looksLikePath && isFile(asPath)) return asPath;
  if (!looksLikePath) {
    for (const dir of [userLayoutsDir(options.env), shippedLayoutsDir()]) {
      for (const ext of layoutExtensions) {
        const candidate = join(dir, `${nameOrPath}${ext}`);
        if (isFile(candidate)) return candidate;
      }
    }
  }
  const names = availableLayouts(options.env).map((l) => l.name);
  throw new PicodeError(looksLikePath ? `layout file not found: ${asPath}` : `no layout named "${nameOrPath}"`, {
    hint: `name one of ${names.join(', ') || '(none found)'}, put ${nameOrPath}.yaml in ${userLayoutsDir(options.env)}, or give a path to a layout file`,
  });
}

export interface AvailableLayout {
  readonly name: string;
  readonly file: string;
  readonly origin: 'user' | 'shipped';
}

/** Every layout that can be named (user layouts shadow shipped ones of the same name). */
export function availableLayouts(env: NodeJS.ProcessEnv): AvailableLayout[] {
  const seen = new Map<string, AvailableLayout>();
  for (const [dir, origin] of [[userLayoutsDir(env), 'user'], [shippedLayoutsDir(), 'shipped']] as const) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      const ext = extname(entry);
      const name = basename(entry, ext);
      if (!layoutExtensions.includes(ext) || seen.has(name)) continue;
      seen.set(name, { name, file: join(dir, entry), origin });
    }
  }
  return [...seen.values()];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
