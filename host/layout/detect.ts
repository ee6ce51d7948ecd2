import type { LayoutFormat } from './model.js';

/**
 * Recognises which tool a layout file was written for, from its contents (not its name):
 *   - tmuxp: `session_name` at the top, or windows with `window_name`/`panes` lists of tmuxp shape;
 *   - tmuxinator: `project_name`, `root`, `tabs`, `pre_window`..., or windows all written as
 *     one-key maps (`- editor: vim`) that are not picode window keys;
 *   - picode: everything else (its own schema then reports what is wrong).
 * `.kdl` files are Zellij layouts.
 */
const TMUXINATOR_KEYS = ['project_name', 'root', 'project_root', 'tabs', 'pre_window', 'pre_tab', 'startup_window',
  'startup_pane', 'socket_name', 'tmux_options', 'on_project_start', 'on_project_first_start', 'attach', 'pre', 'post'];
const PICODE_WINDOW_KEYS = new Set(['name', 'cwd', 'env', 'focus', 'split', 'panes', 'command', 'layout', 'options']);

export function detectFormat(file: string, data: unknown): LayoutFormat {
  if (file.endsWith('.kdl')) return 'zellij';
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'picode';
  const top = data as Record<string, unknown>;
  if ('session_name' in top) return 'tmuxp';
  if (TMUXINATOR_KEYS.some((k) => k in top)) return 'tmuxinator';
  const windows = top.windows;
  if (Array.isArray(windows)) {
    if (windows.some((w) => isObj(w) && ('window_name' in w || 'shell_command_before' in w))) return 'tmuxp';
    const oneKeyForeign = windows.length > 0 && windows.every((w) => isObj(w) && Object.keys(w).length === 1 && !PICODE_WINDOW_KEYS.has(Object.keys(w)[0]!));
    if (oneKeyForeign) return 'tmuxinator';
  }
  return 'picode';
}

function isObj(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
