/**
 * OSC 133 command marks through Zellij.
 *
 * On tmux the host sees a command start and finish as OSC 133 `C` / `D` sequences in the
 * pane's bytes; `picode run` in a shell without picode's shell integration types its command
 * wrapped in `printf '\033]133;C;picode=NONCE\007'` ... `printf '\033]133;D;%s;picode=NONCE\007' "$?"`.
 * Zellij's viewport never shows an OSC sequence, so on Zellij those printf calls are rewritten
 * (when the text is sent) to print a visible token on a line of its own instead:
 *
 *     [[picode-osc133;C;picode=NONCE]]
 *
 * and the observer turns each token line it sees scroll in back into the OSC 133 bytes, in the
 * place the real sequence would have been, so the host's mark detection works unchanged.
 * The token's own line break (printed with it) is removed with it.
 */
const OPEN = '[[picode-osc133;';
const CLOSE = ']]';

/** `printf '\033]133;BODY\007'` on a typed command line (octal escapes, as typed). */
const PRINTF_MARK = /printf '\\033\]133;([^'\\]*)\\007'/g;

export function makeMarksVisible(text: string): string {
  return text.replace(PRINTF_MARK, (_, body: string) => `printf '${OPEN}${body}${CLOSE}\\n'`);
}

/** A token at the end of a line; the text before it must not hold a quote (that is the echo of the typed command). */
const TOKEN = /\[\[picode-osc133;([^\]'\r\n]*)\]\](\r\n)?/g;

/**
 * Per-pane state: a token that ended one diff output still owes its line break, which then
 * arrives at the start of the next one.
 */
export class MarkDecoder {
  private owesNewline = false;

  decode(output: string): string {
    let text = output;
    if (this.owesNewline) {
      this.owesNewline = false;
      if (text.startsWith('\r\n')) text = text.slice(2);
    }
    if (!text.includes(OPEN)) return text;
    return text.replace(TOKEN, (match: string, body: string, newline: string | undefined, offset: number, whole: string) => {
      const lineStart = Math.max(whole.lastIndexOf('\n', offset - 1) + 1, whole.lastIndexOf('\r', offset - 1) + 1);
      if (whole.slice(lineStart, offset).includes("'")) return match; // the echoed command line, not output
      if (newline === undefined && offset + match.length === whole.length) this.owesNewline = true;
      return `\x1b]133;${body}\x07`;
    });
  }
}
