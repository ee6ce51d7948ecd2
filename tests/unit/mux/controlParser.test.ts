import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ControlStreamParser, decodeOctal, encodeOctal, parseControlLine, type ControlLine,
} from '../../../host/mux/tmux/control/parser.js';
import { Utf8StreamDecoder, utf8SafeLength } from '../../../host/mux/tmux/control/utf8.js';

/** Builds a control-mode stream the way tmux 3.3a writes it: one `%output` line per read. */
function controlStream(pane: string, reads: Uint8Array[]): Buffer {
  return Buffer.concat(reads.map((r) => Buffer.concat([Buffer.from(`%output ${pane} `), encodeOctal(r), Buffer.from('\n')])));
}

/** Cuts `data` at the given (sorted, deduplicated) positions. */
function cut(data: Buffer, positions: number[]): Buffer[] {
  const points = [...new Set(positions.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(data.subarray(last, p));
    last = p;
  }
  pieces.push(data.subarray(last));
  return pieces;
}

function collect(pieces: Buffer[]): ControlLine[] {
  const lines: ControlLine[] = [];
  const parser = new ControlStreamParser((l) => lines.push(l));
  for (const p of pieces) parser.push(p);
  return lines;
}

describe('octal decoding', () => {
  it('decodes the example tmux 3.3a wrote on this machine', () => {
    const line = Buffer.concat([
      Buffer.from('%output %0 tab\\011bs\\134 esc\\033[1mB\\033[0m utf8:'), Buffer.from([0xc3, 0xa9]), Buffer.from('\\015\\012# '),
    ]);
    const parsed = parseControlLine(line, false);
    expect(parsed).toEqual({
      kind: 'output', pane: '%0', age: undefined,
      data: Buffer.concat([Buffer.from('tab\tbs\\ esc\x1b[1mB\x1b[0m utf8:'), Buffer.from([0xc3, 0xa9]), Buffer.from('\r\n# ')]),
    });
  });

  it('round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      expect([...decodeOctal(encodeOctal(bytes))]).toEqual([...bytes]);
    }));
  });

  it('keeps a backslash that is not an escape', () => {
    expect(decodeOctal(Buffer.from('a\\9b\\'))).toEqual(Buffer.from('a\\9b\\'));
  });
});

describe('control stream', () => {
  it('any byte sequence, read in any pieces and the stream split anywhere, decodes to the same bytes', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (reads, positions) => {
        const stream = controlStream('%7', reads);
        const lines = collect(cut(stream, positions));
        expect(lines.every((l) => l.kind === 'output' && l.pane === '%7')).toBe(true);
        const decoded = Buffer.concat(lines.map((l) => (l.kind === 'output' ? l.data : Buffer.alloc(0))));
        expect(decoded.equals(Buffer.concat(reads))).toBe(true);
      },
    ));
  });

  it('treats lines inside a reply block as reply text, even when they start with %', () => {
    const stream = Buffer.from('%begin 1 5 1\n%3 bash 80\nplain\n%end 1 5 1\n%window-add @2\n%exit\n');
    expect(collect([stream])).toEqual([
      { kind: 'begin', time: 1, number: 5, flags: 1 },
      { kind: 'reply', text: '%3 bash 80' },
      { kind: 'reply', text: 'plain' },
      { kind: 'end', time: 1, number: 5, flags: 1 },
      { kind: 'notification', name: 'window-add', args: '@2' },
      { kind: 'exit', reason: undefined },
    ]);
  });

  it('parses %extended-output (pause-after mode) and %error blocks', () => {
    const stream = Buffer.from('%extended-output %4 120 : hi\\015\\012\n%begin 9 2 1\nparse error\n%error 9 2 1\n%pause %4\n');
    expect(collect([stream])).toEqual([
      { kind: 'output', pane: '%4', age: 120, data: Buffer.from('hi\r\n') },
      { kind: 'begin', time: 9, number: 2, flags: 1 },
      { kind: 'reply', text: 'parse error' },
      { kind: 'error', time: 9, number: 2, flags: 1 },
      { kind: 'notification', name: 'pause', args: '%4' },
    ]);
  });
});

describe('streaming UTF-8', () => {
  it('text decoded piece by piece equals the text decoded at once, for any split', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (text, positions) => {
      const bytes = Buffer.from(text, 'utf8');
      const decoder = new Utf8StreamDecoder();
      const joined = cut(bytes, positions).map((p) => decoder.decode(p)).join('') + decoder.end();
      expect(joined).toBe(text);
    }));
  });

  it('utf8SafeLength never cuts inside a character and holds back at most 3 bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.nat(), (text, at) => {
      const bytes = Buffer.from(text, 'utf8');
      const end = at % (bytes.length + 1);
      const safe = utf8SafeLength(bytes, end);
      expect(end - safe).toBeLessThanOrEqual(3);
      // The safe prefix decodes without a replacement character (the input was valid UTF-8).
      expect(bytes.subarray(0, safe).toString('utf8')).not.toContain('\ufffd');
      // And a cut at `safe` leaves a suffix that starts on a character boundary.
      if (safe < bytes.length) expect(bytes[safe]! & 0xc0).not.toBe(0x80);
    }));
  });

  it('does not hold back invalid bytes forever', () => {
    expect(utf8SafeLength(Buffer.from([0x41, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
    expect(utf8SafeLength(Buffer.from([0x41, 0xe2, 0x82]))).toBe(1);
    expect(utf8SafeLength(Buffer.from([0x41, 0xe2, 0x82, 0xac]))).toBe(4);
  });
});
