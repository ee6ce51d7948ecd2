import { basename, extname } from 'node:path';
import { panesOf, type LayoutNode, type OnExit, type PaneRole, type PaneSpec, type SessionSpec, type Size, type WindowSpec } from './model.js';
import { layoutSchema, paneSchema, splitSchema, windowSchema, type LayoutFile, type PaneFile, type SplitFile, type WindowFile } from './schema.js';
import type { z } from 'zod';
import { problemsFromIssues, valueAt, type Problem } from '../core/schemaProblems.js';
import { expandPath, type ExpandContext } from './expand.js';
import { LayoutProblems, problem } from './problems.js';
import type { SourceFile } from '../core/sourceFile.js';
import { sessionNameFrom } from './sessionName.js';

/**
 * picode's own format: validate with the zod schema, then normalise into a SessionSpec
 * (absolute directories, sizes as percent or cells, defaults filled in). Every problem is
 * collected with its key path so the caller can name the line.
 */
export interface PicodeLoadContext extends ExpandContext {
  readonly cwd: string;
}

const HINT = 'see docs/layouts.md for the format; config/layout.schema.json lets your editor check it as you type';

export function loadPicodeLayout(source: SourceFile, ctx: PicodeLoadContext): SessionSpec {
  const parsed = layoutSchema.safeParse(source.data);
  if (!parsed.success) throw new LayoutProblems(problemsFromIssues(splitIssues(parsed.error.issues, source.data), source.data, knownLayoutKeys), HINT);
  const problems: Problem[] = [];
  const spec = normalise(parsed.data, source.file, ctx, problems);
  if (problems.length) throw new LayoutProblems(problems, HINT);
  return spec;
}

/**
 * zod reports a pane entry that fails both as a split and as a pane with the pane branch's
 * complaint ("unknown key split"). When the entry has a `split` key the user meant a split:
 * validate it as one and report that instead (recursively, for nested splits).
 */
function splitIssues(issues: readonly z.core.$ZodIssue[], data: unknown, base: readonly PropertyKey[] = []): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    const value = valueAt(data, path);
    if (issue.code !== 'unrecognized_keys' || !issue.keys.includes('split') || value === null || typeof value !== 'object') {
      return [{ ...issue, path }];
    }
    const asSplit = splitSchema.safeParse(value);
    return asSplit.success ? [{ ...issue, path }] : splitIssues(asSplit.error.issues, data, path);
  });
}

/** The keys allowed where an unknown key was written, for "did you mean". */
function knownLayoutKeys(path: readonly PropertyKey[], value: unknown): readonly string[] {
  if (path.length === 0) return Object.keys(layoutSchema.shape);
  if (path.length === 2 && path[0] === 'windows') return Object.keys(windowSchema.shape);
  if (value !== null && typeof value === 'object' && 'split' in value) return ['split', 'size', 'panes'];
  return Object.keys(paneSchema.shape);
}

export function sessionNameFromFile(file: string): string {
  return sessionNameFrom(basename(file, extname(file)));
}

function normalise(file: LayoutFile, path: string, ctx: PicodeLoadContext, problems: Problem[]): SessionSpec {
  const cwd = expandPath(file.cwd ?? '.', ctx.cwd, ctx);
  const focused = file.windows.filter((w) => w.focus).length;
  if (focused > 1) problems.push(problem(['windows'], `${focused} windows have focus: true; at most one can`));
  return {
    name: file.name ?? sessionNameFromFile(path),
    cwd,
    ...(file.cwd === undefined ? {} : { cwdSource: file.cwd }),
    env: file.env ?? {},
    before: file.before ?? [],
    options: file.options ?? {},
    windows: file.windows.map((w, i) => normaliseWindow(w, ['windows', i], cwd, ctx, problems)),
    source: { format: 'picode', file: path },
    unsupported: [],
  };
}

function normaliseWindow(w: WindowFile, at: PropertyKey[], sessionCwd: string, ctx: PicodeLoadContext, problems: Problem[]): WindowSpec {
  const cwd = expandPath(w.cwd ?? '.', sessionCwd, ctx);
  if (w.panes && w.command !== undefined) {
    problems.push(problem([...at, 'command'], 'a window has either `command` (one pane) or `panes`, not both', true));
  }
  const entries = w.panes ?? [w.command === undefined ? {} : { command: w.command }];
  const root = entries.length === 1 && !isSplit(entries[0]!)
    ? normalisePane(entries[0]!, [...at, 'panes', 0], cwd, ctx, problems)
    : normaliseSplit({ split: w.split ?? 'row', panes: entries }, at, cwd, ctx, problems);
  const panes = [...panesOf(root)];
  const focused = panes.filter((p) => p.focus).length;
  if (focused > 1) problems.push(problem([...at, 'panes'], `${focused} panes of this window have focus: true; at most one can`));
  if (w.layout !== undefined && hasSizes(root)) {
    problems.push(problem([...at, 'layout'], 'a window with `layout` cannot also give pane sizes (the tmux layout decides them)', true));
  }
  return {
    name: w.name,
    cwd,
    ...(w.cwd === undefined ? {} : { cwdSource: w.cwd }),
    env: w.env ?? {},
    focus: w.focus ?? false,
    root,
    tmuxLayout: w.layout,
    ...(w.index === undefined ? {} : { index: w.index }),
    options: w.options ?? {},
  };
}

type Entry = string | PaneFile | SplitFile;

function isSplit(entry: Entry): entry is SplitFile {
  return typeof entry === 'object' && 'split' in entry;
}

function normaliseSplit(split: SplitFile, at: PropertyKey[], cwd: string, ctx: PicodeLoadContext, problems: Problem[]): LayoutNode {
  const size = split.size === undefined ? undefined : parseSize(split.size);
  const children = split.panes.map((entry, i) => {
    const childAt = [...at, 'panes', i];
    return isSplit(entry)
      ? normaliseSplit(entry, childAt, cwd, ctx, problems)
      : normalisePane(entry, childAt, cwd, ctx, problems);
  });
  const percent = children.reduce((sum, c) => sum + (c.size && 'percent' in c.size ? c.size.percent : 0), 0);
  if (percent > 100) problems.push(problem([...at, 'panes'], `the sizes of these panes add up to ${percent}%, more than 100%`));
  if (children.length > 0 && children.every((c) => c.size !== undefined) && percent > 0 && percent < 100 && children.every((c) => c.size && 'percent' in c.size)) {
    problems.push(problem([...at, 'panes'], `the sizes of these panes add up to ${percent}%; leave one pane without a size or make them add up to 100%`));
  }
  return { kind: 'split', direction: split.split, size, children };
}

function normalisePane(entry: string | PaneFile, at: PropertyKey[], windowCwd: string, ctx: PicodeLoadContext, problems: Problem[]): PaneSpec {
  const pane: PaneFile = typeof entry === 'string' ? { command: entry } : entry;
  const role = (pane.role ?? 'shell') as PaneRole;
  if (role === 'plugin' && !pane.plugin) problems.push(problem([...at, 'plugin'], 'a pane with role: plugin needs `plugin: <name>`', true));
  if (pane.plugin && role !== 'plugin') problems.push(problem([...at, 'plugin'], '`plugin` only applies to panes with role: plugin', true));
  if (pane.agent !== undefined && pane.command !== undefined) problems.push(problem([...at, 'agent'], 'a pane runs either `agent` or `command`, not both', true));
  if (pane.agent === undefined && (pane.task !== undefined || pane.worktree !== undefined)) problems.push(problem([...at, pane.task !== undefined ? 'task' : 'worktree'], '`task` and `worktree` only apply to a pane with `agent: KIND`', true));
  const onExit: OnExit = pane.onExit ?? (pane.agent !== undefined || (pane.command === undefined && role !== 'shell') ? 'hold' : 'shell');
  return {
    kind: 'pane',
    name: pane.name,
    role,
    command: pane.command,
    typed: [],
    onExit,
    cwd: expandPath(pane.cwd ?? '.', windowCwd, ctx),
    ...(pane.cwd === undefined ? {} : { cwdSource: pane.cwd }),
    env: pane.env ?? {},
    focus: pane.focus ?? false,
    size: pane.size === undefined ? undefined : parseSize(pane.size),
    shellInit: pane.shellInit ?? false,
    plugin: pane.plugin,
    ...(pane.agent !== undefined ? { agent: { with: pane.agent, task: pane.task ?? '', worktree: pane.worktree ?? false } } : {}),
  };
}

export function parseSize(size: number | string): Size {
  if (typeof size === 'number') return { cells: size };
  return { percent: Number(size.replace('%', '').trim()) };
}

function hasSizes(node: LayoutNode): boolean {
  if (node.kind === 'pane') return node.size !== undefined;
  return node.children.some((c) => c.size !== undefined || hasSizes(c));
}

