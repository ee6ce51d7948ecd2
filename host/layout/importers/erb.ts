import { spawnSync } from 'node:child_process';
import { PicodeError } from '../../core/errors.js';
import { readVar, type ExpandContext } from '../expand.js';

/**
 * ERB in tmuxinator project files. tmuxinator users have Ruby: when `ruby` is on PATH the
 * file is rendered by it exactly as tmuxinator renders it (Erubis when installed, as
 * tmuxinator uses, else the standard library's ERB), with `@settings` and `@args` bound as
 * tmuxinator binds them. The template is the user's own code, run as tmuxinator would run it.
 *
 * Without Ruby, the part of ERB that tmuxinator project files use in practice is rendered here:
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
  return renderWithRuby(text, file, ctx) ?? renderSubset(text, file, ctx);
}

/**
 * tmuxinator's Project.load: `@settings` from the `key=value` arguments (split on `=` as it
 * does), `@args` the other arguments, then the template evaluated with that binding.
 */
const RUBY_RENDER = String.raw`
src = STDIN.read
file = ARGV.shift
args = ARGV.dup
engine = begin
  require "erubis"
  :erubis
rescue LoadError
  require "erb"
  :erb
end
class PicodeTmuxinatorProject
  def self.render(src, file, args, engine)
    @settings = Hash[args.select { |x| x.match(/.*=.*/) }.map { |setting| parts = setting.split("="); [parts[0], parts[1]] }]
    args.reject! { |x| x.match(/.*=.*/) }
    @args = args
    if engine == :erubis
      Erubis::Eruby.new(src, filename: file).result(binding)
    else
      template = ERB.new(src)
      template.filename = file
      template.result(binding)
    end
  end
end
begin
  STDOUT.write(PicodeTmuxinatorProject.render(src, file, args, engine))
rescue Exception => error
  line = (error.backtrace || []).find { |l| l.start_with?(file + ":") }
  line = line && line[file.length + 1..].to_i
  line = error.message[/#{Regexp.escape(file)}:(\d+)/, 1].to_i if (line.nil? || line == 0) && error.is_a?(SyntaxError)
  STDERR.write("#{line || 0}\n#{error.class}: #{error.message.lines.first.to_s.strip}")
  exit 3
end
`;

/** Undefined when there is no `ruby` on PATH (the caller then renders the subset). */
function renderWithRuby(text: string, file: string, ctx: ErbContext): string | undefined {
  const settings = Object.entries(ctx.settings).map(([k, v]) => `${k}=${v}`);
  for (const key of Object.keys(ctx.settings)) ctx.readSettings.add(key);
  // The environment is copied through ctx.env, which records every variable as read: the
  // template may read any of them, so the layout cache is only reused while none changed.
  const env = { ...ctx.env };
  const result = spawnSync('ruby', ['-e', RUBY_RENDER, '--', file, ...settings], { input: text, env, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  // Ruby may read files, the clock, anything: render it again on every launch, as tmuxinator does.
  ctx.noCache?.();
  if (result.error) {
    throw new PicodeError(`${file}: could not render its ERB with ruby: ${result.error.message}`, { hint: 'check that `ruby -v` works' });
  }
  if (result.status !== 0) {
    const [lineText, ...message] = result.stderr.split('\n');
    const line = Number(lineText);
    const detail = result.status === 3 ? message.join(' ').trim() : result.stderr.trim();
    throw new PicodeError(`${file}${line > 0 ? `:${line}` : ''}: its ERB failed in Ruby: ${detail}`, {
      hint: 'the file\'s Ruby runs as tmuxinator runs it: fix that line, or pass the key=value settings it reads (picode up FILE key=value)',
    });
  }
  return result.stdout;
}

function renderSubset(text: string, file: string, ctx: ErbContext): string {
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
