import { panesOf, type LayoutNode, type SessionSpec, type Size } from './model.js';

/**
 * tmux custom layout strings (the `#{window_layout}` format), computed from picode's split
 * tree for an exact window size. `select-layout` with such a string places every pane at
 * the cell we computed, in one command, whatever order the panes were split in.
 *
 *   cell   = WxH,X,Y,ID            (a pane)
 *          | WxH,X,Y{cell,cell}    (children side by side: picode `row`)
 *          | WxH,X,Y[cell,cell]    (children stacked: picode `column`)
 *   string = CHECKSUM,cell         (CHECKSUM: tmux's 16-bit rotating sum, 4 hex digits)
 *
 * Siblings are separated by a one-cell border, so n children share `size - (n - 1)` cells.
 * tmux assigns the window's panes to the leaves in order, depth first: the launcher creates
 * panes in that same order.
 */
export interface Rect {
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
}

export function tmuxLayoutString(root: LayoutNode, width: number, height: number): string {
  let nextId = 0;
  const cell = (node: LayoutNode, rect: Rect): string => {
    const head = `${rect.width}x${rect.height},${rect.x},${rect.y}`;
    if (node.kind === 'pane' || node.children.length === 1) {
      if (node.kind === 'pane') return `${head},${nextId++}`;
      return cell(node.children[0]!, rect);
    }
    const row = node.direction === 'row';
    const total = row ? rect.width : rect.height;
    const sizes = allocate(node.children.map((c) => c.size), total);
    let offset = row ? rect.x : rect.y;
    const parts = node.children.map((child, i) => {
      const size = sizes[i]!;
      const childRect = row
        ? { width: size, height: rect.height, x: offset, y: rect.y }
        : { width: rect.width, height: size, x: rect.x, y: offset };
      offset += size + 1;
      return cell(child, childRect);
    });
    return row ? `${head}{${parts.join(',')}}` : `${head}[${parts.join(',')}]`;
  };
  const body = cell(root, { width, height, x: 0, y: 0 });
  return `${layoutChecksum(body)},${body}`;
}

/** tmux's layout_checksum(): rotate right by one bit, add the character, 16 bits. */
export function layoutChecksum(layout: string): string {
  let csum = 0;
  for (let i = 0; i < layout.length; i++) {
    csum = ((csum >> 1) + ((csum & 1) << 15)) & 0xffff;
    csum = (csum + layout.charCodeAt(i)) & 0xffff;
  }
  return csum.toString(16).padStart(4, '0');
}

/**
 * Splits `total` cells (borders included) among children: cells are taken as asked, percents
 * of what is left after the borders, and children without a size share the rest equally.
 * Rounding leftovers go to the unsized children (else the last child) so the sum is exact;
 * every child keeps at least one cell.
 */
export function allocate(sizes: readonly (Size | undefined)[], total: number): number[] {
  const n = sizes.length;
  const available = Math.max(n, total - (n - 1));
  const out = sizes.map((s) => (s === undefined ? 0 : 'cells' in s ? s.cells : Math.round((available * s.percent) / 100)));
  let fixed = out.reduce((a, b) => a + b, 0);
  const flexible = sizes.map((s, i) => (s === undefined ? i : -1)).filter((i) => i >= 0);
  // Too much asked for (cells larger than the window): shrink the sized children proportionally.
  const room = available - flexible.length;
  if (fixed > room) {
    const scale = room / fixed;
    for (let i = 0; i < n; i++) if (sizes[i] !== undefined) out[i] = Math.max(1, Math.floor(out[i]! * scale));
    fixed = out.reduce((a, b) => a + b, 0);
  }
  const rest = available - fixed;
  if (flexible.length) {
    const each = Math.floor(rest / flexible.length);
    flexible.forEach((idx, k) => { out[idx] = each + (k < rest - each * flexible.length ? 1 : 0); });
  } else {
    out[n - 1] = out[n - 1]! + rest;
  }
  for (let i = 0; i < n; i++) {
    if (out[i]! < 1) {
      const take = 1 - out[i]!;
      out[i] = 1;
      const donor = out.indexOf(Math.max(...out));
      out[donor] = out[donor]! - take;
    }
  }
  return out;
}

/** tmux 3.2/3.3's layout presets (the `-mirrored` variants arrived in 3.4). */
export const tmuxLayoutPresets = ['even-horizontal', 'even-vertical', 'main-horizontal', 'main-vertical', 'tiled'];

/**
 * Checks a window's `layout` before the build: tmux stops a command list at a failing
 * `select-layout`, and when that list started the server its message is lost ("server
 * exited unexpectedly"). Returns what is wrong, or undefined.
 */
export function tmuxLayoutProblem(layout: string, paneCount: number): string | undefined {
  if (tmuxLayoutPresets.includes(layout)) return undefined;
  const custom = /^([0-9a-f]{4}),(\d+x\d+,\d+,\d+[\s\S]*)$/.exec(layout);
  if (!custom) return `"${layout}" is neither a tmux layout (${tmuxLayoutPresets.join(', ')}) nor a layout string (as printed by #{window_layout})`;
  if (layoutChecksum(custom[2]!) !== custom[1]) return `the layout string "${layout}" has a wrong checksum (expected ${layoutChecksum(custom[2]!)})`;
  const cells = (custom[2]!.match(/\d+x\d+,\d+,\d+,\d+/g) ?? []).length;
  if (cells !== paneCount) return `the layout string has ${cells} pane(s) but the window has ${paneCount}`;
  return undefined;
}

/** Every window of the layout whose `layout` tmux would refuse, as "window N (name): problem". */
export function tmuxLayoutProblems(spec: SessionSpec): string[] {
  return spec.windows.flatMap((w, i) => {
    const problem = w.tmuxLayout === undefined ? undefined : tmuxLayoutProblem(w.tmuxLayout, [...panesOf(w.root)].length);
    return problem ? [`window ${i + 1}${w.name ? ` (${w.name})` : ''}: ${problem}`] : [];
  });
}
