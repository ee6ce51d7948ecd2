import { homedir } from 'node:os';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { getLocation, parse as parseKdlV2, type Entry as KdlEntry, type Node as KdlNode, type Primitive } from '@bgotink/kdl';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { PicodeError } from '../../core/errors.js';
import { closest as nearest } from '../../core/schemaProblems.js';
import { LITERAL_EXEC } from '../zellijKdl.js';
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

/** Zellij's reserved words (kdl_layout_parser.rs `is_a_reserved_word`): no template may take these names. */
const RESERVED = new Set(['pane', 'layout', 'pane_template', 'tab_template', 'default_tab_template', 'new_tab_template',
  'command', 'edit', 'plugin', 'children', 'tab', 'args', 'close_on_exit', 'start_suspended', 'borderless', 'focus', 'name',
  'size', 'cwd', 'split_direction', 'swap_tiled_layout', 'swap_floating_layout', 'hide_floating_panes', 'contents_file']);

/** What Zellij accepts on a pane, a floating pane and a tab (`is_a_valid_*_property`). */
const PANE_PROPERTIES = ['borderless', 'focus', 'name', 'size', 'plugin', 'command', 'edit', 'cwd', 'args', 'close_on_exit',
  'start_suspended', 'split_direction', 'pane', 'children', 'stacked', 'expanded', 'exclude_from_sync', 'contents_file'];
const FLOATING_PANE_PROPERTIES = ['borderless', 'focus', 'name', 'plugin', 'command', 'edit', 'cwd', 'args', 'close_on_exit',
  'start_suspended', 'x', 'y', 'width', 'height', 'pinned', 'contents_file'];
const TAB_PROPERTIES = ['focus', 'name', 'split_direction', 'cwd', 'floating_panes', 'children', 'max_panes', 'min_panes',
  'exact_panes', 'hide_floating_panes'];
/** Pane-only and floating-only properties: a pane_template with either kind is that kind of template. */
const TILED_ONLY = ['borderless', 'size', 'split_direction', 'stacked', 'expanded'];
const FLOATING_ONLY = ['x', 'y', 'width', 'height', 'pinned'];

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
    if (layouts.length === 0) {
      throw new PicodeError(`${this.ctx.file}: No layout found: a Zellij layout has exactly one \`layout { ... }\` node`, { hint: HINT });
    }
    for (const other of nodes) {
      const name = other.getName();
      if (name !== 'layout' && RESERVED.has(name)) this.fail(other, 'This node should be inside the main "layout" node');
      if (name !== 'layout') this.unsupported.add(`${name} (top-level node outside \`layout\`)`);
    }
    if (layouts.length > 1) this.fail(layouts[1]!, 'Only one layout node per file allowed');
    const layout = layouts[0]!;
    // Reasons say what picode's layout model lacks: on Zellij (`--mux zellij`) the original
    // file is launched as it is, so these parts still run there.
    const children = layout.children?.nodes ?? [];
    const globalCwdText = this.pathOf(layout, 'cwd');
    const globalCwd = globalCwdText === undefined ? this.ctx.cwd : this.resolvePath(globalCwdText, this.ctx.cwd);

    for (const child of children) {
      const name = child.getName();
      if (name === 'pane_template' || name === 'tab_template') {
        const templateName = this.stringOf(child, 'name');
        if (templateName === undefined) this.fail(child, `${name === 'pane_template' ? 'Pane' : 'Tab'} templates must have a name (${name} name="...")`);
        this.assertLegalTemplateName(templateName, child);
        if ((name === 'pane_template' ? this.paneTemplates : this.tabTemplates).has(templateName)) {
          this.fail(child, `Duplicate definition of the "${templateName}" ${name}`);
        }
        if (name === 'tab_template' && this.paneTemplates.has(templateName)) {
          this.fail(child, `There is already a pane_template with the name "${templateName}" - can't have a tab_template with the same name`);
        }
        (name === 'pane_template' ? this.paneTemplates : this.tabTemplates).set(templateName, child);
      } else if (name === 'default_tab_template') {
        this.defaultTabTemplate = child;
      }
    }
    for (const template of this.paneTemplates.values()) this.checkPaneTemplate(template);
    for (const template of [...this.tabTemplates.values(), ...(this.defaultTabTemplate ? [this.defaultTabTemplate] : [])]) this.checkTabTemplate(template);

    const rootPanes: Raw[] = [];
    const tabs: Array<{ node: KdlNode; template: KdlNode | undefined }> = [];
    for (const child of children) {
      const name = child.getName();
      if (name === 'pane' || this.paneTemplates.has(name)) {
        if (tabs.length) this.fail(child, 'Cannot have both tabs and panes in the same node');
        rootPanes.push(this.pane(child, undefined));
      } else if (name === 'tab' || this.tabTemplates.has(name)) {
        if (rootPanes.length) this.fail(child, 'Cannot have both tabs and panes in the same node');
        tabs.push({ node: child, template: name === 'tab' ? this.defaultTabTemplate : this.tabTemplates.get(name) });
      } else if (name === 'floating_panes') {
        this.floating(child);
      } else if (name === 'swap_tiled_layout' || name === 'swap_floating_layout') {
        this.checkSwapLayout(child);
        this.unsupported.add(`${name} ${this.stringOf(child, 'name') ?? '(unnamed)'} (picode layouts have no swap layouts)`);
      } else if (name === 'new_tab_template') {
        this.unsupported.add('new_tab_template (only used for tabs opened later in Zellij)');
      } else if (!RESERVED.has(name)) {
        this.fail(child, `Unknown layout node: '${name}' (expected pane, tab, a template name, floating_panes or cwd)`);
      }
    }
    const focusedTabs = tabs.filter(({ node }) => this.boolOf(node, 'focus') === true);
    if (focusedTabs.length > 1) this.fail(focusedTabs[1]!.node, 'Only one tab can be focused');

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
      ...(globalCwdText === undefined ? {} : { cwdSource: globalCwdText }),
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

  /** Zellij's own message, at the line and column of the node or entry it is about. */
  private fail(at: KdlNode | KdlEntry, message: string): never {
    const start = getLocation(at)?.start;
    throw new PicodeError(`${this.ctx.file}${start === undefined ? '' : `:${start.line}:${start.column}`}: ${message}`, { hint: HINT });
  }

  private assertLegalTemplateName(name: string, node: KdlNode): void {
    if (/\s/.test(name)) this.fail(node, `Node names (${name}) cannot contain whitespace.`);
    if (RESERVED.has(name)) this.fail(node, `Node name '${name}' is a reserved word.`);
    if (name === '') this.fail(node, 'Template names cannot be empty');
    if (/[()]/.test(name)) this.fail(node, 'Template names cannot contain parantheses');
    if (/^\p{N}/u.test(name)) this.fail(node, 'Template names cannot start with numbers');
  }

  /**
   * Every property and bare argument of a node must be one Zellij knows for it: a typo such as
   * `spit_size=1` is an error there, with a did-you-mean here.
   */
  private assertProperties(node: KdlNode, known: readonly string[], what: string): void {
    for (const entry of node.entries) {
      const name = entry.getName() ?? (typeof entry.getValue() === 'string' ? (entry.getValue() as string) : undefined);
      if (name === undefined) this.fail(entry, `Unknown ${what} property`);
      if (!known.includes(name)) {
        const guess = closest(name, known);
        this.fail(entry, `Unknown ${what} property: ${name}${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
    }
  }

  /** Tabs and tab templates check their named properties only (`kdl_property_names`). */
  private assertTabProperties(node: KdlNode): void {
    for (const entry of node.entries) {
      const name = entry.getName();
      if (name !== null && !TAB_PROPERTIES.includes(name)) {
        const guess = closest(name, TAB_PROPERTIES);
        this.fail(entry, `Invalid tab property '${name}'${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
    }
  }

  /**
   * A swap layout holds `tab`s (tiled) or `floating_panes` (floating), or tab-template
   * consumers, each with at most one of max_panes / min_panes / exact_panes, given as numbers.
   */
  private checkSwapLayout(swap: KdlNode): void {
    const own = swap.getName() === 'swap_tiled_layout' ? 'tab' : 'floating_panes';
    for (const layout of swap.children?.nodes ?? []) {
      const name = layout.getName();
      if (name !== own && !this.tabTemplates.has(name)) this.fail(layout, `Unknown layout node: '${name}'`);
      const constraints = ['max_panes', 'min_panes', 'exact_panes'].filter((key) => {
        const value = this.valueOf(layout, key);
        if (typeof value === 'string') this.fail(layout, `${key} should be a fixed number (eg. 1) and not a quoted string ("${value}")`);
        return value !== undefined && value !== null;
      });
      if (constraints.length > 1) this.fail(layout, "cannot have more than one constraint (eg. max_panes + min_panes)'");
      if (name === 'tab') this.assertTabProperties(layout);
    }
  }

  private isPaneNode(node: KdlNode): boolean {
    return node.getName() === 'pane' || this.paneTemplates.has(node.getName());
  }

  /** A pane_template is a floating one, a tiled one, or either, from the properties it has. */
  private checkPaneTemplate(template: KdlNode): void {
    const has = (key: string): boolean => template.hasProperty(key) || (template.children?.nodes ?? []).some((c) => c.getName() === key);
    const tiled = TILED_ONLY.filter(has).concat((template.children?.nodes ?? []).some((c) => this.isPaneNode(c) || c.getName() === 'children') ? ['child nodes'] : []);
    const floating = FLOATING_ONLY.filter(has);
    if (tiled.length && floating.length) {
      this.fail(template, `A pane_template cannot have both pane (${tiled.join(', ')}) and floating pane (${floating.join(', ')}) properties`);
    }
    const known = floating.length ? FLOATING_PANE_PROPERTIES : tiled.length ? PANE_PROPERTIES
      : PANE_PROPERTIES.filter((p) => FLOATING_PANE_PROPERTIES.includes(p));
    this.assertProperties(template, known, floating.length ? 'floating pane' : 'pane');
  }

  private checkTabTemplate(template: KdlNode): void {
    this.assertTabProperties(template);
    for (const child of template.children?.nodes ?? []) {
      const name = child.getName();
      if (name === 'children') {
        if (child.entries.length || child.children?.nodes.length) {
          this.fail(child, 'The `children` node must be bare. All properties should be places on the node consuming this template.');
        }
      } else if (!this.isPaneNode(child) && name !== 'floating_panes') {
        this.fail(child, TAB_PROPERTIES.includes(name)
          ? `Tab property '${name}' must be placed on the tab_template title line and not in the child braces`
          : `Invalid tab_template property: ${name}`);
      }
    }
  }

  /** Zellij reads most pane settings either as a property (`size=1`) or a child node (`size 1`). */
  private valueOf(node: KdlNode, key: string): Primitive | undefined {
    if (node.hasProperty(key)) return node.getProperty(key);
    const child = node.children?.nodes.find((c) => c.getName() === key);
    if (!child) return undefined;
    if (child.getArguments().length === 0) this.fail(child, `\`${key}\` needs a value (${key} "...")`);
    return child.getArgument(0);
  }

  /**
   * `cwd`, `command` and `edit` as Zellij reads them (shellexpand::full): `~` and `$VAR` /
   * `${VAR}` / `${VAR:-default}` expanded, an unset variable an error.
   */
  private pathOf(node: KdlNode, key: string): string | undefined {
    const value = this.stringOf(node, key);
    return value === undefined ? undefined : this.expand(value, node);
  }

  private expand(text: string, at: KdlNode | KdlEntry): string {
    const vars = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
      (_whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
        const name = (braced ?? bare)!;
        const value = this.ctx.env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        if (value !== undefined) return value;
        return this.fail(at, `error looking key '${name}' up: environment variable not found (set ${name}, or write \${${name}:-default})`);
      });
    return vars === '~' || vars.startsWith('~/') ? (this.ctx.env.HOME || homedir()) + vars.slice(1) : vars;
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
    return this.fail(node, `split_direction should be either "horizontal" or "vertical" found: ${value}`);
  }

  private argsOf(node: KdlNode): string[] {
    const argsNode = node.children?.nodes.find((c) => c.getName() === 'args');
    if (!argsNode) return [];
    const args = argsNode.getArguments();
    if (args.length === 0) this.fail(argsNode, 'args cannot be empty and should contain one or more command arguments (eg. args "-h" "-v")');
    // Zellij passes args as written (only cwd, command and edit go through shellexpand): a
    // `$VAR` in an argument is the program's to read, as in `args "-c" "echo $HOME"`.
    return args.map((a) => (typeof a === 'string' ? a : String(a)));
  }

  // ---------------------------------------------------------------- panes

  /**
   * A `pane` node or a pane-template consumer. `fill` is what a `children` node inside it
   * stands for (set while expanding a template; a bare `children` is otherwise a plain pane).
   */
  private pane(node: KdlNode, fill: Raw | undefined, partOfStack = false): Raw {
    const name = node.getName();
    if (name !== 'pane') {
      const template = this.paneTemplates.get(name);
      if (!template) this.fail(node, `Unknown pane property: ${name}`);
      return this.templateConsumer(node, template, fill);
    }
    return this.paneLike(node, fill, 'pane', partOfStack);
  }

  /** A pane's own properties and children (also used for templates' bodies). */
  private paneLike(node: KdlNode, fill: Raw | undefined, role: 'pane' | 'pane_template' | 'tab_template', partOfStack = false): Raw {
    const line = getLocation(node)?.start.line;
    // Templates' properties were checked when they were registered (checkPaneTemplate / checkTabTemplate).
    if (role === 'pane') this.assertProperties(node, PANE_PROPERTIES, 'pane');
    const common: Common = {
      line,
      name: role === 'pane' ? this.stringOf(node, 'name') : undefined,
      focus: this.boolOf(node, 'focus'),
      size: this.sizeOf(node),
      cwd: role === 'tab_template' ? undefined : this.pathOf(node, 'cwd'),
    };
    const direction = this.directionOf(node); // checked even where it has no effect, as Zellij does
    const stacked = role === 'tab_template' ? false : this.boolOf(node, 'stacked') ?? false;
    const expanded = role === 'tab_template' ? false : this.boolOf(node, 'expanded') ?? false;
    const children: Raw[] = [];
    for (const child of node.children?.nodes ?? []) {
      const childName = child.getName();
      if (childName === 'children') {
        const grandChildren = (child.children?.nodes ?? []).map((g) => g.getName());
        if (grandChildren.length) this.fail(child, `Invalid \`children\` properties: ${grandChildren.join(', ')}`);
        children.push(fill ?? leaf(getLocation(child)?.start.line));
      } else if (childName === 'floating_panes') {
        this.floating(child);
      } else if (this.isPaneNode(child)) {
        if (partOfStack) this.fail(child, 'Stacked panes cannot have children');
        children.push(this.pane(child, fill, stacked));
      } else if (role !== 'tab_template' && !PANE_PROPERTIES.includes(childName)) {
        const guess = closest(childName, PANE_PROPERTIES);
        this.fail(child, `Unknown pane property: ${childName}${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
    }
    if (stacked && children.length === 0) this.fail(node, 'A stacked pane must have children nodes or possibly a "children" node if in a swap_layout');
    if (stacked && direction === 'row') this.fail(node, 'Stacked panes cannot be vertical');
    if (expanded && !partOfStack) this.fail(node, 'An expanded pane must be part of a stack');

    const pluginNode = node.children?.nodes.find((c) => c.getName() === 'plugin');
    const command = this.pathOf(node, 'command');
    const edit = this.pathOf(node, 'edit');
    const args = this.argsOf(node);
    const closeOnExit = this.boolOf(node, 'close_on_exit');
    const startSuspended = this.boolOf(node, 'start_suspended');
    if (role === 'pane' && command === undefined) {
      if (closeOnExit !== undefined) this.fail(node, 'close_on_exit can only be set if a command was specified');
      if (startSuspended !== undefined) this.fail(node, 'start_suspended can only be set if a command was specified');
      if (node.children?.nodes.some((c) => c.getName() === 'args')) this.fail(node, 'args can only be set if a command was specified');
    }
    if (command !== undefined && edit !== undefined) this.fail(node, 'cannot have both a command and an edit instruction for the same pane');
    if (pluginNode && (command !== undefined || edit !== undefined)) this.fail(pluginNode, 'Cannot have both a command/edit and a plugin block for a single pane');
    if (children.length > 0 && role !== 'tab_template') {
      const offending = [
        this.boolOf(node, 'borderless') !== undefined ? 'borderless' : '',
        command !== undefined || edit !== undefined || pluginNode ? 'command/edit/plugin' : '',
        common.cwd !== undefined ? 'cwd' : '',
      ].filter(Boolean);
      if (offending.length) this.fail(node, `Cannot have both properties (${offending.join(', ')}) and nested children`);
    }
    if (children.length > 0) {
      if (stacked) this.unsupported.add(`stacked panes${common.name ? ` (${common.name})` : ''} (shown as a column split)`);
      return { ...common, kind: 'box', direction: stacked ? 'column' : direction, stacked, children };
    }
    const plugin = pluginNode ? (this.stringOf(pluginNode, 'location') ?? this.fail(pluginNode, 'Plugins must have a location (plugin location="...")')) : undefined;
    return { ...common, kind: 'leaf', command, args, edit, closeOnExit, startSuspended, plugin };
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
    if (inner) this.assertOneChildrenBlock(template);
    const runs = (n: KdlNode): boolean => ['command', 'edit', 'cwd'].some((k) => this.valueOf(n, k) !== undefined)
      || (n.children?.nodes ?? []).some((c) => c.getName() === 'plugin');
    if (!runs(node) && !runs(template)) {
      for (const key of ['args', 'close_on_exit', 'start_suspended']) {
        if (this.valueOf(node, key) !== undefined || (key === 'args' && node.children?.nodes.some((c) => c.getName() === 'args'))) {
          this.fail(node, `${key} can only be specified if a command was specified either in the pane_template or in the pane`);
        }
      }
    }
    this.expanding.push(templateName);
    const base = this.paneLike(template, inner, 'pane_template');
    this.expanding.pop();

    const name = this.stringOf(node, 'name');
    const focus = this.boolOf(node, 'focus');
    const size = this.sizeOf(node);
    const cwd = this.pathOf(node, 'cwd');
    if (name !== undefined) base.name = name;
    if (focus !== undefined) base.focus = focus;
    if (size !== undefined) base.size = size;
    if (base.kind === 'leaf') {
      const command = this.pathOf(node, 'command');
      const edit = this.pathOf(node, 'edit');
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
    for (const child of node.children?.nodes ?? []) {
      if (!this.isPaneNode(child)) this.fail(child, `floating_panes can only contain pane nodes, found: ${child.getName()}`);
      if (child.getName() === 'pane') this.assertProperties(child, FLOATING_PANE_PROPERTIES, 'floating pane');
    }
    const panes = (node.children?.nodes ?? []).filter((c) => this.isPaneNode(c));
    if (panes.length === 0) this.unsupported.add('floating_panes (picode layouts have no floating panes)');
    panes.forEach((pane, i) => {
      const label = this.stringOf(pane, 'name') ?? this.stringOf(pane, 'command') ?? `#${i + 1}`;
      this.unsupported.add(`floating pane ${label} (picode layouts have no floating panes)`);
    });
  }

  // ---------------------------------------------------------------- tabs

  /** A tab template's (or default_tab_template's) tree with `body` where its `children` node is. */
  private templateBody(template: KdlNode, body: Raw | undefined): Raw {
    return this.paneLike(template, body, 'tab_template');
  }

  /** Zellij inserts a consumer's panes into the template's one `children` block. */
  private assertOneChildrenBlock(template: KdlNode): void {
    const count = countChildren(template);
    if (count !== 1) this.fail(template, `This template has ${count} children blocks, only 1 is allowed when used to insert child panes`);
  }

  private tab(node: KdlNode, template: KdlNode | undefined, globalCwd: string): WindowSpec {
    if (!template) this.assertTabProperties(node);
    const name = this.stringOf(node, 'name');
    const focus = this.boolOf(node, 'focus') ?? false;
    const cwdText = this.pathOf(node, 'cwd');
    const cwd = cwdText === undefined ? globalCwd : this.resolvePath(cwdText, globalCwd);
    const panes: Raw[] = [];
    for (const child of node.children?.nodes ?? []) {
      const childName = child.getName();
      if (this.isPaneNode(child)) panes.push(this.pane(child, undefined));
      else if (childName === 'floating_panes') this.floating(child);
      else {
        this.fail(child, TAB_PROPERTIES.includes(childName)
          ? `Tab property '${childName}' must be placed on the tab title line and not in the child braces`
          : `Invalid tab property: ${childName}`);
      }
    }
    if (template && panes.length) this.assertOneChildrenBlock(template);
    const direction = this.directionOf(node);
    const body: Raw = panes.length === 0 ? leaf(getLocation(node)?.start.line)
      : panes.length === 1 ? panes[0]! : box(getLocation(node)?.start.line, direction, panes);
    // A tab-template consumer's panes fill the template's `children`.
    const tree = template ? this.templateBody(template, body) : body;
    return this.window(name, focus, cwd, tree, cwdText);
  }

  // ---------------------------------------------------------------- normalisation

  private window(name: string | undefined, focus: boolean, cwd: string, tree: Raw, cwdSource?: string): WindowSpec {
    const root = this.node(tree, cwd, undefined) ?? this.fallbackPane(cwd);
    return { name, cwd, ...(cwdSource === undefined ? {} : { cwdSource }), env: {}, focus, root: onlyOneFocus(root), tmuxLayout: undefined, options: {} };
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
    // The writer's form for a program name Zellij would otherwise expand (host/layout/zellijKdl.ts).
    if (argv && argv[0] === 'sh' && argv[1] === '-c' && argv[2] === LITERAL_EXEC && argv.length > 3) argv = argv.slice(3);
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
      ...(raw.cwd === undefined ? {} : { cwdSource: raw.cwd }),
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

function countChildren(node: KdlNode): number {
  return (node.children?.nodes ?? []).reduce((n, c) => n + (c.getName() === 'children' ? 1 : countChildren(c)), 0);
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

/** The known word nearest to a typo, or one it contains (`spit_size` -> `size`). */
function closest(word: string, known: readonly string[]): string | undefined {
  return nearest(word, known) ?? [...known].sort((a, b) => b.length - a.length).find((k) => k.length >= 4 && word.includes(k));
}
