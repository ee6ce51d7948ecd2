/**
 * The one shell quoting of picode: a word as POSIX sh reads it back unchanged. Words of only
 * safe characters stay as they are (readable hints: `tmux attach -t dev`); anything else is
 * single-quoted, with each `'` written as `'\''`. Used for every command picode builds for a
 * shell and every command it prints for the user to copy and paste.
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_/.,:=+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its words, each quoted. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
