import { homedir } from 'node:os';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { getLocation, parse as parseKdlV2, type Node as KdlNode, type Primitive } from '@bgotink/kdl';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { PicodeError } from '../../core/errors.js';
import { sessionNameFrom } from '../sessionName.js';
import { paneRoles, type LayoutNode, type OnExit, type PaneRole, type PaneSpec, type SessionSpec, type Size, type WindowSpec } from '../model.js';

/**
 * Imports a Zellij KDL layout (Zellij 0.45 semantics, read from its kdl_layout_parser) into
 * a SessionSpec, so `picode up layout.kdl` runs it on tmux too:
 *
 * - `layout` holds either panes (one tab) or tabs; `tab` becomes a window.
 * - `pane` with child panes is a split: `split_direction="vertical"` = side by side (`row`),
 *   `"horizontal"` (the default) = stacked (`column`); `size` is cells (`10`) or `"N%"`.
 * - `command` + `args` run directly (an argv, no shell); `edit "file"` runs $EDITOR;
 *   `close_on_exit=true` closes the pane, otherwise a finished command is held open, as Zellij does.
 * - `cwd` composes: pane cwd, relative to its tab's cwd, relative to the layout's `cwd`,
 *   relative to the directory the layout was launched from.
 * - `pane_template`, `tab_template` and `default_tab_template` are expanded: the
 *   consuming node's properties override the template's, its `args` are appended, and its
 *   child panes replace the template's `children` node.
 * - Not runnable outside Zellij, and reported in `unsupported` by name: plugin panes (the
 *   tab-bar, status-bar, strider...), floating panes, swap layouts, `start_suspended`,
 *   `stacked` (kept as a stacked column).
 *
 * Both KDL v1 (what Zellij writes) and KDL v2 are accepted.
 */
export interface ZellijImportContext {
  readonly file: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function importZellijLayout(text: string, ctx: ZellijImportContext): SessionSpec {
  return new Importer(ctx).run(text);
}

const HINT = 'see https://zellij.dev/documentation/creating-a-layout (picode follows Zellij 0.45) and docs/zellij.md';

/** A pane tree as Zellij describes it, before cwd resolution and before unsupported panes are dropped. */
type Raw = RawLeaf | RawBox;

interface Common {
  readonly line: number | undefined;
  name?: string | undefined;
  focus?: boolean | undefined;
  size?: Size | undefined;
  cwd?: string | undefined;
}

interface RawLeaf extends Common {
  readonly kind: 'leaf';
  command?: string | undefined;
  args: string[];
  edit?: string | undefined;
  closeOnExit?: boolean | undefined;
  startSuspended?: boolean | undefined;
  plugin?: string | undefined;
}

interface RawBox extends Common {
  readonly kind: 'box';
  direction: 'row' | 'column';
  stacked: boolean;
  children: Raw[];
}

/** Nodes that configure the pane they are in rather than being panes themselves. */
const PANE_PROPERTY_NODES = new Set([
  'name', 'size', 'focus', 'cwd', 'command', 'args', 'edit', 'plugin', 'close_on_exit', 'start_suspended',
  'borderless', 'split_direction', 'stacked', 'expanded', 'contents_file', 'hide_floating_panes',
  // floating-pane geometry, also allowed as child nodes
  'x', 'y', 'width', 'height', 'pinned',
]);

const RESERVED = new Set(['pane', 'layout', 'pane_template', 'tab_template', 'default_tab_template', 'new_tab_template',
  'children', 'tab', 'floating_panes', 'swap_tiled_layout', 'swap_floating_layout', ...PANE_PROPERTY_NODES]);

class Importer {
  private readonly paneTemplates = new Map<string, KdlNode>();
  private readonly tabTemplates = new Map<string, KdlNode>();
  private defaultTabTemplate: KdlNode | undefined;
  private readonly unsupported = new Set<string>();
  /** Templates being expanded, to report a cycle instead of overflowing the stack. */
  private readonly expanding: string[] = [];

  constructor(private readonly ctx: ZellijImportContext) {}

  run(text: string): SessionSpec {
    const nodes = this.parse(text);
    const layouts = nodes.filter((n) => n.getName() === 'layout');
    if (layouts.length !== 1) {
      throw new PicodeError(`${this.ctx.file}: a Zellij layout has exactly one \`layout { ... }\` node; found ${layouts.length}`, { hint: HINT });
    }
    for (const other of nodes) {
      if (other.getName() !== 'layout') this.unsupported.add(`${other.getName()} (top-level node outside \`layout\`)`);
    }
    const layout = layouts[0]!;
    // Reasons say what picode's layout model lacks: on Zellij (`--mux zellij`) the original
    // file is launched as it is, so these parts still run there.
    const children = layout.children?.nodes ?? [];
    const globalCwdText = this.stringOf(layout, 'cwd');
    const globalCwd = globalCwdText === undefined ? this.ctx.cwd : this.resolvePath(globalCwdText, this.ctx.cwd);

    for (const child of children) {
      const name = child.getName();
      if (name === 'pane_template' || name === 'tab_template') {
        const templateName = this.stringOf(child, 'name');
        if (!templateName) this.fail(child, `${name} needs a name (${name} name="...")`);
        if (RESERVED.has(templateName)) this.fail(child, `"${templateName}" is a reserved word and cannot name a ${name}`);
        if (this.paneTemplates.has(templateName) || this.tabTemplates.has(templateName)) {
          this.fail(child, `there is already a template named "${templateName}"`);
        }
        (name === 'pane_template' ? this.paneTemplates : this.tabTemplates).set(templateName, child);
      } else if (name === 'default_tab_template') {
        this.defaultTabTemplate = child;
      }
    }

    const rootPanes: Raw[] = [];
    const tabs: Array<{ node: KdlNode; template: KdlNode | undefined }> = [];
    for (const child of children) {
      const name = child.getName();
      if (name === 'pane' || this.paneTemplates.has(name)) {
        if (tabs.length) this.fail(child, 'a layout has either tabs or panes at its top level, not both');
        rootPanes.push(this.pane(child, undefined));
      } else if (name === 'tab' || this.tabTemplates.has(name)) {
        if (rootPanes.length) this.fail(child, 'a layout has either tabs or panes at its top level, not both');
        tabs.push({ node: child, template: name === 'tab' ? this.defaultTabTemplate : this.tabTemplates.get(name) });
      } else if (name === 'floating_panes') {
        this.floating(child);
      } else if (name === 'swap_tiled_layout' || name === 'swap_floating_layout') {
        this.unsupported.add(`${name} ${this.stringOf(child, 'name') ?? '(unnamed)'} (picode layouts have no swap layouts)`);
      } else if (name === 'new_tab_template') {
        this.unsupported.add('new_tab_template (only used for tabs opened later in Zellij)');
      } else if (!['cwd', 'pane_template', 'tab_template', 'default_tab_template'].includes(name)) {
        this.fail(child, `unknown layout node "${name}"; expected pane, tab, a template name, floating_panes or cwd`);
      }
    }

    let windows: WindowSpec[];
    if (tabs.length) {
      windows = tabs.map(({ node, template }) => this.tab(node, template, globalCwd));
    } else {
      const body: Raw | undefined = rootPanes.length === 0 ? undefined : rootPanes.length === 1 ? rootPanes[0]! : box(undefined, 'column', rootPanes);
      const tree = this.defaultTabTemplate ? this.templateBody(this.defaultTabTemplate, body) : (body ?? leaf(undefined));
      windows = [this.window(undefined, false, globalCwd, tree)];
    }
    if (!windows.some((w) => w.focus) && windows.length > 0) windows[0] = { ...windows[0]!, focus: true };

    return {
      name: sessionNameFrom(basename(this.ctx.file, extname(this.ctx.file))),
      cwd: globalCwd,
      env: {},
      before: [],
      options: {},
      windows,
      source: { format: 'zellij', file: this.ctx.file },
      unsupported: [...this.unsupported],
    };
  }

  // ---------------------------------------------------------------- parsing

  private parse(text: string): KdlNode[] {
    try {
      return parseV1Lenient(text);
    } catch (v1Error) {
      try {
        return parseKdlV2(text, { storeLocations: true }).nodes;
      } catch {
        // Report the v1 error: that is the dialect Zellij itself reads.
        const first = (v1Error as { flat?: () => Iterable<KdlErrorDetail> }).flat?.();
        const detail = first ? [...first][0] : undefined;
        const where = detail?.start ? `:${detail.start.line}:${detail.start.column}` : '';
        const message = (detail ?? (v1Error as Error)).message.replace(/ at \d+:\d+$/, '');
        throw new PicodeError(`${this.ctx.file}${where}: not valid KDL: ${message}`, {
          hint: 'fix the syntax at that line (unbalanced braces or quotes, a property without a value)',
        });
      }
    }
  }

  private fail(node: KdlNode, message: string): never {
    const line = getLocation(node)?.start.line;
    throw new PicodeError(`${this.ctx.file}${line === undefined ? '' : `:${line}`}: ${message}`, { hint: HINT });
  }

  /** Zellij reads most pane settings either as a property (`size=1`) or a child node (`size 1`). */
  private valueOf(node: KdlNode, key: string): Primitive | undefined {
    if (node.hasProperty(key)) return node.getProperty(key);
    const child = node.children?.nodes.find((c) => c.getName() === key);
    if (!child) return undefined;
    if (child.getArguments().length === 0) this.fail(child, `\`${key}\` needs a value (${key} "...")`);
    return child.getArgument(0);
  }

  private stringOf(node: KdlNode, key: string): string | undefined {
    const value = this.valueOf(node, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(node, `\`${key}\` should be a string, found ${JSON.stringify(value)}`);
    return value;
  }

  private boolOf(node: KdlNode, key: string): boolean | undefined {
    const value = this.valueOf(node, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(node, `\`${key}\` should be true or false, found ${JSON.stringify(value)}`);
    return value;
  }

  private sizeOf(node: KdlNode): Size | undefined {
    const value = this.valueOf(node, 'size');
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return { cells: value };
    if (typeof value === 'string') {
      const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
      if (percent && Number(percent[1]) > 0 && Number(percent[1]) <= 100) return { percent: Number(percent[1]) };
      if (/^\s*\d+\s*$/.test(value) && Number(value) > 0) return { cells: Number(value) };
    }
    return this.fail(node, `size should be a fixed number greater than 0 (eg. 1) or a quoted percent (eg. "50%"), found ${JSON.stringify(value)}`);
  }

  private directionOf(node: KdlNode): 'row' | 'column' {
    const value = this.stringOf(node, 'split_direction');
    if (value === undefined) return 'column';
    const lower = value.toLowerCase();
    if (lower === 'vertical') return 'row';
    if (lower === 'horizontal') return 'column';
    return this.fail(node, `split_direction should be "horizontal" or "vertical", found "${value}"`);
  }

  private argsOf(node: KdlNode): string[] {
    const argsNode = node.children?.nodes.find((c) => c.getName() === 'args');
    if (!argsNode) return [];
    const args = argsNode.getArguments();
    if (args.length === 0) this.fail(argsNode, 'args cannot be empty and should contain one or more command arguments (eg. args "-h" "-v")');
    return args.map((a) => (typeof a === 'string' ? a : String(a)));
  }

  // ---------------------------------------------------------------- panes

  /**
   * A `pane` node or a pane-template consumer. `fill` is what a `children` node inside it
   * stands for (set while expanding a template; a bare `children` is otherwise a plain pane).
   */
  private pane(node: KdlNode, fill: Raw | undefined): Raw {
    const name = node.getName();
    if (name !== 'pane') {
      const template = this.paneTemplates.get(name);
      if (!template) this.fail(node, `unknown node "${name}" in a pane; expected pane, children, args, plugin or a pane_template name`);
      return this.templateConsumer(node, template, fill);
    }
    return this.paneLike(node, fill, false);
  }

  /** A pane's own properties and children (also used for templates' bodies). */
  private paneLike(node: KdlNode, fill: Raw | undefined, isTemplate: boolean): Raw {
    const line = getLocation(node)?.start.line;
    const common: Common = {
      line,
      name: isTemplate ? undefined : this.stringOf(node, 'name'),
      focus: this.boolOf(node, 'focus'),
      size: this.sizeOf(node),
      cwd: this.stringOf(node, 'cwd'),
    };
    const direction = this.directionOf(node); // checked even where it has no effect, as Zellij does
    const children: Raw[] = [];
    for (const child of node.children?.nodes ?? []) {
      const childName = child.getName();
      if (childName === 'children') children.push(fill ?? leaf(getLocation(child)?.start.line));
      else if (childName === 'floating_panes') this.floating(child);
      else if (childName === 'pane' || this.paneTemplates.has(childName)) children.push(this.pane(child, fill));
      else if (!PANE_PROPERTY_NODES.has(childName)) {
        this.fail(child, `unknown node "${childName}" in a pane; expected pane, children, args, plugin or a pane_template name`);
      }
    }
    if (children.length > 0) {
      const stacked = this.boolOf(node, 'stacked') ?? false;
      if (stacked) this.unsupported.add(`stacked panes${common.name ? ` (${common.name})` : ''} (shown as a column split)`);
      return { ...common, kind: 'box', direction: stacked ? 'column' : direction, stacked, children };
    }
    const pluginNode = node.children?.nodes.find((c) => c.getName() === 'plugin');
    const plugin = pluginNode ? (this.stringOf(pluginNode, 'location') ?? this.fail(pluginNode, 'plugins must have a location (plugin location="...")')) : undefined;
    const command = this.stringOf(node, 'command');
    const edit = this.stringOf(node, 'edit');
    if (command !== undefined && edit !== undefined) this.fail(node, 'a pane cannot have both a command and an edit instruction');
    if (plugin !== undefined && (command !== undefined || edit !== undefined)) this.fail(node, 'a pane cannot have both a command/edit and a plugin block');
    return {
      ...common,
      kind: 'leaf',
      command,
      args: this.argsOf(node),
      edit,
      closeOnExit: this.boolOf(node, 'close_on_exit'),
      startSuspended: this.boolOf(node, 'start_suspended'),
      plugin,
    };
  }

  /** `name ...` where `name` is a pane_template: the template, with the consumer's settings on top. */
  private templateConsumer(node: KdlNode, template: KdlNode, outerFill: Raw | undefined): Raw {
    const templateName = node.getName();
    if (this.expanding.includes(templateName)) {
      this.fail(node, `pane_template "${templateName}" uses itself (${[...this.expanding, templateName].join(' -> ')})`);
    }
    const consumerPanes = (node.children?.nodes ?? [])
      .filter((c) => c.getName() === 'pane' || c.getName() === 'children' || this.paneTemplates.has(c.getName()))
      .map((c) => (c.getName() === 'children' ? (outerFill ?? leaf(getLocation(c)?.start.line)) : this.pane(c, outerFill)));
    const inner = consumerPanes.length === 0 ? undefined
      : consumerPanes.length === 1 && !node.hasProperty('split_direction') ? consumerPanes[0]
        : box(getLocation(node)?.start.line, this.directionOf(node), consumerPanes);
    if (inner && !containsChildren(template)) {
      this.fail(node, `pane_template "${templateName}" has no \`children\` node, so the panes given here have nowhere to go`);
    }
    this.expanding.push(templateName);
    const base = this.paneLike(template, inner, true);
    this.expanding.pop();

    const name = this.stringOf(node, 'name');
    const focus = this.boolOf(node, 'focus');
    const size = this.sizeOf(node);
    const cwd = this.stringOf(node, 'cwd');
    if (name !== undefined) base.name = name;
    if (focus !== undefined) base.focus = focus;
    if (size !== undefined) base.size = size;
    if (base.kind === 'leaf') {
      const command = this.stringOf(node, 'command');
      const edit = this.stringOf(node, 'edit');
      const closeOnExit = this.boolOf(node, 'close_on_exit');
      const startSuspended = this.boolOf(node, 'start_suspended');
      if (command !== undefined) { base.command = command; base.edit = undefined; }
      if (edit !== undefined) { base.edit = edit; base.command = undefined; }
      // A consumer's cwd is relative to the template's (Zellij joins them).
      if (cwd !== undefined) base.cwd = base.cwd === undefined ? cwd : joinPath(base.cwd, cwd);
      base.args = [...base.args, ...this.argsOf(node)];
      if (closeOnExit !== undefined) base.closeOnExit = closeOnExit;
      if (startSuspended !== undefined) base.startSuspended = startSuspended;
    } else if (cwd !== undefined) {
      base.cwd = base.cwd === undefined ? cwd : joinPath(base.cwd, cwd);
    }
    return base;
  }

  private floating(node: KdlNode): void {
    const panes = (node.children?.nodes ?? []).filter((c) => c.getName() === 'pane' || this.paneTemplates.has(c.getName()));
    if (panes.length === 0) this.unsupported.add('floating_panes (picode layouts have no floating panes)');
    panes.forEach((pane, i) => {
      const label = this.stringOf(pane, 'name') ?? this.stringOf(pane, 'command') ?? `#${i + 1}`;
      this.unsupported.add(`floating pane ${label} (picode layouts have no floating panes)`);
    });
  }

  // ---------------------------------------------------------------- tabs

  /** A tab template's (or default_tab_template's) tree with `body` where its `children` node is. */
  private templateBody(template: KdlNode, body: Raw | undefined): Raw {
    for (const child of template.children?.nodes ?? []) {
      const name = child.getName();
      if (['focus', 'name', 'split_direction', 'cwd'].includes(name)) {
        this.fail(child, `tab property '${name}' must be placed on the template's title line, not in its braces`);
      }
    }
    return this.paneLike(template, body, true);
  }

  private tab(node: KdlNode, template: KdlNode | undefined, globalCwd: string): WindowSpec {
    const name = this.stringOf(node, 'name');
    const focus = this.boolOf(node, 'focus') ?? false;
    const cwdText = this.stringOf(node, 'cwd');
    const cwd = cwdText === undefined ? globalCwd : this.resolvePath(cwdText, globalCwd);
    const panes: Raw[] = [];
    for (const child of node.children?.nodes ?? []) {
      const childName = child.getName();
      if (childName === 'pane' || this.paneTemplates.has(childName)) panes.push(this.pane(child, undefined));
      else if (childName === 'children') panes.push(leaf(getLocation(child)?.start.line));
      else if (childName === 'floating_panes') this.floating(child);
      else if (!['name', 'focus', 'cwd', 'split_direction', 'hide_floating_panes'].includes(childName)) {
        this.fail(child, `unknown node "${childName}" in a tab; expected pane, a pane_template name or floating_panes`);
      }
    }
    const direction = this.directionOf(node);
    const body: Raw = panes.length === 0 ? leaf(getLocation(node)?.start.line)
      : panes.length === 1 ? panes[0]! : box(getLocation(node)?.start.line, direction, panes);
    // A tab-template consumer's panes fill the template's `children`.
    const tree = template ? this.templateBody(template, body) : body;
    return this.window(name, focus, cwd, tree);
  }

  // ---------------------------------------------------------------- normalisation

  private window(name: string | undefined, focus: boolean, cwd: string, tree: Raw): WindowSpec {
    const root = this.node(tree, cwd, undefined) ?? this.fallbackPane(cwd);
    return { name, cwd, env: {}, focus, root: onlyOneFocus(root), tmuxLayout: undefined, options: {} };
  }

  private fallbackPane(cwd: string): PaneSpec {
    this.unsupported.add('a tab with only plugin or floating panes (started as one shell pane)');
    return shellPane(undefined, cwd);
  }

  /** Raw -> LayoutNode; undefined when nothing runnable is left (plugin panes are dropped). */
  private node(raw: Raw, baseCwd: string, sizeOverride: Size | undefined): LayoutNode | undefined {
    const cwd = raw.cwd === undefined ? baseCwd : this.resolvePath(raw.cwd, baseCwd);
    const size = sizeOverride ?? raw.size;
    if (raw.kind === 'box') {
      const kept = raw.children.map((c) => this.node(c, cwd, undefined)).filter((c): c is LayoutNode => c !== undefined);
      if (kept.length === 0) return undefined;
      // A split left with one child (its siblings were plugin panes) is that child, at the split's size.
      if (kept.length === 1) return { ...kept[0]!, size: size ?? kept[0]!.size } as LayoutNode;
      if (raw.focus && !kept.some(hasFocus)) {
        const first = kept[0]!;
        if (first.kind === 'pane') kept[0] = { ...first, focus: true };
      }
      return { kind: 'split', direction: raw.direction, size, children: kept };
    }
    if (raw.plugin !== undefined) {
      this.unsupported.add(`plugin pane ${raw.name ? `${raw.name} (${raw.plugin})` : raw.plugin} (a Zellij plugin; picode layouts have no plugin panes)`);
      return undefined;
    }
    if (raw.startSuspended) this.unsupported.add(`start_suspended${raw.name ? ` (${raw.name})` : ''} (the command starts immediately)`);
    let argv: string[] | undefined;
    if (raw.command !== undefined) argv = [raw.command, ...raw.args];
    else if (raw.edit !== undefined) {
      const editor = this.ctx.env.EDITOR || this.ctx.env.VISUAL || 'vi';
      argv = [editor, this.resolvePath(raw.edit, cwd)];
    }
    // picode writes its own pane views as `picode pane <role> ...`; read them back as roles.
    const role = argv && basename(argv[0]!) === 'picode' && argv[1] === 'pane' && isRole(argv[2]) ? argv[2] : undefined;
    const onExit: OnExit = role ? 'hold' : argv === undefined ? 'shell' : raw.closeOnExit ? 'close' : 'hold';
    return {
      kind: 'pane',
      name: raw.name,
      role: role ?? 'shell',
      command: role ? undefined : argv,
      typed: [],
      onExit,
      cwd,
      env: {},
      focus: raw.focus ?? false,
      size,
      shellInit: false,
      plugin: undefined,
    };
  }

  private resolvePath(path: string, base: string): string {
    let out = path.trim();
    if (out === '~' || out.startsWith('~/')) out = (this.ctx.env.HOME || homedir()) + out.slice(1);
    return isAbsolute(out) ? resolve(out) : resolve(base, out);
  }
}

type KdlErrorDetail = Error & { start?: { line: number; column: number; offset: number } };

/**
 * KDL v1, also accepting a last node without `;` before a closing brace (`pane { pane }`):
 * strict v1 requires the terminator, KDL v2 and hand-written layouts often omit it. The
 * missing `;` is inserted where the parser reports it (positions, and so line numbers in
 * errors, do not move: the insertion replaces nothing and later errors are re-reported).
 */
function parseV1Lenient(text: string): KdlNode[] {
  let current = text;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return parseKdlV1(current, { storeLocations: true }).nodes;
    } catch (error) {
      const details = [...((error as { flat?: () => Iterable<KdlErrorDetail> }).flat?.() ?? [])];
      const fixable = details.every((d) => d.message.startsWith('Missing node terminator') && d.start !== undefined
        && /^[ \t]*\}/.test(current.slice(d.start.offset)));
      if (!fixable || details.length === 0) {
        if (attempt === 0) throw error;
        return parseKdlV1(text, { storeLocations: true }).nodes; // report against the original text
      }
      const offsets = [...new Set(details.map((d) => d.start!.offset))].sort((a, b) => b - a);
      for (const at of offsets) current = `${current.slice(0, at)};${current.slice(at)}`;
    }
  }
  return parseKdlV1(text, { storeLocations: true }).nodes;
}

function leaf(line: number | undefined): RawLeaf {
  return { kind: 'leaf', line, args: [] };
}

function box(line: number | undefined, direction: 'row' | 'column', children: Raw[]): RawBox {
  return { kind: 'box', line, direction, stacked: false, children };
}

function shellPane(name: string | undefined, cwd: string): PaneSpec {
  return { kind: 'pane', name, role: 'shell', command: undefined, typed: [], onExit: 'shell', cwd, env: {}, focus: false, size: undefined, shellInit: false, plugin: undefined };
}

function joinPath(base: string, path: string): string {
  return isAbsolute(path) ? path : `${base.replace(/\/+$/, '')}/${path}`;
}

function containsChildren(node: KdlNode): boolean {
  return (node.children?.nodes ?? []).some((c) => c.getName() === 'children' || containsChildren(c));
}

function isRole(value: string | undefined): value is PaneRole {
  return value !== undefined && value !== 'shell' && value !== 'plugin' && (paneRoles as readonly string[]).includes(value);
}

function hasFocus(node: LayoutNode): boolean {
  return node.kind === 'pane' ? node.focus : node.children.some(hasFocus);
}

/** Zellij focuses the first pane marked `focus=true`; tmux can only select one either. */
function onlyOneFocus(root: LayoutNode): LayoutNode {
  let seen = false;
  const visit = (node: LayoutNode): LayoutNode => {
    if (node.kind === 'split') return { ...node, children: node.children.map(visit) };
    if (!node.focus) return node;
    if (seen) return { ...node, focus: false };
    seen = true;
    return node;
  };
  return visit(root);
}
