/**
 * UTF-8 helpers for byte streams cut at arbitrary points (tmux `%output` lines end wherever
 * a read of the pane ended).
 */

/** Length of a UTF-8 sequence from its lead byte; 0 for a continuation byte, 1 for ASCII or invalid. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xc0) return 0;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf8) return 4;
  return 1;
}

/**
 * The length of the longest prefix of `bytes` that does not end inside a UTF-8 character:
 * cutting there never splits a character. Only a *valid-looking* incomplete sequence at the
 * very end is held back (at most 3 bytes); invalid bytes are not held (they would never
 * complete), so a stream always makes progress.
 */
export function utf8SafeLength(bytes: Uint8Array, end = bytes.length): number {
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  let i = end - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return end;
  const need = sequenceLength(bytes[i]!);
  if (need <= 1) return end;
  return continuation + 1 < need ? i : end;
}

/**
 * Decodes a byte stream to text chunk by chunk: a character cut between two chunks is held
 * until its last byte arrives, so the text of the chunks joined equals the text of the
 * stream decoded at once. Invalid bytes become U+FFFD, as TextDecoder does.
 */
export class Utf8StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  /** Ends the stream: an incomplete character left over becomes U+FFFD. */
  end(): string {
    return this.decoder.decode();
  }
}
