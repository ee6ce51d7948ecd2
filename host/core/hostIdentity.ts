/** What names a host: its exact (tmux server, session) pair, as a store key and a file name stem. */

/**
 * A host is identified by its session name and the tmux server it attaches to: two servers
 * (`tmux -L a`, `tmux -L b`) may each have a session called `main`, and each gets its own host,
 * socket, log, lock, events and output log. The key (`host_key` in the store) is the same exact
 * encoding as the file names: `main`, `work@main`, `co%20x` (migration 10 rewrote the old
 * `server--session` keys, which two pairs could share).
 */
export function hostKey(session: string, tmuxSocket: string | undefined): string {
  return hostFileStem(session, tmuxSocket || undefined);
}

/**
 * A file name stem for a host's socket and log that names its (server, session) exactly:
 * bytes outside [A-Za-z0-9_.-] are percent-encoded (`co x` -> `co%20x`, never the same as
 * `co_x`), and the server, when there is one, comes first before an `@` (which the encoding
 * never produces).
 */
export function hostFileStem(session: string, tmuxSocket: string | undefined): string {
  return tmuxSocket === undefined ? encodeName(session) : `${encodeName(tmuxSocket)}@${encodeName(session)}`;
}

function encodeName(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // `.` and `..` alone are not file names of their own.
  return out === '.' || out === '..' ? out.replaceAll('.', '%2E') : out;
}

/** How a session is named in messages: `main` or `main (tmux -L work)`. */
export function describeSession(session: string, tmuxSocket: string | undefined): string {
  return tmuxSocket ? `"${session}" (tmux -L ${tmuxSocket})` : `"${session}"`;
}
