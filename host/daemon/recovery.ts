import type { Database } from '../store/db.js';
import { readOutputRange } from '../store/outputLog.js';
import { TerminalFilter } from '../terminal/filter.js';
import { TextScrollback } from '../terminal/scrollback.js';

/**
 * What a pane printed while no host ran (issue 13 §4). With `host.capture: control` or
 * `pipe-pane` nothing keeps a pane's output while no host reads it (the spool does), but tmux
 * keeps its history: the restarted host finds the end of what it durably recorded there (the
 * last lines of the output log) and takes the lines after it. When the history no longer holds
 * that end (`clear-history`, or scrolled past `history-limit`), the output is lost, and reported
 * as a gap with the size of what the pane shows that was never recorded.
 */
export type Recovery =
  | { readonly kind: 'none' }
  | { readonly kind: 'recovered'; readonly text: string; readonly lines: number }
  | { readonly kind: 'gap'; readonly estimatedBytes: number; readonly reason: string };

/** The end of what was recorded: its last complete lines and the unfinished one after them. */
export interface RecordedEnd {
  readonly lines: readonly string[];
  readonly partial: string;
}

/** How many recorded lines must match, in order, to place the record in tmux's history. */
const anchorLines = 8;
/** How much of the record's end is read back to find those lines. */
const tailBytes = 64 * 1024;

/**
 * True when the pane is the one the previous host recorded under its id (same process): tmux
 * reuses pane ids on a new server, and a session of the same name started afresh is not a gap.
 */
export function isRecordedPane(db: Database, hostKey: string, pane: { readonly id: string; readonly pid?: number | undefined }): boolean {
  const row = db.prepare(`SELECT json_extract(data, '$.pane.pid') AS pid FROM events
    WHERE host_key = ? AND pane = ? AND type = 'pane.opened' ORDER BY seq DESC LIMIT 1`).get(hostKey, pane.id) as { pid: number | null } | undefined;
  return row !== undefined && row.pid !== null && row.pid === pane.pid;
}

/** The plain lines at the end of a pane's output log, up to `end` (escapes removed, as tmux renders them). */
export function recordedEnd(db: Database, hostKey: string, pane: string, end: number): RecordedEnd {
  const from = Math.max(0, end - tailBytes);
  const raw = readOutputRange(db, hostKey, pane, from, end);
  // The log is written in batches: when it stops short of `end`, the events have the end.
  const fromLog = raw.length > 0 && from + raw.length === end;
  const text = fromLog ? plainText(raw) : lastEventText(db, hostKey, pane);
  const lines = toLines(text);
  // Read from the middle of the stream, the first line is cut: it is not one of the pane's lines.
  if (fromLog && from > 0) lines.shift();
  const partial = /\n$/.test(text) || lines.length === 0 ? '' : lines.pop()!;
  return { lines, partial };
}

/**
 * The output the pane printed after the record ends, from its history (`capture`: tmux's
 * rendering, wrapped lines joined). `live` is what the host already received since it attached
 * (raw bytes; also in the history when printed before the capture): left out, not delivered twice.
 */
export function recover(history: string, recorded: RecordedEnd, live: Buffer = Buffer.alloc(0)): Recovery {
  // Compared without trailing spaces; delivered with them (a prompt's `$ `).
  const shownRaw = trimBlankEnd(history.split('\n'));
  const shown = shownRaw.map((l) => l.trimEnd());
  const anchor = recorded.lines.slice(-anchorLines).map((l) => expandTabs(l).trimEnd());
  let after: string[];
  if (anchor.length === 0 && recorded.partial === '') {
    after = shownRaw; // nothing recorded: the pane is new to picode
  } else {
    // Only an unfinished line recorded (a prompt): the pane's first line that begins with it.
    const at = anchor.length > 0 ? lastIndexOfRun(shown, anchor)
      : indexOrUndefined(shown.findIndex((l) => l.startsWith(expandTabs(recorded.partial).trimEnd())));
    if (at === undefined) {
      const estimatedBytes = Buffer.byteLength(shown.join('\n'));
      return estimatedBytes === 0 ? { kind: 'none' } : {
        kind: 'gap', estimatedBytes,
        reason: "tmux's history no longer holds the end of what the previous host recorded (cleared, or scrolled past history-limit)",
      };
    }
    after = shownRaw.slice(at + anchor.length);
    const partial = expandTabs(recorded.partial);
    // The line the record ended in: only what came after its recorded beginning is new.
    if (after.length > 0 && partial !== '') {
      const head = after[0]!.startsWith(partial) ? partial : partial.trimEnd();
      if (after[0]!.startsWith(head)) after[0] = after[0]!.slice(head.length);
    }
  }
  after = withoutOverlap(after, toLines(plainText(live)).map((l) => expandTabs(l).trimEnd()));
  const text = after.join('\r\n');
  return text.trim() === '' ? { kind: 'none' } : { kind: 'recovered', text, lines: after.length };
}

/** The lines of `history` up to where `live` (received since the attach) begins. */
function withoutOverlap(history: string[], live: readonly string[]): string[] {
  if (live.length === 0) return history;
  for (let k = Math.min(history.length, live.length); k > 0; k--) {
    const start = history.length - k;
    let same = true;
    for (let j = 0; j < k && same; j++) {
      const h = history[start + j]!.trimEnd();
      const l = live[j]!;
      // The attach may have come mid-line (live begins inside the line), and the capture may
      // have caught a line half-printed (the history line is the start of the live one).
      same = h === l || (j === 0 && h.endsWith(l)) || (j === k - 1 && l.startsWith(h));
    }
    if (same) {
      const kept = history.slice(0, start);
      const first = live[0]!;
      const cut = history[start]!.trimEnd();
      // Keep the part of a line the attach came in the middle of.
      if (cut !== first && cut.endsWith(first)) kept.push(cut.slice(0, cut.length - first.length));
      return kept;
    }
  }
  return history;
}

/** Where `run` last occurs in `lines`; its first line may be the end of a line (a record that began mid-line, after a prompt). */
function lastIndexOfRun(lines: readonly string[], run: readonly string[]): number | undefined {
  for (let i = lines.length - run.length; i >= 0; i--) {
    let j = 0;
    while (j < run.length && (lines[i + j] === run[j] || (j === 0 && lines[i]!.endsWith(run[0]!)))) j++;
    if (j === run.length) return i;
  }
  return undefined;
}

function indexOrUndefined(index: number): number | undefined {
  return index === -1 ? undefined : index;
}

function plainText(raw: Buffer): string {
  const parts: Buffer[] = [];
  new TerminalFilter().push(raw, 0, { plain: (bytes) => parts.push(bytes), mark: () => undefined });
  return new TextDecoder('utf-8').decode(Buffer.concat(parts));
}

/** The text of the last `pane.output` events (when the output log does not reach the end, or keeps nothing). */
function lastEventText(db: Database, hostKey: string, pane: string): string {
  const rows = db.prepare(`SELECT json_extract(data, '$.text') AS text FROM events
    WHERE host_key = ? AND pane = ? AND type = 'pane.output' ORDER BY seq DESC LIMIT 20`).all(hostKey, pane) as Array<{ text: string | null }>;
  return rows.reverse().map((r) => r.text ?? '').join('');
}

/** Lines as a terminal shows them (`\r` overwrites, `\b` deletes); an unfinished last line included. */
function toLines(text: string): string[] {
  if (text === '') return [];
  const lines = new TextScrollback(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  lines.append(text);
  return lines.tail();
}

function trimBlankEnd(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}

/** Tabs as tmux renders them: spaces to the next multiple of 8. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}
