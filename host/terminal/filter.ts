/**
 * A streaming filter over a pane's raw bytes that separates what a reader sees as text from
 * terminal control sequences, and picks out OSC 133 command marks on the way.
 *
 * It works on bytes, not text: escape sequences are ASCII and no byte of a multi-byte UTF-8
 * character is below 0x80, so cutting sequences out of the byte stream never damages a
 * character, and the state machine carries over chunk boundaries (a sequence cut in two is
 * recognised whole). Kept: printable bytes, \n, \r, \t, \b (the plain-text scrollback
 * interprets \r and \b). Dropped: CSI, OSC, DCS/SOS/PM/APC strings, other ESC sequences and
 * the remaining C0 controls.
 */

export type CommandMarkKind = 'A' | 'B' | 'C' | 'D';

export interface CommandMark {
  readonly kind: CommandMarkKind;
  /** Exit status of a `D` mark, when the shell gave one. */
  readonly exitCode: number | undefined;
  /** The command line of a `C` mark (`cmdline_url=` or `cmdline=`), when the shell gave one. */
  readonly commandLine: string | undefined;
  /** Other `key=value` parameters (picode's sentinel uses `picode=<nonce>`). */
  readonly params: Readonly<Record<string, string>>;
}

export interface FilterSink {
  /** A run of plain bytes: a view into the chunk (the chunk is not reused, so the view may be kept). */
  plain(bytes: Buffer): void;
  /** An OSC 133 mark; `start` and `end` delimit the mark's bytes in the raw stream. */
  mark(mark: CommandMark, start: number, end: number): void;
}

const enum State { Ground, Esc, EscIntermediate, Csi, Osc, OscEsc, Str, StrEsc }

const maxOscBytes = 8192;

export class TerminalFilter {
  private state = State.Ground;
  private osc: number[] = [];
  private oscOverflow = false;
  /** Raw offset of the ESC that began the current sequence. */
  private sequenceStart = 0;

  /** Feeds `chunk`, whose first byte is at `offset` in the pane's raw stream. */
  push(chunk: Buffer, offset: number, sink: FilterSink): void {
    let runStart = -1;
    const flush = (end: number): void => {
      if (runStart !== -1 && end > runStart) sink.plain(chunk.subarray(runStart, end));
      runStart = -1;
    };
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case State.Ground:
          if ((b >= 0x20 && b !== 0x7f) || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x08) {
            if (runStart === -1) runStart = i;
            // Text comes in long runs: skip to the next byte that is not plain text.
            let j = i + 1;
            for (; j < n; j++) {
              const c = chunk[j]!;
              if (c < 0x20 ? !(c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08) : c === 0x7f) break;
            }
            i = j - 1;
          } else {
            flush(i);
            if (b === 0x1b) { this.state = State.Esc; this.sequenceStart = offset + i; }
          }
          break;
        case State.Esc:
          if (b === 0x5b) this.state = State.Csi;
          else if (b === 0x5d) { this.state = State.Osc; this.osc = []; this.oscOverflow = false; }
          else if (b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.state = State.Str;
          else if (b >= 0x20 && b <= 0x2f) this.state = State.EscIntermediate;
          else if (b === 0x1b) this.sequenceStart = offset + i;
          else this.state = State.Ground;
          break;
        case State.EscIntermediate:
          if (b >= 0x30 && b <= 0x7e) this.state = State.Ground;
          else if (b === 0x1b) { this.state = State.Esc; this.sequenceStart = offset + i; }
          else if (b < 0x20 || b > 0x2f) this.state = State.Ground;
          break;
        case State.Csi:
          if (b >= 0x40 && b <= 0x7e) this.state = State.Ground;
          else if (b === 0x1b) { this.state = State.Esc; this.sequenceStart = offset + i; }
          else if (b === 0x18 || b === 0x1a) this.state = State.Ground; // CAN/SUB abort
          break;
        case State.Osc:
          if (b === 0x07) { this.dispatchOsc(offset + i + 1, sink); this.state = State.Ground; }
          else if (b === 0x1b) this.state = State.OscEsc;
          else if (b === 0x18 || b === 0x1a) this.state = State.Ground;
          else if (this.osc.length < maxOscBytes) this.osc.push(b);
          else this.oscOverflow = true;
          break;
        case State.OscEsc:
          this.dispatchOsc(offset + i + 1, sink);
          // ESC \ is the string terminator; ESC + anything else starts a new sequence.
          if (b === 0x5c) {
            this.state = State.Ground;
          } else {
            this.state = State.Esc;
            this.sequenceStart = offset + i - 1;
            i--; // b is the byte after that ESC: read it again in the Esc state
          }
          break;
        case State.Str:
          if (b === 0x07 || b === 0x18 || b === 0x1a) this.state = State.Ground;
          else if (b === 0x1b) this.state = State.StrEsc;
          break;
        case State.StrEsc:
          this.state = b === 0x5c ? State.Ground : State.Str;
          break;
      }
    }
    flush(n);
  }

  private dispatchOsc(offset: number, sink: FilterSink): void {
    if (this.oscOverflow) return;
    const payload = Buffer.from(this.osc).toString('utf8');
    this.osc = [];
    const mark = parseCommandMark(payload);
    if (mark) sink.mark(mark, this.sequenceStart, offset);
  }
}

/** Parses an OSC payload (`133;D;0`) into a command mark; undefined for any other OSC. */
export function parseCommandMark(payload: string): CommandMark | undefined {
  if (!payload.startsWith('133;')) return undefined;
  const parts = payload.slice(4).split(';');
  const kind = parts[0];
  if (kind !== 'A' && kind !== 'B' && kind !== 'C' && kind !== 'D') return undefined;
  const params: Record<string, string> = {};
  let exitCode: number | undefined;
  let commandLine: string | undefined;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq === -1) {
      if (kind === 'D' && i === 1 && /^-?\d+$/.test(part)) exitCode = Number(part);
      continue;
    }
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === 'cmdline_url') commandLine = safeDecodeURIComponent(value);
    else if (key === 'cmdline') commandLine = value;
    else params[key] = value;
  }
  return { kind, exitCode, commandLine, params };
}

function safeDecodeURIComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
