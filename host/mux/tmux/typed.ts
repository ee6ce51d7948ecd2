import type { PaneInfo } from '../types.js';
import { chain } from './exec.js';
import type { TmuxMux } from './tmux.js';
import type { TypedTarget } from './plan.js';
import type { TypedTiming } from '../../layout/model.js';

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
export type { TypedTarget } from './plan.js';

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
  if (ids.some(({ timing }) => timing?.some((t) => t.sleepBeforeMs > 0 || t.sleepAfterMs > 0))) {
    // tmuxp's sleep_before / sleep_after: each pane's commands in order with its pauses,
    // the panes side by side (one pane's pauses do not hold up the others).
    const counts = await Promise.all(ids.map((target) => sendPaced(mux, target)));
    return invocations + counts.reduce((a, b) => a + b, 0);
  }
  const commands = ids.flatMap(({ id, commands: typed, timing }) => typed.flatMap((text, i) => keys(id, text, timing?.[i])));
  if (commands.length) {
    await mux.run(chain(commands));
    invocations++;
  }
  return invocations;
}

/** The text, then Enter unless the command asks for none (tmuxp's `enter: false`). */
function keys(id: string, text: string, timing: TypedTiming | undefined): string[][] {
  const out = [['send-keys', '-t', id, '-l', '--', text]];
  if (timing?.enter !== false) out.push(['send-keys', '-t', id, 'Enter']);
  return out;
}

async function sendPaced(mux: TmuxMux, target: PaneTarget): Promise<number> {
  let invocations = 0;
  for (const [i, text] of target.commands.entries()) {
    const timing = target.timing?.[i];
    if (timing?.sleepBeforeMs) await new Promise((r) => setTimeout(r, timing.sleepBeforeMs));
    await mux.run(chain(keys(target.id, text, timing)));
    invocations++;
    if (timing?.sleepAfterMs) await new Promise((r) => setTimeout(r, timing.sleepAfterMs));
  }
  return invocations;
}

interface PaneTarget {
  readonly id: string;
  readonly commands: readonly string[];
  readonly timing?: readonly TypedTiming[] | undefined;
}

/** Maps (window number, pane number in layout order) to tmux pane ids. */
function paneIds(panes: readonly PaneInfo[], targets: readonly TypedTarget[]): PaneTarget[] {
  const windows: PaneInfo[][] = [];
  for (const pane of panes) {
    const last = windows.at(-1);
    if (last && last[0]!.windowId === pane.windowId) last.push(pane);
    else windows.push([pane]);
  }
  return targets.flatMap((t) => {
    const pane = windows[t.window]?.[t.pane];
    return pane ? [{ id: pane.id, commands: t.commands, timing: t.timing }] : [];
  });
}
