import { isAbsolute, relative } from 'node:path';
import { portablePaneProgram } from '../mux/zellij/program.js';
import { writeZellijLayout } from '../mux/zellij/kdl.js';
import type { LayoutNode, PaneSpec, SessionSpec, Size, WindowSpec } from './model.js';

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
export type ConvertTarget = 'kdl' | 'picode';
export const convertTargets: readonly ConvertTarget[] = ['kdl', 'picode'];

export interface Converted {
  readonly text: string;
  /** What the target format cannot express, by name. */
  readonly dropped: readonly string[];
}

export async function convertLayout(spec: SessionSpec, to: ConvertTarget): Promise<Converted> {
  return to === 'kdl' ? toKdl(spec) : toPicodeYaml(spec);
}

export function toKdl(spec: SessionSpec): Converted {
  const { text, dropped } = writeZellijLayout(spec, {
    chrome: true,
    program: (pane, window) => portablePaneProgram(spec, pane, window),
  });
  const notes = [...spec.unsupported.map((u) => `not supported by picode in the source: ${u}`), ...dropped];
  if (Object.keys(spec.env).length) notes.push(`env (${Object.keys(spec.env).join(', ')}): set on every pane with \`env\``);
  if (spec.before.length) notes.push(`before (${spec.before.length} command(s)): Zellij layouts cannot run commands before the session starts`);
  const header = `// ${spec.name}: converted from ${spec.source.file} (${spec.source.format}) by \`picode layout convert --to kdl\`\n`;
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
    `# ${spec.name}: converted from ${spec.source.file} (${spec.source.format}) by \`picode layout convert --to picode\``,
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
