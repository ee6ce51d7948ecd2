/**
 * Turns Zellij's viewport snapshots into an output stream.
 *
 * tmux control mode hands the host every byte a pane's program writes (`%output`), escape
 * sequences and OSC 133 marks included. Zellij has no such stream: `zellij subscribe
 * --format json` sends the rendered viewport (the visible lines as text) once at the start
 * and again after every change. The pane's output is therefore reconstructed by comparing
 * each viewport with the previous one:
 *
 * - lines that scrolled in at the bottom (the old viewport, shifted up by k lines, is the top
 *   of the new one) are output: `\r\n` + line for each new line;
 * - a bottom line that grew (a prompt being typed at, a progress line being extended) outputs
 *   the added characters;
 * - a bottom line rewritten in place with no scroll (a `\r` progress bar) outputs
 *   `\r` + the new line + `ESC [K`, what the program itself would have sent;
 * - anything else (a full-screen program redrawing, `clear`, more than a screenful between
 *   two snapshots) outputs `\r\n ESC[H ESC[2J` + the whole new viewport: a terminal-aware
 *   reader sees the new screen, a plain-text reader sees its text.
 *
 * What this cannot give (docs/zellij.md): the exact bytes (styles, cursor movement, OSC 133
 * command marks never reach a viewport), output that appeared and scrolled away between two
 * snapshots, and a change that leaves the viewport identical (the same line printed again
 * on a screen full of that line).
 */
export class ViewportDiffer {
  private previous: string[] | undefined;

  /** Feeds one snapshot; returns the output it implies ('' for the first one, which is the baseline). */
  update(viewport: readonly string[], isInitial = false): string {
    const current = normalise(viewport);
    const previous = this.previous;
    this.previous = current;
    if (previous === undefined || isInitial) return '';
    return diffViewports(previous, current);
  }

  /** The last snapshot, normalised (trailing spaces and blank bottom lines removed). */
  get lines(): readonly string[] {
    return this.previous ?? [];
  }
}

const NEWLINE = '\r\n';
const REDRAW = '\x1b[H\x1b[2J';
const ERASE_TO_END = '\x1b[K';

export function normalise(viewport: readonly string[]): string[] {
  const lines = viewport.map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function diffViewports(previous: readonly string[], current: readonly string[]): string {
  if (previous.length === current.length && previous.every((line, i) => line === current[i])) return '';
  if (previous.length === 0) return current.join(NEWLINE);
  for (let shift = 0; shift < previous.length; shift++) {
    const overlap = previous.length - shift;
    if (overlap > current.length) continue;
    let matches = true;
    for (let i = 0; i < overlap - 1 && matches; i++) matches = previous[shift + i] === current[i];
    if (!matches) continue;
    const before = previous[previous.length - 1]!;
    const after = current[overlap - 1]!;
    let out: string;
    if (after.startsWith(before)) out = after.slice(before.length);
    else if (shift === 0) out = `\r${after}${ERASE_TO_END}`; // rewritten in place, nothing scrolled
    else continue;
    for (let i = overlap; i < current.length; i++) out += NEWLINE + current[i]!;
    return out;
  }
  return NEWLINE + REDRAW + current.join(NEWLINE);
}
