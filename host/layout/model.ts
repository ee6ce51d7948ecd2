/**
 * The normalised layout: what every loader (picode YAML/JSON, tmuxp, tmuxinator, Zellij KDL)
 * produces and what every multiplexer adapter consumes. Loading a file and building a
 * workspace are separate steps (as in tmuxp): nothing here knows about tmux or Zellij.
 *
 * Directions are named by how children are arranged, to avoid the tmux/Zellij clash over
 * "horizontal" and "vertical": `row` = side by side (left to right), `column` = stacked
 * (top to bottom).
 */

export type PaneRole = 'shell' | 'plan' | 'agent' | 'jobs' | 'log' | 'plugin';
export const paneRoles: readonly PaneRole[] = ['shell', 'plan', 'agent', 'jobs', 'log', 'plugin'];

/** A size along the parent's split direction. */
export type Size = { readonly percent: number } | { readonly cells: number };

/** What happens when a pane's command exits. */
export type OnExit = 'shell' | 'close' | 'hold';

export interface PaneSpec {
  readonly kind: 'pane';
  readonly name: string | undefined;
  readonly role: PaneRole;
  /**
   * The pane's program: a shell command line (run with the user's shell `-c`) or an argv
   * list (exec'd directly). Undefined = an interactive login shell (or the role's view).
   */
  readonly command: string | readonly string[] | undefined;
  /** Commands typed into the pane's interactive shell once it is ready (imports only). */
  readonly typed: readonly string[];
  /**
   * How each of `typed` is sent, index for index (tmuxp's `enter`, `sleep_before`,
   * `sleep_after`). Absent: Enter after every command, no pauses.
   */
  readonly typedTiming?: readonly TypedTiming[] | undefined;
  readonly onExit: OnExit;
  /** Absolute working directory. */
  readonly cwd: string;
  /** The directory as the source file wrote it (relative, `~`...), when it wrote one: converters keep it. */
  readonly cwdSource?: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly focus: boolean;
  readonly size: Size | undefined;
  /** Add OSC 133 command-boundary marks to the pane's shell (see `picode shell-init`). */
  readonly shellInit: boolean;
  /** Plugin name for role `plugin`. */
  readonly plugin: string | undefined;
  /** A coding agent's own CLI started in the pane (`agent: claude`): `picode agent --with` on it. */
  readonly agent?: { readonly with: string; readonly task: string; readonly worktree: boolean } | undefined;
}

/** How one typed command is sent. */
export interface TypedTiming {
  /** Press Enter after the text (false: the text is left on the prompt). */
  readonly enter: boolean;
  readonly sleepBeforeMs: number;
  readonly sleepAfterMs: number;
}

export interface SplitSpec {
  readonly kind: 'split';
  readonly direction: 'row' | 'column';
  readonly size: Size | undefined;
  readonly children: readonly LayoutNode[];
}

export type LayoutNode = PaneSpec | SplitSpec;

export interface WindowSpec {
  readonly name: string | undefined;
  readonly cwd: string;
  readonly cwdSource?: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly focus: boolean;
  readonly root: LayoutNode;
  /**
   * A tmux layout applied after the panes exist: a preset (`tiled`, `main-vertical`, ...)
   * or a custom layout string. Used by imported tmuxp/tmuxinator files; picode's own
   * format expresses sizes in the split tree instead.
   */
  readonly tmuxLayout: string | undefined;
  /** The tmux window index asked for (tmuxp's `window_index`); absent: the next free one. */
  readonly index?: number | undefined;
  /** Window options (`set-window-option`), from imports or picode's `options`. */
  readonly options: Readonly<Record<string, string>>;
}

export type LayoutFormat = 'picode' | 'tmuxp' | 'tmuxinator' | 'zellij';

export interface SessionSpec {
  readonly name: string;
  readonly cwd: string;
  readonly cwdSource?: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Shell commands run (in `cwd`, with `env`) before the session is built; a failure aborts the launch. */
  readonly before: readonly string[];
  /** Session options (`set-option`). */
  readonly options: Readonly<Record<string, string>>;
  readonly windows: readonly WindowSpec[];
  readonly source: { readonly format: LayoutFormat; readonly file: string };
  /** Fields of an imported file that picode does not support, by name, with the reason. */
  readonly unsupported: readonly string[];
}

/** Walks a layout tree depth-first, left to right: the order panes are created in. */
export function* panesOf(node: LayoutNode): Generator<PaneSpec> {
  if (node.kind === 'pane') {
    yield node;
    return;
  }
  for (const child of node.children) yield* panesOf(child);
}
