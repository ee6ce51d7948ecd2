/**
 * Session names tmux would read as something else. A target such as `-t NAME` is parsed by
 * tmux: `$3`, `@3` and `%3` are session, window and pane ids, `:` and `.` separate a window
 * and a pane, and control characters (a newline) cannot be typed or shown. A session named
 * like that builds half and then fails with "can't find window", so such names are refused
 * where they are written: picode's layout format, the importers' session names and `--session`.
 */
export function sessionNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a session name cannot be empty';
  const lead = name[0]!;
  if (lead === '$' || lead === '@' || lead === '%') {
    const what = lead === '$' ? 'session' : lead === '@' ? 'window' : 'pane';
    return `"${printable(name)}" starts with "${lead}", which tmux reads as a ${what} id`;
  }
  const reserved = /[.:]/.exec(name);
  if (reserved) return `"${printable(name)}" contains "${reserved[0]}", which tmux reserves to separate a window and a pane`;
  // eslint-disable-next-line no-control-regex
  const control = /[\x00-\x1f\x7f]/.exec(name);
  if (control) return `"${printable(name)}" contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}

/** A session name made from something else (a file name): what tmux would misread becomes `_`. */
export function sessionNameFrom(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[.:\x00-\x1f\x7f]/g, '_').replace(/^[$@%]/, '_') || '_';
}

function printable(name: string): string {
  return JSON.stringify(name).slice(1, -1);
}
