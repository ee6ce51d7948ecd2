import { type LayoutNode, type PaneSpec, type SessionSpec, type Size, type WindowSpec } from './model.js';

/**
 * Writes a SessionSpec as a Zellij layout in KDL v1, the dialect Zellij 0.45 reads (bare
 * `true`/`false`, `"..."` strings). Used by the Zellij launcher (`picode up --mux zellij`)
 * and by `picode layout convert --to kdl`; the two differ only in how a pane's program is
 * resolved (`PaneProgram`), which the caller supplies.
 *
 * Directions: picode's `row` (side by side) is Zellij's `split_direction="vertical"` and
 * `column` (stacked) is `"horizontal"`, Zellij's default.
 */

/** What a pane runs, already resolved to an argv (Zellij execs `command` with `args`, no shell). */
export interface PaneProgram {
  /** argv to run; undefined = Zellij's default shell. */
  readonly argv: readonly string[] | undefined;
  /** Close the pane when the program exits (Zellij holds command panes open by default). */
  readonly closeOnExit: boolean;
}

export interface KdlWriteOptions {
  /** Resolves each pane's program. */
  readonly program: (pane: PaneSpec, window: WindowSpec) => PaneProgram;
  /** Add Zellij's usual tab-bar and status-bar around every tab (what `zellij` shows by default). */
  readonly chrome: boolean;
  /**
   * The `cwd` written for the layout, a tab and a pane (undefined: none). Default: every pane's
   * absolute directory. `layout convert` writes only the ones the source had, as it had them.
   */
  readonly cwd?: {
    readonly layout: string | undefined;
    readonly tab: (window: WindowSpec) => string | undefined;
    readonly pane: (pane: PaneSpec, window: WindowSpec) => string | undefined;
  };
}

export interface KdlWriteResult {
  readonly text: string;
  /** Parts of the spec a Zellij layout cannot express, by name (for a warning). */
  readonly dropped: readonly string[];
}

const INDENT = '    ';

export function writeZellijLayout(spec: SessionSpec, options: KdlWriteOptions): KdlWriteResult {
  const dropped: string[] = [];
  if (Object.keys(spec.options).length > 0) dropped.push(`options (${Object.keys(spec.options).join(', ')}): tmux session options`);
  const lines: string[] = ['layout {'];
  if (options.cwd?.layout !== undefined) lines.push(`${INDENT}cwd ${kdlString(options.cwd.layout)}`);
  if (options.chrome) {
    lines.push(
      `${INDENT}default_tab_template {`,
      `${INDENT}${INDENT}pane size=1 borderless=true {`,
      `${INDENT}${INDENT}${INDENT}plugin location="tab-bar"`,
      `${INDENT}${INDENT}}`,
      `${INDENT}${INDENT}children`,
      `${INDENT}${INDENT}pane size=2 borderless=true {`,
      `${INDENT}${INDENT}${INDENT}plugin location="status-bar"`,
      `${INDENT}${INDENT}}`,
      `${INDENT}}`,
    );
  }
  const focusedWindow = spec.windows.findIndex((w) => w.focus);
  spec.windows.forEach((window, index) => {
    const label = window.name ?? `windows[${index}]`;
    if (window.tmuxLayout !== undefined) dropped.push(`${label}: layout "${window.tmuxLayout}" (a tmux layout; the split tree is kept)`);
    if (Object.keys(window.options).length > 0) dropped.push(`${label}: options (${Object.keys(window.options).join(', ')}): tmux window options`);
    const props = [
      prop('name', window.name),
      prop('focus', focusedWindow === index ? true : undefined),
      prop('cwd', options.cwd?.tab(window)),
    ];
    const root = window.root;
    if (root.kind === 'split') {
      props.push(prop('split_direction', zellijDirection(root.direction)));
      lines.push(`${INDENT}tab${joinProps(props)} {`);
      for (const child of root.children) writeNode(child, window, options, lines, 2);
    } else {
      lines.push(`${INDENT}tab${joinProps(props)} {`);
      writeNode(root, window, options, lines, 2);
    }
    lines.push(`${INDENT}}`);
  });
  lines.push('}');
  return { text: `${lines.join('\n')}\n`, dropped };
}

/** picode direction -> Zellij `split_direction`. */
export function zellijDirection(direction: 'row' | 'column'): 'vertical' | 'horizontal' {
  return direction === 'row' ? 'vertical' : 'horizontal';
}

function writeNode(node: LayoutNode, window: WindowSpec, options: KdlWriteOptions, lines: string[], depth: number): void {
  const pad = INDENT.repeat(depth);
  if (node.kind === 'split') {
    const props = [prop('split_direction', zellijDirection(node.direction)), prop('size', sizeValue(node.size))];
    lines.push(`${pad}pane${joinProps(props)} {`);
    for (const child of node.children) writeNode(child, window, options, lines, depth + 1);
    lines.push(`${pad}}`);
    return;
  }
  const program = options.program(node, window);
  const [command, ...args] = literalArgv(program.argv ?? []);
  const props = [
    prop('name', node.name),
    prop('size', sizeValue(node.size)),
    prop('focus', node.focus ? true : undefined),
    prop('command', command),
    prop('cwd', options.cwd ? options.cwd.pane(node, window) : node.cwd),
    prop('close_on_exit', command !== undefined && program.closeOnExit ? true : undefined),
  ];
  if (args.length === 0) {
    lines.push(`${pad}pane${joinProps(props)}`);
    return;
  }
  lines.push(`${pad}pane${joinProps(props)} {`);
  lines.push(`${pad}${INDENT}args ${args.map(kdlString).join(' ')}`);
  lines.push(`${pad}}`);
}

/**
 * Zellij expands `~` and `$VAR` in `command` (not in `args`): a program name holding either
 * is run through `sh -c 'exec "$0" "$@"'` so it stays as written. The importer reads this
 * form back as the plain argv.
 */
export const LITERAL_EXEC = 'exec "$0" "$@"';

function literalArgv(argv: readonly string[]): readonly string[] {
  const [command] = argv;
  if (command === undefined || !(command.includes('$') || command.startsWith('~'))) return argv;
  return ['sh', '-c', LITERAL_EXEC, ...argv];
}

function sizeValue(size: Size | undefined): string | number | undefined {
  if (size === undefined) return undefined;
  return 'percent' in size ? `${formatNumber(size.percent)}%` : size.cells;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

function prop(name: string, value: string | number | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `${name}=${kdlValue(value)}`;
}

function joinProps(props: ReadonlyArray<string | undefined>): string {
  const present = props.filter((p): p is string => p !== undefined);
  return present.length ? ` ${present.join(' ')}` : '';
}

function kdlValue(value: string | number | boolean): string {
  if (typeof value === 'string') return kdlString(value);
  return String(value);
}

/**
 * Code points written as \u{X}: controls (C0, DEL, C1), KDL's newlines (U+0085 is in C1;
 * U+2028, U+2029) and the code points KDL forbids literally (bidi marks and isolates, BOM).
 */
function mustEscape(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x200e || code === 0x200f
    || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
}

/**
 * A KDL v1 quoted string. v1 escapes: \" \\ \/ \b \f \n \r \t and \u{X}; every other
 * control character is written as \u{X} so the file stays printable and parses back exactly.
 */
export function kdlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      default:
        out += mustEscape(code) ? `\\u{${code.toString(16)}}` : ch;
    }
  }
  return `${out}"`;
}
