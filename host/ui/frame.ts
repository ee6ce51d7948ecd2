/**
 * What a pane view draws, independent of the terminal library: a header line, a body of
 * styled lines (one of them possibly selected), and a help line. Views compute these from
 * their state as pure functions (tested without a terminal); host/ui/terminal.ts is the only
 * module that knows blessed.
 */
export type LineStyle = 'normal' | 'dim' | 'bold' | 'accent' | 'ok' | 'warn' | 'error' | 'added' | 'removed';

export interface Line {
  readonly text: string;
  readonly style?: LineStyle;
}

export interface FrameContent {
  readonly header: string;
  readonly body: readonly Line[];
  /** Index into body of the selected line (kept visible and highlighted). */
  readonly selected?: number | undefined;
  /** Keep the end of the body visible (a transcript following its newest lines). */
  readonly stickToBottom?: boolean;
  /** Lines scrolled up from the bottom (stickToBottom) or down from the top. */
  readonly scroll?: number;
  /** Lines pinned under the body, above the help line (the notifications area): never scrolled away. */
  readonly pinned?: readonly Line[];
  readonly footer: string;
}

export function line(text: string, style: LineStyle = 'normal'): Line {
  return { text, style };
}

/** Wraps text to a width (for prose in the body), hard-breaking words longer than the width. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  const w = Math.max(10, width - indent.length);
  for (const raw of text.replace(/\t/g, '  ').split('\n')) {
    let rest = raw;
    if (rest === '') { out.push(indent); continue; }
    while ([...rest].length > w) {
      const chars = [...rest];
      let cut = chars.slice(0, w).join('').lastIndexOf(' ');
      if (cut < w / 3) cut = w;
      out.push(indent + chars.slice(0, cut).join('').trimEnd());
      rest = chars.slice(cut).join('').trimStart();
    }
    out.push(indent + rest);
  }
  return out;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function progressBar(fraction: number, width: number): string {
  const n = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(n) + '░'.repeat(width - n);
}

export function pad(text: string, width: number): string {
  const chars = [...text];
  return chars.length >= width ? chars.slice(0, width).join('') : text + ' '.repeat(width - chars.length);
}
