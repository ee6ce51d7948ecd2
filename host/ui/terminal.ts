import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';
import type { FrameContent, LineStyle } from './frame.js';

const require = createRequire(import.meta.url);

/**
 * The thin adapter over blessed (0.1.81, unmaintained but stable): a full-screen frame with
 * a header, a body and a help line, a one-line input, keys and resize. Two settings make it
 * right inside tmux (see docs/agents.md): `terminal: 'xterm-256color'` because blessed cannot
 * parse tmux-256color's terminfo and falls back to 8 colours, and NCURSES_NO_UTF8_ACS=1 so
 * line-drawing characters are real Unicode (readable by capture-pane).
 *
 * Redraws are coalesced: any number of `show` calls in one tick draw once, and at most one
 * frame is drawn every `minFrameMs` (a model streaming tokens would otherwise redraw the pane
 * for each, and every redraw is pane output the host observes). The first change after a
 * quiet spell is drawn at once, so latency only grows under a stream of changes.
 */
export interface Terminal {
  readonly width: number;
  readonly height: number;
  /** Body rows available (height minus header and footer). */
  readonly bodyHeight: number;
  show(content: FrameContent): void;
  onKey(keys: readonly string[], handler: (key: string) => void): void;
  onResize(handler: () => void): void;
  /** Reads a line at the bottom; resolves undefined on Escape. Other keys are ignored meanwhile. */
  ask(prompt: string, initial?: string): Promise<string | undefined>;
  readonly asking: boolean;
  /** Sets the terminal title (tmux shows it as the pane title, `#{pane_title}`). */
  setTitle(title: string): void;
  bell(): void;
  destroy(): void;
}

/** At most ~60 frames a second. */
const minFrameMs = 16;

const styleTags: Record<LineStyle, [string, string]> = {
  normal: ['', ''],
  dim: ['{gray-fg}', '{/gray-fg}'],
  bold: ['{bold}', '{/bold}'],
  accent: ['{cyan-fg}', '{/cyan-fg}'],
  ok: ['{green-fg}', '{/green-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  error: ['{red-fg}', '{/red-fg}'],
  added: ['{green-fg}', '{/green-fg}'],
  removed: ['{red-fg}', '{/red-fg}'],
};

export function createTerminal(options: { title: string; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }): Terminal {
  process.env.NCURSES_NO_UTF8_ACS = '1';
  const blessed = require('blessed') as typeof import('blessed');
  const screen = blessed.screen({
    smartCSR: true,
    terminal: 'xterm-256color',
    fullUnicode: true,
    warnings: false,
    autoPadding: false,
    ...(options.input ? { input: options.input } : {}),
    ...(options.output ? { output: options.output } : {}),
  } as Widgets.IScreenOptions);
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: true, style: { inverse: true } });
  const body = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', bottom: 1, tags: true, wrap: false } as Widgets.BoxOptions);
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, style: { fg: 'gray' } } as Widgets.BoxOptions);
  let asking = false;
  let pending: FrameContent | undefined;
  let scheduled = false;
  let lastDrawAt = -Infinity;

  const draw = () => {
    scheduled = false;
    lastDrawAt = performance.now();
    const content = pending;
    if (!content) return;
    const width = Math.max(1, (screen.width as number) || 80);
    const pinned = content.pinned ?? [];
    const rows = Math.max(1, ((screen.height as number) || 24) - 2 - pinned.length);
    header.setContent(escape(clip(content.header, width)));
    const lines = content.body;
    let start: number;
    if (content.selected !== undefined) {
      start = Math.max(0, Math.min(content.selected - Math.floor(rows / 2), lines.length - rows));
    } else if (content.stickToBottom) {
      start = Math.max(0, lines.length - rows - (content.scroll ?? 0));
    } else {
      start = Math.max(0, Math.min(content.scroll ?? 0, lines.length - rows));
    }
    const visible = lines.slice(start, start + rows).map((l, i) => {
      const text = escape(clip(l.text, width));
      if (start + i === content.selected) return `{inverse}${text}${' '.repeat(Math.max(0, width - [...l.text].length))}{/inverse}`;
      const [open, close] = styleTags[l.style ?? 'normal'];
      return open + text + close;
    });
    if (pinned.length) {
      while (visible.length < rows) visible.push('');
      for (const l of pinned) {
        const [open, close] = styleTags[l.style ?? 'normal'];
        visible.push(open + escape(clip(l.text, width)) + close);
      }
    }
    body.setContent(visible.join('\n'));
    if (!asking) footer.setContent(escape(clip(content.footer, width)));
    screen.render();
  };

  const terminal: Terminal = {
    get width() { return (screen.width as number) || 80; },
    get height() { return (screen.height as number) || 24; },
    get bodyHeight() { return Math.max(1, ((screen.height as number) || 24) - 2); },
    get asking() { return asking; },
    show(content) {
      pending = content;
      if (!scheduled) {
        scheduled = true;
        const wait = lastDrawAt + minFrameMs - performance.now();
        if (wait > 0) setTimeout(draw, wait);
        else setImmediate(draw);
      }
    },
    onKey(keys, handler) {
      screen.key([...keys], (_ch: unknown, key: { full: string }) => {
        if (!asking) handler(key.full);
      });
    },
    onResize(handler) {
      screen.on('resize', handler);
    },
    ask(prompt, initial = '') {
      asking = true;
      const input = blessed.textbox({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, inputOnFocus: false, style: { fg: 'white', bg: 'blue' } } as Widgets.TextboxOptions);
      footer.setContent(escape(prompt));
      input.left = Math.min([...prompt].length, 40);
      input.width = Math.max(10, ((screen.width as number) || 80) - (input.left as number));
      input.setValue(initial);
      screen.render();
      return new Promise((resolve) => {
        input.readInput((_err: unknown, value?: string | null) => {
          input.destroy();
          asking = false;
          footer.setContent('');
          if (pending) terminal.show(pending);
          resolve(value === null || value === undefined ? undefined : value);
        });
      });
    },
    setTitle(title) {
      // OSC 2 written directly: blessed wraps its title sequence in tmux's passthrough (it
      // then names the outer terminal), while this sets the pane's own title, which tmux
      // shows as #{pane_title} and Zellij in the pane frame.
      const output = options.output ?? process.stdout;
      output.write(`\x1b]2;${title.replace(/[\x00-\x1f\x7f]/g, ' ')}\x1b\\`);
    },
    bell() {
      (options.output ?? process.stdout).write('\x07');
    },
    destroy() {
      screen.destroy();
    },
  };
  screen.on('resize', () => { if (pending) terminal.show(pending); });
  return terminal;
}

function clip(text: string, width: number): string {
  const chars = [...text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')];
  return chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '…' : chars.join('');
}

/** Escapes blessed's tag braces in text that came from elsewhere (a model, a pane, a file). */
function escape(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}
