import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TerminalFilter, parseCommandMark, type CommandMark } from '../../../host/terminal/filter.js';
import { ByteScrollback, TextScrollback } from '../../../host/terminal/scrollback.js';

function run(chunks: Buffer[]): { plain: string; marks: Array<{ mark: CommandMark; start: number; offset: number }> } {
  const filter = new TerminalFilter();
  const plain: Buffer[] = [];
  const marks: Array<{ mark: CommandMark; start: number; offset: number }> = [];
  let offset = 0;
  for (const chunk of chunks) {
    filter.push(chunk, offset, { plain: (b) => plain.push(Buffer.from(b)), mark: (mark, start, end) => marks.push({ mark, start, offset: end }) });
    offset += chunk.length;
  }
  return { plain: Buffer.concat(plain).toString('utf8'), marks };
}

const sample = Buffer.from(
  '\x1b]133;A\x07\x1b[1;32muser@host\x1b[0m$ \x1b]133;B\x07ls\r\n\x1b]133;C;cmdline_url=ls%20-l\x07a.txt  b\u00e9.txt\r\n' +
  '\x1b]0;title\x1b\\\x1bP1$r\x1b\\\x1b(B\x1b]133;D;2\x1b\\done',
);

describe('terminal filter', () => {
  it('strips escape sequences and reports OSC 133 marks with their raw offsets', () => {
    const { plain, marks } = run([sample]);
    expect(plain).toBe('user@host$ ls\r\na.txt  b\u00e9.txt\r\ndone');
    expect(marks.map((m) => m.mark.kind)).toEqual(['A', 'B', 'C', 'D']);
    expect(marks[2]!.mark.commandLine).toBe('ls -l');
    expect(marks[3]!.mark.exitCode).toBe(2);
    // The offset is just after the mark's terminator.
    const dEnd = sample.indexOf('done');
    expect(marks[3]!.offset).toBe(dEnd);
    expect(marks[3]!.start).toBe(sample.indexOf('\x1b]133;D'));
    expect(marks[0]!.start).toBe(0);
  });

  it('gives the same result however the stream is cut', () => {
    const whole = run([sample]);
    fc.assert(fc.property(fc.array(fc.nat(sample.length), { maxLength: 10 }), (positions) => {
      const points = [...new Set(positions)].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let last = 0;
      for (const p of points) { chunks.push(sample.subarray(last, p)); last = p; }
      chunks.push(sample.subarray(last));
      expect(run(chunks)).toEqual(whole);
    }));
  });

  it('parses sentinel parameters', () => {
    expect(parseCommandMark('133;D;0;picode=abc')).toEqual({ kind: 'D', exitCode: 0, commandLine: undefined, params: { picode: 'abc' } });
    expect(parseCommandMark('133;D')).toEqual({ kind: 'D', exitCode: undefined, commandLine: undefined, params: {} });
    expect(parseCommandMark('0;title')).toBeUndefined();
  });
});

describe('scrollback', () => {
  it('keeps the last bytes up to its limit', () => {
    const s = new ByteScrollback(10);
    for (const piece of ['abc', 'defgh', 'ijklmnop']) s.append(Buffer.from(piece));
    expect(s.bytes().toString()).toBe('ghijklmnop');
    s.append(Buffer.from('0123456789ABCDEF'));
    expect(s.bytes().toString()).toBe('6789ABCDEF');
  });

  it('interprets \\r, \\b and \\n and bounds lines', () => {
    const t = new TextScrollback(3, 1000);
    t.append('one\r\ntwo\n10%\r50%\r100%\nab\bc\nlast');
    expect(t.tail()).toEqual(['100%', 'ac', 'last']);
    expect(t.tail(1)).toEqual(['last']);
  });
});
