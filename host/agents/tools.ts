import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { unifiedDiff } from '../../src/agents/diff.js';
import type { AgentTool, ToolOutput } from '../../src/agents/types.js';
import { describePane, type ToolEnvironment } from './toolEnvironment.js';

const require = createRequire(import.meta.url);

/**
 * The tools an agent gets from the host. Names are what the model sees (letters, digits and
 * `_` only, which every provider accepts). File tools are confined to the environment's
 * root: a path that resolves outside it (`../`, an absolute path elsewhere) is refused.
 */
export function hostTools(env: ToolEnvironment): AgentTool[] {
  const tools: AgentTool[] = [runCommand(env), readFileTool(env), searchFiles(env), writeFileTool(env), editFile(env)];
  if (env.panes) tools.push(...paneTools(env, env.panes));
  return tools;
}

function tool<S extends z.ZodObject>(name: string, description: string, schema: S, run: (args: z.output<S>, signal: AbortSignal) => Promise<ToolOutput>): AgentTool {
  return { name, description, parameters: schema, execute: (args, context) => run(args as z.output<S>, context.signal) };
}

function runCommand(env: ToolEnvironment): AgentTool {
  const where = env.workPane ? `in the pane ${env.workPane} (visible to the person)` : `in ${env.root}`;
  return tool(
    'run_command',
    `Run a shell command ${where} and wait for it; returns its exit code and output. Use for builds, tests, git.`,
    z.object({
      command: z.string().min(1).describe('The shell command line.'),
      pane: z.string().optional().describe('Run it in this pane (id like %3, or the pane name) instead of the default.'),
      timeout_seconds: z.number().int().min(1).max(3600).optional().describe('Give up after this long (default 300).'),
    }),
    async (args, signal) => {
      const result = await env.run(args.command, { pane: args.pane, timeoutMs: (args.timeout_seconds ?? 300) * 1000, signal });
      const status = result.interrupted ? 'did not finish (timeout, stop, or the pane closed)' : `exit code ${result.exitCode ?? 'unknown'}`;
      return {
        content: `${status}, ${Math.round(result.durationMs)} ms\n${result.output}`,
        isError: result.interrupted || (result.exitCode !== null && result.exitCode !== 0),
      };
    },
  );
}

/** Resolves a path given by the model inside the root, or throws. */
export function confine(root: string, path: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`${path} is outside the agent's working directory ${root}`);
  }
  return full;
}

function readFileTool(env: ToolEnvironment): AgentTool {
  return tool(
    'read_file',
    'Read a text file (paths relative to the project root). Returns numbered lines; use offset/limit for long files.',
    z.object({
      path: z.string().min(1),
      offset: z.number().int().min(1).optional().describe('First line to return (1-based).'),
      limit: z.number().int().min(1).max(5000).optional().describe('Number of lines (default 400).'),
    }),
    async (args) => {
      const text = await readFile(confine(env.root, args.path), 'utf8');
      const lines = text.split('\n');
      const from = (args.offset ?? 1) - 1;
      const slice = lines.slice(from, from + (args.limit ?? 400));
      const body = slice.map((line, i) => `${String(from + i + 1).padStart(5)}  ${line}`).join('\n');
      const more = from + slice.length < lines.length ? `\n[${lines.length - from - slice.length} more lines: read with offset ${from + slice.length + 1}]` : '';
      return { content: body + more };
    },
  );
}

function writeFileTool(env: ToolEnvironment): AgentTool {
  return tool(
    'write_file',
    'Create or overwrite a text file with the given content. The person sees the diff.',
    z.object({ path: z.string().min(1), content: z.string() }),
    async (args) => writeWithDiff(env, args.path, () => args.content),
  );
}

function editFile(env: ToolEnvironment): AgentTool {
  return tool(
    'edit_file',
    'Replace one exact occurrence of old_text with new_text in a file (include enough surrounding text to be unique).',
    z.object({ path: z.string().min(1), old_text: z.string().min(1), new_text: z.string() }),
    async (args) => writeWithDiff(env, args.path, (before) => {
      const at = before.indexOf(args.old_text);
      if (at < 0) throw new Error(`old_text was not found in ${args.path}; read the file again`);
      if (before.indexOf(args.old_text, at + 1) >= 0) throw new Error(`old_text occurs more than once in ${args.path}; include more context`);
      return before.slice(0, at) + args.new_text + before.slice(at + args.old_text.length);
    }),
  );
}

async function writeWithDiff(env: ToolEnvironment, path: string, change: (before: string) => string): Promise<ToolOutput> {
  const full = confine(env.root, path);
  const before = existsSync(full) ? await readFile(full, 'utf8') : '';
  const after = change(before);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, after);
  const diff = unifiedDiff(before, after, { path: relative(env.root, full) });
  const added = diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
  const removed = diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).length;
  return { content: diff ? `wrote ${path}: +${added} -${removed} lines` : `${path} unchanged`, display: diff || `${path} unchanged` };
}

function searchFiles(env: ToolEnvironment): AgentTool {
  return tool(
    'search_files',
    'Search the project for a regular expression (like grep -rn); skips .gitignore\'d files, .git and node_modules.',
    z.object({
      pattern: z.string().min(1).describe('JavaScript regular expression.'),
      glob: z.string().optional().describe('Only files whose path matches this glob (e.g. **/*.ts).'),
      max_results: z.number().int().min(1).max(1000).optional(),
    }),
    async (args) => {
      let regex: RegExp;
      try { regex = new RegExp(args.pattern); } catch (error) { return { content: `bad pattern: ${(error as Error).message}`, isError: true }; }
      const picomatch = require('picomatch') as (glob: string, options?: object) => (path: string) => boolean;
      const matchGlob = args.glob ? picomatch(args.glob, { dot: true }) : undefined;
      const max = args.max_results ?? 200;
      const hits: string[] = [];
      for (const file of walk(env.root)) {
        if (matchGlob && !matchGlob(file)) continue;
        const text = readSmallText(join(env.root, file));
        if (text === undefined) continue;
        const lines = text.split('\n');
        for (let i = 0; i < lines.length && hits.length < max; i++) {
          if (regex.test(lines[i]!)) hits.push(`${file}:${i + 1}: ${lines[i]!.slice(0, 300)}`);
        }
        if (hits.length >= max) break;
      }
      return { content: hits.length ? hits.join('\n') + (hits.length >= max ? `\n[stopped at ${max} results]` : '') : 'no matches' };
    },
  );
}

/** Files under root (relative paths), skipping what the root .gitignore ignores. */
function* walk(root: string): Generator<string> {
  const ignore = (require('ignore') as () => { add(p: string): unknown; ignores(p: string): boolean })();
  ignore.add(['.git', 'node_modules'].join('\n'));
  const gitignore = join(root, '.gitignore');
  if (existsSync(gitignore)) ignore.add(readFileSync(gitignore, 'utf8'));
  const stack = [''];
  let seen = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try { entries = readdirSync(join(root, dir), { withFileTypes: true }); } catch { continue; }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ignore.ignores(`${rel}/`)) stack.push(rel);
      } else if (entry.isFile() && !ignore.ignores(rel)) {
        if (++seen > 50_000) return;
        yield rel;
      }
    }
  }
}

function readSmallText(path: string): string | undefined {
  try {
    if (statSync(path).size > 1_000_000) return undefined;
    const buffer = readFileSync(path);
    if (buffer.includes(0)) return undefined;
    return buffer.toString('utf8');
  } catch {
    return undefined;
  }
}

function paneTools(env: ToolEnvironment, panes: NonNullable<ToolEnvironment['panes']>): AgentTool[] {
  return [
    tool('list_panes', 'List the panes of the session (id, name, command, size).', z.object({}), async () => ({
      content: panes.list().map((p) => `${describePane(p)}  ${p.command}  ${p.width}x${p.height}${p.active ? '  (active)' : ''}`).join('\n') || 'no panes',
    })),
    tool(
      'read_pane',
      'Read the recent output of a pane (what a person sees, plus history).',
      z.object({ pane: z.string().min(1), lines: z.number().int().min(1).max(5000).optional().describe('History lines (default 200).') }),
      async (args) => ({ content: await panes.capture(args.pane, args.lines ?? 200) }),
    ),
    tool(
      'send_text',
      'Type text into a pane (for interactive programs); set enter to press Enter after it.',
      z.object({ pane: z.string().min(1), text: z.string(), enter: z.boolean().optional() }),
      async (args) => {
        await panes.sendText(args.pane, args.text, args.enter ?? false);
        return { content: 'sent' };
      },
    ),
    tool(
      'send_keys',
      'Send keys to a pane, tmux key names: C-c, Enter, Escape, Up, q ...',
      z.object({ pane: z.string().min(1), keys: z.array(z.string().min(1)).min(1) }),
      async (args) => {
        await panes.sendKeys(args.pane, args.keys);
        return { content: 'sent' };
      },
    ),
  ];
}
