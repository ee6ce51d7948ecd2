import { describe, expect, it } from 'vitest';
import { keySegments, translateKey } from '../../../../host/mux/zellij/keys.js';

const bytes = (...b: number[]) => ({ kind: 'bytes', bytes: b });

describe('tmux key names for Zellij', () => {
  it('writes control keys as their C0 byte: C-c is 3', () => {
    expect(translateKey('C-c')).toEqual(bytes(3));
    expect(translateKey('C-a')).toEqual(bytes(1));
    expect(translateKey('C-[')).toEqual(bytes(27));
    expect(translateKey('C-Space')).toEqual(bytes(0));
  });

  it('writes named keys and xterm-modified keys as bytes', () => {
    expect(translateKey('Enter')).toEqual(bytes(13));
    expect(translateKey('Escape')).toEqual(bytes(27));
    expect(translateKey('BSpace')).toEqual(bytes(127));
    expect(translateKey('Up')).toEqual(bytes(27, 91, 65));
    expect(translateKey('F5')).toEqual(bytes(...Buffer.from('\x1b[15~')));
    expect(translateKey('F1')).toEqual(bytes(27, 79, 80));
    expect(translateKey('C-Up')).toEqual(bytes(...Buffer.from('\x1b[1;5A')));
    expect(translateKey('S-Tab')).toEqual(bytes(...Buffer.from('\x1b[Z')));
    expect(translateKey('M-x')).toEqual(bytes(27, 120));
    expect(translateKey('M-Enter')).toEqual(bytes(27, 13));
    expect(translateKey('C-M-PageDown')).toEqual(bytes(...Buffer.from('\x1b[6;7~')));
  });

  it('uses send-keys, in Zellij spelling, only for keys with no classic encoding', () => {
    expect(translateKey('C-Enter')).toEqual({ kind: 'zellij-key', key: 'Ctrl Enter' });
    expect(translateKey('C-S-Enter')).toEqual({ kind: 'zellij-key', key: 'Ctrl Shift Enter' });
  });

  it('treats anything else as literal text, as tmux send-keys does', () => {
    expect(translateKey('hello')).toEqual({ kind: 'text', text: 'hello' });
    expect(translateKey('C-foo')).toEqual({ kind: 'text', text: 'C-foo' });
  });

  it('merges neighbouring byte keys into one write and neighbouring text into one write-chars', () => {
    expect(keySegments(['ls', ' -l', 'Enter', 'C-c', 'C-Enter'])).toEqual([
      { kind: 'text', text: 'ls -l' }, bytes(13, 3), { kind: 'zellij-key', key: 'Ctrl Enter' },
    ]);
  });
});
