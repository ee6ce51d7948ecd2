/**
 * tmux control mode (`tmux -C`) protocol, as pure functions over bytes.
 *
 * The control client's stdout is a stream of lines. Outside a reply block a line is a
 * notification (`%output %3 data`, `%window-add @2`, ...); between `%begin` and the
 * matching `%end`/`%error` every line is the output of one command (even when it starts
 * with `%`). In `%output` data, tmux 3.3a escapes every byte below 0x20 and the backslash
 * as a 3-digit octal escape (`\ooo`) and passes every other byte raw, UTF-8 included. A line
 * is one read of the pane, so escape sequences and UTF-8 characters can be cut between two
 * `%output` lines: data is decoded to bytes here and turned into text later, per pane.
 */

export type ControlLine =
  | { readonly kind: 'begin' | 'end' | 'error'; readonly time: number; readonly number: number; readonly flags: number }
  | { readonly kind: 'output'; readonly pane: string; readonly data: Buffer; readonly age: number | undefined }
  /** A line of a command's reply (between %begin and %end/%error). */
  | { readonly kind: 'reply'; readonly text: string }
  /** Any other notification: `name` without the `%`, `args` the rest of the line. */
  | { readonly kind: 'notification'; readonly name: string; readonly args: string }
  | { readonly kind: 'exit'; readonly reason: string | undefined };

const PERCENT = 0x25;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const CR = 0x0d;

const outputPrefix = Buffer.from('%output ');
const extendedPrefix = Buffer.from('%extended-output ');
const extendedSeparator = Buffer.from(' : ');

/**
 * Decodes tmux's octal escapes in `src[start, end)` into raw bytes (a view of `src` when
 * nothing is escaped). A backslash that is not followed by three octal digits (tmux never
 * writes one) is kept as it is.
 */
export function decodeOctal(src: Uint8Array, start = 0, end = src.length): Buffer {
  const input = Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  const first = input.indexOf(BACKSLASH, start);
  // Nothing escaped: a view of the input (the caller owns the read buffer it came from).
  if (first === -1 || first >= end) return input.subarray(start, end);
  // A plain loop: escapes come every few dozen bytes (\015\012 ends every line), and
  // Buffer.copy/indexOf per run cost more in call overhead than they save.
  const out = Buffer.allocUnsafe(end - start);
  let o = first - start;
  input.copy(out, 0, start, first);
  for (let i = first; i < end; i++) {
    const b = input[i]!;
    if (b === BACKSLASH && i + 3 < end) {
      const d1 = input[i + 1]! - 48, d2 = input[i + 2]! - 48, d3 = input[i + 3]! - 48;
      if ((d1 | d2 | d3) >= 0 && d1 < 8 && d2 < 8 && d3 < 8) {
        out[o++] = (d1 << 6) | (d2 << 3) | d3;
        i += 3;
        continue;
      }
    }
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/** What tmux does to pane bytes before writing them in `%output` (for tests and tools). */
export function encodeOctal(data: Uint8Array): Buffer {
  const parts: number[] = [];
  for (const byte of data) {
    if (byte < 0x20 || byte === BACKSLASH) {
      parts.push(BACKSLASH, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7));
    } else {
      parts.push(byte);
    }
  }
  return Buffer.from(parts);
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * Parses one line (without its newline). `inReply` says whether a `%begin` block is open:
 * inside one, only `%end`/`%error` lines are protocol, everything else is reply text.
 */
export function parseControlLine(line: Buffer, inReply: boolean): ControlLine {
  if (inReply) {
    if (line[0] === PERCENT) {
      const guard = parseGuard(line);
      if (guard && guard.kind !== 'begin') return guard;
    }
    return { kind: 'reply', text: line.toString('utf8') };
  }
  if (line[0] !== PERCENT) return { kind: 'reply', text: line.toString('utf8') };
  if (startsWith(line, outputPrefix)) {
    const paneEnd = line.indexOf(SPACE, outputPrefix.length);
    if (paneEnd === -1) return { kind: 'output', pane: line.toString('latin1', outputPrefix.length), data: Buffer.alloc(0), age: undefined };
    return {
      kind: 'output',
      pane: line.toString('latin1', outputPrefix.length, paneEnd),
      data: decodeOctal(line, paneEnd + 1, line.length),
      age: undefined,
    };
  }
  if (startsWith(line, extendedPrefix)) {
    const paneEnd = line.indexOf(SPACE, extendedPrefix.length);
    const sep = line.indexOf(extendedSeparator, extendedPrefix.length);
    const pane = line.toString('latin1', extendedPrefix.length, paneEnd === -1 ? line.length : paneEnd);
    if (paneEnd === -1 || sep === -1) return { kind: 'output', pane, data: Buffer.alloc(0), age: undefined };
    const age = Number.parseInt(line.toString('latin1', paneEnd + 1, sep), 10);
    return { kind: 'output', pane, data: decodeOctal(line, sep + extendedSeparator.length, line.length), age: Number.isFinite(age) ? age : undefined };
  }
  const guard = parseGuard(line);
  if (guard) return guard;
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  const name = text.slice(1, space === -1 ? undefined : space);
  const args = space === -1 ? '' : text.slice(space + 1);
  if (name === 'exit') return { kind: 'exit', reason: args || undefined };
  return { kind: 'notification', name, args };
}

function parseGuard(line: Buffer): ControlLine | undefined {
  const text = line.toString('latin1');
  const m = /^%(begin|end|error) (\d+) (\d+) (\d+)$/.exec(text);
  if (!m) return undefined;
  return { kind: m[1] as 'begin' | 'end' | 'error', time: Number(m[2]), number: Number(m[3]), flags: Number(m[4]) };
}

/**
 * Splits the control client's stdout into lines and parses each, tracking reply blocks.
 * Feed it chunks exactly as they are read: a chunk may end anywhere.
 */
export class ControlStreamParser {
  private carry: Buffer | undefined;
  private inReply = false;

  constructor(private readonly onLine: (line: ControlLine) => void) {}

  push(chunk: Buffer): void {
    const data = chunk;
    let start = 0;
    if (this.carry) {
      // Only the line that was cut is joined (not the whole chunk): under a flood every read
      // ends mid-line, and copying whole reads would double the garbage.
      const nl = data.indexOf(NEWLINE);
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, data]);
        return;
      }
      const line = Buffer.concat([this.carry, data.subarray(0, nl)]);
      this.carry = undefined;
      this.handle(line.length && line[line.length - 1] === CR ? line.subarray(0, -1) : line);
      start = nl + 1;
    }
    for (;;) {
      const nl = data.indexOf(NEWLINE, start);
      if (nl === -1) break;
      // tmux writes "\n"; tolerate "\r\n" (a pty in between).
      const end = nl > start && data[nl - 1] === CR ? nl - 1 : nl;
      this.handle(data.subarray(start, end));
      start = nl + 1;
    }
    if (start < data.length) this.carry = Buffer.from(data.subarray(start));
  }

  private handle(line: Buffer): void {
    const parsed = parseControlLine(line, this.inReply);
    if (parsed.kind === 'begin') this.inReply = true;
    else if (parsed.kind === 'end' || parsed.kind === 'error') this.inReply = false;
    this.onLine(parsed);
  }
}
