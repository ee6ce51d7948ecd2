/**
 * A pane's bounded in-memory scrollback, kept two ways: the raw bytes (with ANSI, for
 * `capture --ansi` and pane views) and plain text as a reader sees it (for `capture`,
 * hooks and `run`). Both drop their oldest content past their limit, so a flooding pane
 * costs a fixed amount of memory.
 */

/**
 * The last `limit` bytes of a stream, in a ring: each byte is copied once, nothing is
 * allocated per append, and no caller buffer is retained.
 */
export class ByteScrollback {
  private readonly ring: Buffer;
  private end = 0;
  private size = 0;

  constructor(private readonly limit: number) {
    this.ring = Buffer.alloc(limit);
  }

  append(bytes: Uint8Array): void {
    let data = bytes;
    if (data.length >= this.limit) data = data.subarray(data.length - this.limit);
    const first = Math.min(data.length, this.limit - this.end);
    this.ring.set(data.subarray(0, first), this.end);
    if (first < data.length) this.ring.set(data.subarray(first), 0);
    this.end = (this.end + data.length) % this.limit;
    this.size = Math.min(this.limit, this.size + data.length);
  }

  /** The retained bytes (at most `limit`), oldest first, as a new buffer. */
  bytes(): Buffer {
    if (this.size < this.limit) return Buffer.from(this.ring.subarray(this.end - this.size, this.end));
    return Buffer.concat([this.ring.subarray(this.end), this.ring.subarray(0, this.end)]);
  }

  get length(): number {
    return this.size;
  }
}

/**
 * Plain text lines. `\r` moves to the start of the current line (the next character
 * overwrites it, as progress bars expect), `\b` deletes the previous character, `\n` ends
 * the line. Only complete characters arrive here (the text was decoded with a streaming
 * UTF-8 decoder).
 */
const controls = /[\n\r\b]/g;

export class TextScrollback {
  private lines: string[] = [];
  private current = '';
  private carriageReturn = false;
  private chars = 0;

  constructor(private readonly maxLines: number, private readonly maxChars: number) {}

  append(text: string): void {
    let start = 0;
    controls.lastIndex = 0;
    for (let m = controls.exec(text); m; m = controls.exec(text)) {
      const i = m.index;
      if (i > start) this.write(text.slice(start, i));
      start = i + 1;
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.newline();
      else if (c === 0x0d) this.carriageReturn = true;
      else this.current = this.current.slice(0, -1);
    }
    if (start < text.length) this.write(text.slice(start));
  }

  private write(piece: string): void {
    if (this.carriageReturn) {
      this.current = piece.length >= this.current.length ? piece : piece + this.current.slice(piece.length);
      this.carriageReturn = false;
    } else {
      this.current += piece;
    }
    // One endless line (no newline in a flood) is cut too.
    if (this.current.length > this.maxChars) this.current = this.current.slice(this.current.length - this.maxChars);
  }

  private newline(): void {
    this.carriageReturn = false;
    this.lines.push(this.current);
    this.chars += this.current.length + 1;
    this.current = '';
    while (this.lines.length > this.maxLines || (this.chars > this.maxChars && this.lines.length > 1)) {
      this.chars -= this.lines.shift()!.length + 1;
    }
  }

  /** The last `count` lines (the current, unfinished line included when it has text). */
  tail(count?: number): string[] {
    const all = this.current ? [...this.lines, this.current] : [...this.lines];
    const keep = Math.min(count ?? this.maxLines, this.maxLines);
    return all.slice(Math.max(0, all.length - keep));
  }
}

/** Plain terminal text (with \r, \b) as a reader would see it, lines joined by \n. */
export function renderPlainText(text: string): string {
  if (!/[\r\b]/.test(text)) return text;
  const lines = new TextScrollback(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  lines.append(text);
  const out = lines.tail().join('\n');
  return text.endsWith('\n') ? `${out}\n` : out;
}
