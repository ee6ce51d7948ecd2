import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { shellQuote } from '../core/shellQuote.js';

/**
 * Expansion of `~` and `$VAR` / `${VAR}` in paths written in layout files. Every variable
 * read is recorded in `readEnv`, because the normalised layout is cached and the cache is
 * only valid while those variables keep their values.
 */
export interface ExpandContext {
  readonly env: NodeJS.ProcessEnv;
  /** Variables read while loading, with the value seen (undefined = unset). */
  readonly readEnv: Record<string, string | undefined>;
  /**
   * Called when the result depends on more than the file and the variables read (a template
   * run by Ruby, a directory that did not exist): the layout cache must not keep it.
   */
  readonly noCache?: (() => void) | undefined;
}

export function readVar(ctx: ExpandContext, name: string): string | undefined {
  const value = ctx.env[name];
  ctx.readEnv[name] = value;
  return value;
}

export function expandVars(text: string, ctx: ExpandContext): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, bare: string | undefined) =>
    readVar(ctx, (braced ?? bare)!) ?? '');
}

/** Expands `~` and variables, then resolves against `base`. */
export function expandPath(path: string, base: string, ctx: ExpandContext): string {
  let out = expandVars(path.trim(), ctx);
  if (out === '~' || out.startsWith('~/')) out = (readVar(ctx, 'HOME') || homedir()) + out.slice(1);
  return isAbsolute(out) ? resolve(out) : resolve(base, out);
}

/** Quotes a word for a POSIX shell (left bare when it is safe as is): host/core/shellQuote.ts. */
export { shellQuote };
