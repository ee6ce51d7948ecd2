import type { PaneInfo } from '../types.js';
import { chain } from './exec.js';
import type { TmuxMux } from './tmux.js';

/**
 * Typed commands (what tmuxp and tmuxinator files ask for) are sent only once each target
 * pane's shell is ready. Keys sent earlier are what makes tmuxp/tmuxinator lose or double
 * commands: the shell's line editor is not reading yet, or an rc file swallows the input.
 *
 * "Ready" = the shell has printed its prompt, seen as the cursor leaving the top-left cell
 * (every prompt, even an empty-looking one ending in a newline, moves it). This is polled
 * with one cheap `list-panes` per round instead of sleeping a guessed time; a pane whose
 * shell never prints a prompt gets its commands after `timeoutMs` anyway.
 */
export interface TypedTarget {
  readonly window: number;
  readonly pane: number;
  readonly commands: readonly string[];
}

const POLL_MS = 10;

/** Returns the number of tmux invocations it used. */
export async function sendWhenReady(mux: TmuxMux, sessionId: string, panes: readonly PaneInfo[], targets: readonly TypedTarget[], timeoutMs = 5000): Promise<number> {
  const ids = paneIds(panes, targets);
  const pending = new Set(ids.map((t) => t.id));
  let invocations = 0;
  const deadline = Date.now() + timeoutMs;
  while (pending.size && Date.now() < deadline) {
    const out = await mux.run(['list-panes', '-s', '-t', sessionId, '-F', '#{pane_id} #{cursor_x} #{cursor_y} #{pane_dead}']);
    invocations++;
    for (const line of out.split('\n')) {
      const [id, x, y, dead] = line.split(' ');
      if (id && pending.has(id) && (x !== '0' || y !== '0' || dead === '1')) pending.delete(id);
    }
    if (pending.size) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const commands = ids.flatMap(({ id, commands: typed }) =>
    typed.flatMap((text) => [['send-keys', '-t', id, '-l', '--', text], ['send-keys', '-t', id, 'Enter']]));
  if (commands.length) {
    await mux.run(chain(commands));
    invocations++;
  }
  return invocations;
}

/** Maps (window number, pane number in layout order) to tmux pane ids. */
function paneIds(panes: readonly PaneInfo[], targets: readonly TypedTarget[]): Array<{ id: string; commands: readonly string[] }> {
  const windows: PaneInfo[][] = [];
  for (const pane of panes) {
    const last = windows.at(-1);
    if (last && last[0]!.windowId === pane.windowId) last.push(pane);
    else windows.push([pane]);
  }
  return targets.flatMap((t) => {
    const pane = windows[t.window]?.[t.pane];
    return pane ? [{ id: pane.id, commands: t.commands }] : [];
  });
}
