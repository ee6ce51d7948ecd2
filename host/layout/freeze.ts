import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { paneRoles, type LayoutNode, type PaneRole, type PaneSpec, type SessionSpec, type WindowSpec } from './model.js';

/**
 * `picode freeze`: a running tmux session read back as a layout. Everything comes from tmux
 * and the kernel, nothing is guessed:
 *
 * - the split tree and its sizes from each window's `#{window_layout}` (tmux's own layout
 *   string), as percents precise enough to give back the same cells at the same size;
 * - each pane's directory (`#{pane_current_path}`);
 * - the program of a pane that is not sitting at a shell prompt: the argv of the pane's
 *   foreground process (its terminal's foreground process group leader, from /proc), so
 *   `vim notes.md` comes back as ["vim", "notes.md"], not as "vim";
 * - the active window and pane as `focus`, picode's pane names, roles and plugins from the
 *   pane options picode sets (`@picode_name`, `@picode_role`, `@picode_plugin`).
 */
export type TmuxRunner = (args: readonly string[]) => Promise<string>;

export interface FrozenSession {
  readonly spec: SessionSpec;
  /** Each window's tmux layout string, for formats that take one (tmuxp's `layout`). */
  readonly layouts: readonly string[];
  /** Each window's tmux index. */
  readonly indices: readonly number[];
}

const SEP = '<|>';
const WINDOW_FORMAT = ['#{window_index}', '#{window_name}', '#{window_active}', '#{window_layout}', '#{session_path}'].join(SEP);
const PANE_FORMAT = ['#{window_index}', '#{pane_id}', '#{pane_active}', '#{pane_current_path}', '#{pane_pid}', '#{pane_dead}',
  '#{pane_start_command}', '#{@picode_name}', '#{@picode_role}', '#{@picode_plugin}', '#{remain-on-exit}'].join(SEP);

/** Shells: a pane whose foreground process is one of these is at a prompt, not running a command. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'ash', 'nu', 'elvish', 'xonsh', 'pwsh']);

interface PaneRow {
  readonly window: number;
  readonly id: number;
  readonly active: boolean;
  readonly path: string;
  readonly pid: number;
  readonly dead: boolean;
  readonly startCommand: string;
  readonly name: string;
  readonly role: string;
  readonly plugin: string;
  readonly remainOnExit: boolean;
}

export async function freezeSession(tmux: TmuxRunner, session: string, file: string): Promise<FrozenSession> {
  const [windowsOut, panesOut] = await Promise.all([
    tmux(['list-windows', '-t', `=${session}`, '-F', WINDOW_FORMAT]),
    tmux(['list-panes', '-s', '-t', `=${session}`, '-F', PANE_FORMAT]),
  ]);
  const panes = panesOut.split('\n').filter(Boolean).map(parsePaneRow);
  const windowRows = windowsOut.split('\n').filter(Boolean).map((line) => {
    const [index, name, active, layout, sessionPath] = line.split(SEP);
    return { index: Number(index), name: name!, active: active === '1', layout: layout!, sessionPath: sessionPath! };
  });
  const firstPath = panes[0]?.path || windowRows[0]?.sessionPath || '/';
  const windows: WindowSpec[] = windowRows.map((w) => {
    const byId = new Map(panes.filter((p) => p.window === w.index).map((p) => [p.id, p]));
    const root = toNode(parseLayout(w.layout), byId);
    const firstPane = byId.values().next().value as PaneRow | undefined;
    const cwd = firstPane?.path || firstPath;
    return {
      name: w.name,
      cwd,
      ...(cwd === firstPath ? {} : { cwdSource: cwd }),
      env: {},
      focus: w.active,
      root: withPaneCwdSources(root, cwd),
      tmuxLayout: undefined,
      options: {},
    };
  });
  const indices = windowRows.map((w) => w.index);
  const consecutive = indices.every((index, i) => index === indices[0]! + i);
  const spec: SessionSpec = {
    name: session,
    cwd: firstPath,
    cwdSource: firstPath,
    env: {},
    before: [],
    options: {},
    windows: consecutive ? windows : windows.map((w, i) => ({ ...w, index: indices[i] })),
    source: { format: 'picode', file },
    unsupported: [],
  };
  return { spec, layouts: windowRows.map((w) => w.layout), indices };
}

/** Directories for converters: a pane's own only where it differs from its window's. */
function withPaneCwdSources(node: LayoutNode, windowCwd: string): LayoutNode {
  if (node.kind === 'split') return { ...node, children: node.children.map((c) => withPaneCwdSources(c, windowCwd)) };
  return node.cwd === windowCwd ? node : { ...node, cwdSource: node.cwd };
}

function parsePaneRow(line: string): PaneRow {
  const [window, id, active, path, pid, dead, startCommand, name, role, plugin, remain] = line.split(SEP);
  return {
    window: Number(window), id: Number(id!.slice(1)), active: active === '1', path: path!, pid: Number(pid), dead: dead === '1',
    startCommand: startCommand ?? '', name: name ?? '', role: role ?? '', plugin: plugin ?? '', remainOnExit: remain === 'on',
  };
}

// ------------------------------------------------------------------ tmux layout strings

/** A cell of a tmux layout string: a pane (its id) or children side by side (`{}`) or stacked (`[]`). */
export type LayoutCell =
  | { readonly kind: 'pane'; readonly width: number; readonly height: number; readonly id: number }
  | { readonly kind: 'split'; readonly width: number; readonly height: number; readonly direction: 'row' | 'column'; readonly children: readonly LayoutCell[] };

/** Parses `#{window_layout}` (`csum,WxH,X,Y,ID` or `csum,WxH,X,Y{...}` / `[...]`). */
export function parseLayout(layout: string): LayoutCell {
  const body = layout.replace(/^[0-9a-f]{4},/, '');
  let at = 0;
  const number = (): number => {
    const m = /^\d+/.exec(body.slice(at));
    if (!m) throw new Error(`not a tmux layout string (at ${at}): ${layout}`);
    at += m[0].length;
    return Number(m[0]);
  };
  const expect = (c: string): void => {
    if (body[at] !== c) throw new Error(`not a tmux layout string (expected "${c}" at ${at}): ${layout}`);
    at++;
  };
  const cell = (): LayoutCell => {
    const width = number();
    expect('x');
    const height = number();
    expect(',');
    number();
    expect(',');
    number();
    const open = body[at];
    if (open === '{' || open === '[') {
      at++;
      const children: LayoutCell[] = [cell()];
      while (body[at] === ',') {
        at++;
        children.push(cell());
      }
      expect(open === '{' ? '}' : ']');
      return { kind: 'split', width, height, direction: open === '{' ? 'row' : 'column', children };
    }
    expect(',');
    return { kind: 'pane', width, height, id: number() };
  };
  return cell();
}

function toNode(cell: LayoutCell, panes: ReadonlyMap<number, PaneRow>): LayoutNode {
  if (cell.kind === 'pane') {
    const row = panes.get(cell.id);
    if (!row) throw new Error(`the layout names pane %${cell.id}, which tmux did not list`);
    return paneSpec(row);
  }
  const along = (c: LayoutCell): number => (cell.direction === 'row' ? c.width : c.height);
  // Percents of the room left after the borders, to two decimals: exact cells at the same
  // window size, proportional at another. The last child takes what is left.
  const room = cell.children.reduce((sum, c) => sum + along(c), 0);
  const children = cell.children.map((child, i) => {
    const node = toNode(child, panes);
    const size = i === cell.children.length - 1 ? undefined : { percent: Math.round((along(child) / room) * 10000) / 100 };
    return { ...node, size } as LayoutNode;
  });
  return { kind: 'split', direction: cell.direction, size: undefined, children };
}

function paneSpec(row: PaneRow): PaneSpec {
  const role: PaneRole = (paneRoles as readonly string[]).includes(row.role) ? (row.role as PaneRole) : 'shell';
  // A picode view is started from its role; any other pane from its running program.
  const program = role === 'shell' || role === 'plugin' ? paneCommand(row) : undefined;
  // A program tmux started itself ends the pane (or holds it, with remain-on-exit); one run
  // from a shell (typed, or picode's wrapper) hands the pane back to the shell.
  const onExit = program === undefined ? (role === 'shell' || role === 'plugin' ? 'shell' : 'hold')
    : program.direct ? (row.remainOnExit ? 'hold' : 'close') : 'shell';
  return {
    kind: 'pane',
    name: row.name || undefined,
    role,
    command: program?.command,
    typed: [],
    onExit,
    cwd: row.path,
    env: {},
    focus: row.active,
    size: undefined,
    shellInit: false,
    plugin: row.plugin || undefined,
  };
}

/**
 * The pane's program: the argv of its foreground process, undefined when that is a shell at
 * its prompt. A `sh -c` wrapper (how tmux runs a command line, and how picode runs a command
 * before handing the pane to your shell) is read back as the command it wraps.
 */
function paneCommand(row: PaneRow): { command: string | readonly string[]; direct: boolean } | undefined {
  if (row.dead) return row.startCommand ? { command: row.startCommand.replace(/^"|"$/g, ''), direct: true } : undefined;
  const foreground = foregroundProcess(row.pid);
  const argv = foreground === undefined ? undefined : cmdline(foreground);
  if (argv === undefined || argv.length === 0) return undefined;
  const direct = foreground === row.pid;
  if (!SHELLS.has(basename(argv[0]!).replace(/^-/, ''))) return { command: argv, direct };
  const script = argv[1] === '-c' ? argv[2] : undefined;
  if (script === undefined) return undefined;
  const wrapped = /^([\s\S]*)\nexec [^\n]*$/.exec(script);
  if (!wrapped) return { command: script, direct };
  // picode's `onExit: shell` wrapper: `CMD\nexec SHELL`, or `"$@"\nexec SHELL` picode-pane ARGV...
  return { command: wrapped[1] === '"$@"' ? argv.slice(4) : wrapped[1]!, direct: false };
}

/** The leader of the foreground process group of the pane's terminal (field 8 of /proc/PID/stat). */
function foregroundProcess(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tpgid = Number(fields[5]);
    return tpgid > 0 ? tpgid : pid;
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((part, i, all) => part !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}
