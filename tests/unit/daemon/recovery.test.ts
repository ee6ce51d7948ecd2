import { describe, expect, it } from 'vitest';
import { recover, type RecordedEnd } from '../../../host/daemon/recovery.js';

/** Issue 13 §4: placing what a dead host recorded in tmux's history, and taking what follows. */
const recorded: RecordedEnd = { lines: ["seq -f 'a%g' 1 3", 'a1', 'a2', 'a3'], partial: '$ ' };
const history = ["$ seq -f 'a%g' 1 3", 'a1', 'a2', 'a3', '$ echo dead', 'dead', '$', '', ''].join('\n');

describe('recover', () => {
  it('takes the lines after the record, the unfinished line from where the record left it', () => {
    expect(recover(history, recorded)).toEqual({ kind: 'recovered', text: 'echo dead\r\ndead\r\n$', lines: 3 });
  });

  it('delivers the lines as tmux shows them, trailing spaces (a prompt) included', () => {
    expect(recover(["$ seq -f 'a%g' 1 3", 'a1', 'a2', 'a3', '$ echo dead', 'dead', '$ ', '   '].join('\n'), recorded))
      .toEqual({ kind: 'recovered', text: 'echo dead\r\ndead\r\n$ ', lines: 3 });
  });

  it('finds nothing new when the pane printed nothing', () => {
    expect(recover(["$ seq -f 'a%g' 1 3", 'a1', 'a2', 'a3', '$'].join('\n'), recorded)).toEqual({ kind: 'none' });
  });

  it('takes the last place the record matches, and compares tabs as tmux renders them', () => {
    const tabbed: RecordedEnd = { lines: ['x\ty'], partial: '' };
    expect(recover(['x       y', 'old', 'x       y', 'new'].join('\n'), tabbed)).toEqual({ kind: 'recovered', text: 'new', lines: 1 });
  });

  it('reports a gap, sized by what the pane shows, when the history lost the record', () => {
    const gap = recover(['lost58', 'lost59', 'lost60', '$'].join('\n'), recorded);
    expect(gap).toMatchObject({ kind: 'gap', estimatedBytes: Buffer.byteLength('lost58\nlost59\nlost60\n$') });
  });

  it('leaves out what the host already received since it attached', () => {
    // Attached while `dead` was being printed: the live stream begins with `ad` and a prompt.
    expect(recover(history, recorded, Buffer.from('ad\r\n$ '))).toEqual({ kind: 'recovered', text: 'echo dead\r\nde', lines: 2 });
    expect(recover(history, recorded, Buffer.from('dead\r\n$ '))).toEqual({ kind: 'recovered', text: 'echo dead', lines: 1 });
    expect(recover(history, recorded, Buffer.from('unrelated\r\n'))).toMatchObject({ kind: 'recovered', lines: 3 });
  });

  it('places a record of only a prompt at the pane\'s first prompt', () => {
    expect(recover(['$ ls', 'file', '$ '].join('\n'), { lines: [], partial: '$ ' })).toEqual({ kind: 'recovered', text: 'ls\r\nfile\r\n$ ', lines: 3 });
  });

  it('recovers everything in a pane nothing was recorded of', () => {
    expect(recover(['$ ls', 'file', '$'].join('\n'), { lines: [], partial: '' })).toEqual({ kind: 'recovered', text: '$ ls\r\nfile\r\n$', lines: 3 });
  });
});
