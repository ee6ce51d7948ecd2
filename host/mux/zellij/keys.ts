/**
 * Keys for Zellij, given the way picode's `keys` command and the host name them (tmux's key
 * names: `Enter`, `C-c`, `M-x`, `Up`, `F5`, `S-Tab`...). Zellij 0.45's `send-keys -p` sends
 * kitty-keyboard encodings, which a shell that has not enabled the kitty protocol reads as
 * garbage (notably Ctrl-C), so every key that has a classic terminal encoding is written as
 * bytes with `action write -p ID ...` (what tmux itself sends the pane). Only keys without
 * one (e.g. `C-Enter`) go through `send-keys`, in Zellij's spelling (`"Ctrl Enter"`).
 * A string that is not a key name is literal text, as with `tmux send-keys`.
 */
export type KeySegment =
  | { readonly kind: 'bytes'; readonly bytes: readonly number[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'zellij-key'; readonly key: string };

const ESC = 0x1b;

const csi = (s: string): number[] => [ESC, 0x5b, ...Buffer.from(s, 'latin1')];
const ss3 = (s: string): number[] => [ESC, 0x4f, ...Buffer.from(s, 'latin1')];

/** Named keys without modifiers. */
const NAMED: Record<string, number[]> = {
  enter: [0x0d], escape: [ESC], esc: [ESC], tab: [0x09], btab: csi('Z'), space: [0x20],
  bspace: [0x7f], backspace: [0x7f],
  up: csi('A'), down: csi('B'), right: csi('C'), left: csi('D'),
  home: csi('H'), end: csi('F'),
  pageup: csi('5~'), ppage: csi('5~'), pgup: csi('5~'),
  pagedown: csi('6~'), npage: csi('6~'), pgdn: csi('6~'),
  ic: csi('2~'), insert: csi('2~'), dc: csi('3~'), delete: csi('3~'),
  f1: ss3('P'), f2: ss3('Q'), f3: ss3('R'), f4: ss3('S'),
  f5: csi('15~'), f6: csi('17~'), f7: csi('18~'), f8: csi('19~'),
  f9: csi('20~'), f10: csi('21~'), f11: csi('23~'), f12: csi('24~'),
};

/** Keys whose xterm encoding takes a modifier parameter: CSI 1;m X or CSI n;m ~. */
const MODIFIABLE: Record<string, { final: string; number?: string }> = {
  up: { final: 'A' }, down: { final: 'B' }, right: { final: 'C' }, left: { final: 'D' },
  home: { final: 'H' }, end: { final: 'F' },
  pageup: { final: '~', number: '5' }, ppage: { final: '~', number: '5' }, pgup: { final: '~', number: '5' },
  pagedown: { final: '~', number: '6' }, npage: { final: '~', number: '6' }, pgdn: { final: '~', number: '6' },
  ic: { final: '~', number: '2' }, insert: { final: '~', number: '2' }, dc: { final: '~', number: '3' }, delete: { final: '~', number: '3' },
  f1: { final: 'P' }, f2: { final: 'Q' }, f3: { final: 'R' }, f4: { final: 'S' },
  f5: { final: '~', number: '15' }, f6: { final: '~', number: '17' }, f7: { final: '~', number: '18' }, f8: { final: '~', number: '19' },
  f9: { final: '~', number: '20' }, f10: { final: '~', number: '21' }, f11: { final: '~', number: '23' }, f12: { final: '~', number: '24' },
};

/** Zellij's names for the keys above (`send-keys` spelling). */
const ZELLIJ_NAMES: Record<string, string> = {
  enter: 'Enter', escape: 'Esc', esc: 'Esc', tab: 'Tab', space: 'Space', bspace: 'Backspace', backspace: 'Backspace',
  up: 'Up', down: 'Down', right: 'Right', left: 'Left', home: 'Home', end: 'End',
  pageup: 'PageUp', ppage: 'PageUp', pgup: 'PageUp', pagedown: 'PageDown', npage: 'PageDown', pgdn: 'PageDown',
  ic: 'Insert', insert: 'Insert', dc: 'Delete', delete: 'Delete',
};

interface Parsed {
  readonly ctrl: boolean;
  readonly alt: boolean;
  readonly shift: boolean;
  readonly base: string;
}

function parseModifiers(key: string): Parsed | undefined {
  let rest = key;
  let ctrl = false;
  let alt = false;
  let shift = false;
  for (;;) {
    const match = /^([CMS])-(.+)$/.exec(rest);
    if (!match) break;
    if (match[1] === 'C') ctrl = true;
    else if (match[1] === 'M') alt = true;
    else shift = true;
    rest = match[2]!;
  }
  if (rest === '') return undefined;
  return { ctrl, alt, shift, base: rest };
}

/** Ctrl+character as a C0 byte (`C-a` = 1, `C-[` = ESC, `C-?` = DEL), or undefined. */
function controlByte(ch: string): number | undefined {
  if (ch.length !== 1) return undefined;
  if (ch === '?') return 0x7f;
  if (ch === ' ' || ch === '@' || ch === '2') return 0;
  const upper = ch.toUpperCase().charCodeAt(0);
  if (upper >= 0x40 && upper <= 0x5f) return upper & 0x1f;
  return undefined;
}

/** Translates one key (tmux spelling) into what to send; literal text when it is not a key name. */
export function translateKey(key: string): KeySegment {
  const parsed = parseModifiers(key);
  if (!parsed) return { kind: 'text', text: key };
  const { ctrl, alt, shift } = parsed;
  const lower = parsed.base.toLowerCase();
  const named = NAMED[lower];
  const single = [...parsed.base].length === 1;
  if (!ctrl && !alt && !shift) {
    if (named) return { kind: 'bytes', bytes: named };
    return { kind: 'text', text: key };
  }
  if (!named && !single) return { kind: 'text', text: key }; // "C-foo" is not a key: literal text, as tmux does
  const prefix = alt ? [ESC] : [];
  if (single && !named) {
    let ch = parsed.base;
    if (shift) ch = ch.toUpperCase();
    if (ctrl) {
      const byte = controlByte(ch);
      if (byte !== undefined) return { kind: 'bytes', bytes: [...prefix, byte] };
      return { kind: 'zellij-key', key: zellijName(parsed) };
    }
    return { kind: 'bytes', bytes: [...prefix, ...Buffer.from(ch, 'utf8')] };
  }
  if (lower === 'tab' && shift && !ctrl) return { kind: 'bytes', bytes: [...prefix, ...csi('Z')] };
  if (lower === 'space' && ctrl) return { kind: 'bytes', bytes: [...prefix, 0] };
  const modifiable = MODIFIABLE[lower];
  if (modifiable) {
    const code = 1 + (shift ? 1 : 0) + (alt ? 2 : 0) + (ctrl ? 4 : 0);
    return { kind: 'bytes', bytes: csi(`${modifiable.number ?? '1'};${code}${modifiable.final}`) };
  }
  if (!ctrl && !shift && named) return { kind: 'bytes', bytes: [...prefix, ...named] };
  return { kind: 'zellij-key', key: zellijName(parsed) };
}

function zellijName(parsed: Parsed): string {
  const lower = parsed.base.toLowerCase();
  const base = ZELLIJ_NAMES[lower] ?? (/^f\d{1,2}$/.test(lower) ? lower.toUpperCase() : parsed.base.toLowerCase());
  return [parsed.ctrl ? 'Ctrl' : '', parsed.alt ? 'Alt' : '', parsed.shift ? 'Shift' : '', base].filter(Boolean).join(' ');
}

/** Translates a key list and merges neighbouring byte runs, so each run is one `write` call. */
export function keySegments(keys: readonly string[]): KeySegment[] {
  const out: KeySegment[] = [];
  for (const key of keys) {
    const segment = translateKey(key);
    const last = out[out.length - 1];
    if (segment.kind === 'bytes' && last?.kind === 'bytes') out[out.length - 1] = { kind: 'bytes', bytes: [...last.bytes, ...segment.bytes] };
    else if (segment.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + segment.text };
    else out.push(segment);
  }
  return out;
}
