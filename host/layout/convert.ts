import { isAbsolute, relative } from 'node:path';
import { portablePaneProgram } from './zellijProgram.js';
import { writeZellijLayout } from './zellijKdl.js';
import { panesOf, type LayoutNode, type PaneSpec, type SessionSpec, type Size, type WindowSpec } from './model.js';
import { shellQuote } from './expand.js';

/**
 * Converts a loaded layout (any format picode reads) into another format:
 *
 * - `kdl`: a Zellij layout (KDL v1) with Zellij's tab-bar and status-bar around each tab;
 *   commands are written portably (`sh -c` for command lines, `picode pane ROLE` for views).
 * - `picode`: picode's own YAML (docs/layouts.md), which round-trips everything picode models.
 *
 * Each returns the text and what could not be carried over (the caller warns about it), so
 * that nothing is lost silently.
 */
export type ConvertTarget = 'kdl' | 'picode' | 'tmuxp';
export const convertTargets: readonly ConvertTarget[] = ['kdl', 'picode', 'tmuxp'];

export interface Converted {
  readonly text: string;
  /** What the target format cannot express, by name. */
  readonly dropped: readonly string[];
}

export async function convertLayout(spec: SessionSpec, to: ConvertTarget): Promise<Converted> {
  if (to === 'tmuxp') return toTmuxp(spec);
  return to === 'kdl' ? toKdl(spec) : toPicodeYaml(spec);
}

/** Where the written layout came from, for the comment at its top. */
function origin(spec: SessionSpec, to: ConvertTarget): string {
  // `picode freeze` names its source `tmux session NAME`.
  if (spec.source.file.startsWith('tmux session ')) return `frozen from the ${spec.source.file} by \`picode freeze --format ${to}\``;
  return `converted from ${spec.source.file} (${spec.source.format}) by \`picode layout convert --to ${to}\``;
}

/**
 * A tmuxp workspace. tmuxp has no split tree: each window gets its geometry as a tmux layout
 * string (`layouts[i]` when the caller has tmux's own, as `picode freeze` does; else computed
 * for an 80x24 window) and its panes in layout order, each typing its command.
 */
export async function toTmuxp(spec: SessionSpec, layouts?: readonly string[]): Promise<Converted> {
  const [{ stringify }, { tmuxLayoutString }] = await Promise.all([import('yaml'), import('./tmuxLayoutString.js')]);
  const dropped = spec.unsupported.map((u) => `not supported by picode in the source: ${u}`);
  const doc: Record<string, unknown> = { session_name: spec.name, start_directory: spec.cwd };
  if (Object.keys(spec.env).length) doc.environment = spec.env;
  if (Object.keys(spec.options).length) doc.options = spec.options;
  if (spec.before.length) {
    doc.before_script = spec.before.join(' && ');
    if (spec.before.length > 1) dropped.push('before: tmuxp has one before_script; the commands were joined with &&');
  }
  doc.windows = spec.windows.map((window, i) => {
    const out: Record<string, unknown> = {};
    if (window.name !== undefined) out.window_name = window.name;
    if (window.index !== undefined) out.window_index = window.index;
    if (window.focus) out.focus = true;
    out.start_directory = window.cwd;
    if (Object.keys(window.env).length) out.environment = window.env;
    const panes = [...panesOf(window.root)];
    const layout = layouts?.[i] ?? window.tmuxLayout ?? (panes.length > 1 ? tmuxLayoutString(window.root, 80, 24) : undefined);
    if (layout !== undefined) out.layout = layout;
    if (Object.keys(window.options).length) out.options = window.options;
    out.panes = panes.map((pane) => tmuxpPane(pane, window, dropped));
    return out;
  });
  const header = `# ${spec.name}: ${origin(spec, 'tmuxp')}\n`;
  return { text: header + stringify(doc, { lineWidth: 0 }), dropped };
}

function tmuxpPane(pane: PaneSpec, window: WindowSpec, dropped: string[]): Record<string, unknown> | string {
  const commands: string[] = [];
  if (pane.command !== undefined) commands.push(typeof pane.command === 'string' ? pane.command : pane.command.map(shellQuote).join(' '));
  if (pane.role !== 'shell' && pane.command === undefined) {
    commands.push(`picode pane ${pane.role}`);
    dropped.push(`${window.name ?? 'window'}: the ${pane.role} view is started with \`picode pane ${pane.role}\` typed into a shell`);
  }
  commands.push(...pane.typed.map((line) => line.trimStart()));
  const out: Record<string, unknown> = { shell_command: commands };
  if (pane.cwd !== window.cwd) out.start_directory = pane.cwd;
  if (Object.keys(pane.env).length) out.environment = pane.env;
  if (pane.focus) out.focus = true;
  if (pane.name !== undefined) dropped.push(`${window.name ?? 'window'}: pane name ${pane.name} (tmuxp panes have no names)`);
  return out;
}

export function toKdl(spec: SessionSpec): Converted {
  const { text, dropped } = writeZellijLayout(spec, {
    chrome: true,
    program: (pane, window) => portablePaneProgram(spec, pane, window),
    // Directories as the source wrote them, and only where it wrote one: Zellij composes them
    // (layout, then tab, then pane) as picode does, relative to where it is launched.
    cwd: { layout: spec.cwdSource, tab: (window) => window.cwdSource, pane: (pane) => pane.cwdSource },
  });
  const notes = [...spec.unsupported.map((u) => `not supported by picode in the source: ${u}`), ...dropped];
  if (Object.keys(spec.env).length) notes.push(`env (${Object.keys(spec.env).join(', ')}): set on every pane with \`env\``);
  if (spec.before.length) notes.push(`before (${spec.before.length} command(s)): Zellij layouts cannot run commands before the session starts`);
  const header = `// ${spec.name}: ${origin(spec, 'kdl')}\n`;
  return { text: header + text, dropped: notes };
}

export async function toPicodeYaml(spec: SessionSpec): Promise<Converted> {
  const { stringify } = await import('yaml');
  const dropped = spec.unsupported.map((u) => `not supported by picode in the source: ${u}`);
  const doc: Record<string, unknown> = { name: spec.name, cwd: spec.cwd };
  if (Object.keys(spec.env).length) doc.env = spec.env;
  if (spec.before.length) doc.before = spec.before;
  if (Object.keys(spec.options).length) doc.options = spec.options;
  doc.windows = spec.windows.map((w) => windowEntry(w, spec.cwd, dropped));
  const header = [
    `# ${spec.name}: ${origin(spec, 'picode')}`,
    ...dropped.map((d) => `# ${d}`),
  ].join('\n');
  return { text: `${header}\n${stringify(doc, { lineWidth: 0 })}`, dropped };
}

function windowEntry(window: WindowSpec, sessionCwd: string, dropped: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (window.name !== undefined) out.name = window.name;
  const cwd = relativeCwd(window.cwd, sessionCwd);
  if (cwd !== undefined) out.cwd = cwd;
  if (Object.keys(window.env).length) out.env = window.env;
  if (window.focus) out.focus = true;
  if (window.root.kind === 'split') {
    out.split = window.root.direction;
    out.panes = window.root.children.map((c) => nodeEntry(c, window.cwd, window.name, dropped));
  } else {
    out.panes = [nodeEntry(window.root, window.cwd, window.name, dropped)];
  }
  if (window.tmuxLayout !== undefined) out.layout = window.tmuxLayout;
  if (Object.keys(window.options).length) out.options = window.options;
  if (window.index !== undefined) out.index = window.index;
  return out;
}

function nodeEntry(node: LayoutNode, parentCwd: string, windowName: string | undefined, dropped: string[]): Record<string, unknown> {
  if (node.kind === 'split') {
    const out: Record<string, unknown> = { split: node.direction };
    if (node.size) out.size = sizeEntry(node.size);
    out.panes = node.children.map((c) => nodeEntry(c, parentCwd, windowName, dropped));
    return out;
  }
  return paneEntry(node, parentCwd, windowName, dropped);
}

function paneEntry(pane: PaneSpec, parentCwd: string, windowName: string | undefined, dropped: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (pane.name !== undefined) out.name = pane.name;
  let command = pane.command;
  if (pane.typed.length) {
    // picode starts programs directly instead of typing into a shell: the typed lines become
    // the pane's command line, followed by the shell (onExit: shell), which is what they did.
    const first = command === undefined ? [] : [typeof command === 'string' ? command : command.join(' ')];
    const typed = pane.typed.map((line) => line.trimStart());
    command = [...first, ...typed].join('\n');
    dropped.push(`${windowName ?? 'window'}: pane ${pane.name ?? `"${typed[0]}"`}: the commands typed into its shell became its command line`);
  }
  if (command !== undefined) out.command = typeof command === 'string' ? command : [...command];
  if (pane.role !== 'shell') out.role = pane.role;
  if (pane.plugin !== undefined) out.plugin = pane.plugin;
  const cwd = relativeCwd(pane.cwd, parentCwd);
  if (cwd !== undefined) out.cwd = cwd;
  if (Object.keys(pane.env).length) out.env = pane.env;
  if (pane.focus) out.focus = true;
  if (pane.size) out.size = sizeEntry(pane.size);
  // picode's default: hold for a role view without a command, else shell.
  const defaultOnExit = command === undefined && pane.role !== 'shell' ? 'hold' : 'shell';
  const onExit = pane.typed.length && pane.command === undefined ? 'shell' : pane.onExit;
  if (onExit !== defaultOnExit) out.onExit = onExit;
  if (pane.shellInit) out.shellInit = true;
  return out;
}

function sizeEntry(size: Size): string | number {
  return 'percent' in size ? `${size.percent}%` : size.cells;
}

/** A cwd relative to its parent's when inside it (`.` is left out), else absolute. */
function relativeCwd(cwd: string, parent: string): string | undefined {
  if (cwd === parent) return undefined;
  const rel = relative(parent, cwd);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : cwd;
}
