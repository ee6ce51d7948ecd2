import { describe, expect, it } from 'vitest';
import { MarkDecoder, makeMarksVisible } from '../../../../host/mux/zellij/marks.js';

// The line the host types for `picode run` in a shell without marks (host/mux/shellInit.ts sentinelLine).
const sentinel = ` printf '\\033]133;C;picode=ab12\\007'; make test; printf '\\033]133;D;%s;picode=ab12\\007' "$?"`;

describe('OSC 133 marks through Zellij viewports', () => {
  it('rewrites the printf marks of a typed line into visible tokens', () => {
    expect(makeMarksVisible(sentinel)).toBe(
      ` printf '[[picode-osc133;C;picode=ab12]]\\n'; make test; printf '[[picode-osc133;D;%s;picode=ab12]]\\n' "$?"`);
    expect(makeMarksVisible('echo plain')).toBe('echo plain');
  });

  it('turns token lines back into OSC 133 bytes where the sequences would have been', () => {
    const d = new MarkDecoder();
    const echoed = ` printf '[[picode-osc133;C;picode=ab12]]\\n'; make test; printf '[[picode-osc133;D;%s;picode=ab12]]\\n' "$?"`;
    const out = d.decode(`${echoed}\r\n[[picode-osc133;C;picode=ab12]]\r\nok 3 tests\r\n[[picode-osc133;D;0;picode=ab12]]\r\n$`);
    expect(out).toBe(`${echoed}\r\n\x1b]133;C;picode=ab12\x07ok 3 tests\r\n\x1b]133;D;0;picode=ab12\x07$`);
  });

  it('handles output without a final newline and a token whose line break arrives later', () => {
    const d = new MarkDecoder();
    expect(d.decode('\r\nno newline[[picode-osc133;D;1;picode=x]]')).toBe('\r\nno newline\x1b]133;D;1;picode=x\x07');
    expect(d.decode('\r\n$ ')).toBe('$ ');
    expect(d.decode('\r\nnext')).toBe('\r\nnext');
  });
});
