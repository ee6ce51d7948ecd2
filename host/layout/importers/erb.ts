import { PicodeError } from '../../core/errors.js';
import { readVar, type ExpandContext } from '../expand.js';

/**
 * The part of ERB that tmuxinator project files use in practice, rendered without Ruby:
 *
 *   <%= ENV["X"] %>  <%= ENV['X'] %>         the variable, or empty when unset
 *   <%= ENV["X"] || "default" %>              the variable, or the default when unset
 *   <%= ENV.fetch("X", "default") %>          the variable, or the default
 *   <%= ENV.fetch("X") %>                     the variable; an error when unset (as in Ruby)
 *   <%= @settings["k"] %>  <%= @settings[:k] %>  a `k=v` argument of `picode up FILE k=v`
 *   <%= @settings["k"] || "default" %>        the argument, or the default
 *   <%# comment %>                            nothing
 *
 * Anything else would need a Ruby interpreter: it is rejected with the line, rather than
 * guessed at. Output keeps the file's line structure so YAML errors still name the right line.
 */
export interface ErbContext extends ExpandContext {
  readonly settings: Readonly<Record<string, string>>;
  /** Settings read, for the layout cache key. */
  readonly readSettings: Set<string>;
}

const STR = `(?:"([^"\\\\]*)"|'([^'\\\\]*)')`;
const ENV_INDEX = new RegExp(`^ENV\\[\\s*${STR}\\s*\\]$`);
const ENV_FETCH = new RegExp(`^ENV\\.fetch\\(\\s*${STR}\\s*(?:,\\s*${STR}\\s*)?\\)$`);
const OR_DEFAULT = new RegExp(`^([\\s\\S]*?)\\s*\\|\\|\\s*${STR}$`);
const SETTINGS = new RegExp(`^@settings\\[\\s*(?:${STR}|:([A-Za-z_][A-Za-z0-9_]*))\\s*\\]$`);

export function renderErb(text: string, file: string, ctx: ErbContext): string {
  if (!text.includes('<%')) return text;
  return text.replace(/<%(=|#|-)?([\s\S]*?)-?%>/g, (whole, kind: string | undefined, body: string, offset: number) => {
    const line = text.slice(0, offset).split('\n').length;
    const newlines = '\n'.repeat((whole.match(/\n/g) ?? []).length);
    if (kind === '#') return newlines;
    if (kind !== '=') throw unsupported(file, line, whole);
    // `a || "default"`: as in Ruby, only nil (an unset variable or setting) falls back.
    const alternative = OR_DEFAULT.exec(body.trim());
    if (alternative) {
      const value = evaluate(alternative[1]!.trim(), file, line, whole, ctx);
      return (value === undefined ? (alternative[2] ?? alternative[3])! : value) + newlines;
    }
    const value = evaluate(body.trim(), file, line, whole, ctx);
    return (value ?? '') + newlines;
  });
}

/** One supported expression: its value, undefined when Ruby would give nil. */
function evaluate(expr: string, file: string, line: number, whole: string, ctx: ErbContext): string | undefined {
  let m = ENV_INDEX.exec(expr);
  if (m) return readVar(ctx, (m[1] ?? m[2])!);
  m = ENV_FETCH.exec(expr);
  if (m) {
    const name = (m[1] ?? m[2])!;
    const value = readVar(ctx, name);
    if (value !== undefined) return value;
    const fallback = m[3] ?? m[4];
    if (fallback !== undefined) return fallback;
    throw new PicodeError(`${file}:${line}: ${whole.trim()} needs the environment variable ${name}, which is not set`, {
      hint: `set ${name} (export ${name}=...), or give a default: ENV.fetch("${name}", "default")`,
    });
  }
  m = SETTINGS.exec(expr);
  if (m) {
    const key = (m[1] ?? m[2] ?? m[3])!;
    ctx.readSettings.add(key);
    return ctx.settings[key];
  }
  throw unsupported(file, line, whole);
}

function unsupported(file: string, line: number, tag: string): PicodeError {
  return new PicodeError(`${file}:${line}: unsupported ERB ${JSON.stringify(tag.trim())}`, {
    hint: 'picode renders only <%= ENV["X"] %>, <%= ENV.fetch("X", "default") %> and <%= @settings["key"] %> (each optionally || "default") '
      + '(pass key=value after the file: picode up FILE key=value); replace other Ruby with a fixed value',
  });
}
