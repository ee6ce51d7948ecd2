/**
 * A pane's bounded in-memory scrollback, kept two ways: the raw bytes (with ANSI, for
 * `capture --ansi` and pane views) and plain text as a reader sees it (for `capture`,
 * hooks and `run`). Both drop their oldest content past their limit, so a flooding pane
 * costs a fixed amount of memory.
 */

/** The last `limit` bytes of a stream, in a few large chunks (no per-byte copying). */
export class ByteScrollback {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (bytes.length >= this.limit) {
      this.chunks = [Buffer.from(bytes.subarray(bytes.length - this.limit))];
      this.size = this.limit;
      return;
    }
    this.chunks.push(bytes); // owned by the caller from now on: no copy
    this.size += bytes.length;
    while (this.size - this.chunks[0]!.length >= this.limit) {
      this.size -= this.chunks.shift()!.length;
    }
    // Merge small chunks now and then so the array stays short under a trickle of tiny writes.
    // (Views into large read buffers are released then too.)
    if (this.chunks.length > 64) this.chunks = [Buffer.concat(this.chunks)];
  }

  /** The retained bytes (at most `limit`, cut at the front). */
  bytes(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length ? [all] : [];
    return all.length > this.limit ? all.subarray(all.length - this.limit) : all;
  }

  get length(): number {
    return Math.min(this.size, this.limit);
  }
}

/**
 * Plain text lines. `\r` moves to the start of the current line (the next character
 * overwrites it, as progress bars expect), `\b` deletes the previous character, `\n` ends
 * the line. Only complete characters arrive here (the text was decoded with a streaming
 * UTF-8 decoder).
 */
export class TextScrollback {
  private lines: string[] = [];
  private current = '';
  private carriageReturn = false;
  private chars = 0;

  constructor(private readonly maxLines: number, private readonly maxChars: number) {}

  append(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d && c !== 0x08) continue;
      if (i > start) this.write(text.slice(start, i));
      start = i + 1;
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
