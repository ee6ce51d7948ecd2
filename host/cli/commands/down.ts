import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { globalOptions } from '../globals.js';
import { loadConfigCached } from '../../config/cache.js';
import { resolveMux } from '../../mux/index.js';

/**
 * `picode down [SESSION] [--session NAME]`: stops the session's host, kills the session and marks it
 * stopped. Without --session it stops, inside tmux, the session it runs in when picode launched
 * it, else the only running session picode launched on this tmux server (and says which ones
 * there are when there are several).
 */
export function define(program: Command): void {
  program
    .command('down')
    .description('stop a workspace picode launched: its host, then its tmux session')
    .argument('[session]', 'the session to stop (same as --session)')
    .option('-s, --session <name>', 'the session to stop (default: inside tmux the current one, else the only one picode launched that is running)')
    .action(async (positional: string | undefined, parsed: { session?: string }, command: Command) => {
      if (positional !== undefined && parsed.session !== undefined && positional !== parsed.session) {
        throw new PicodeError(`two different sessions named: "${positional}" and --session "${parsed.session}"`, { hint: 'name one session' });
      }
      const options = { session: positional ?? parsed.session };
      const env = process.env;
      const { config } = await loadConfigCached({ cwd: process.cwd(), env });
      const explicitSocket = globalOptions(command).tmuxSocket;
      const [{ openStore }, { findSessionRow, listSessionRows, markStopped }] = await Promise.all([import('../../store/db.js'), import('../../store/sessions.js')]);
      const store = openStore();
      try {
        // A named session is stopped on the server picode launched it on, unless told otherwise.
        const row = options.session === undefined ? undefined : findSessionRow(store.db, options.session);
        const tmuxSocket = explicitSocket ?? (row ? row.mux_socket ?? undefined : config.tmux.socket);
        // ...and with the multiplexer it was launched with.
        const kind = row?.mux === 'tmux' || row?.mux === 'zellij' ? row.mux : config.mux;
        const mux = await resolveMux({ kind, tmuxSocket, tmuxBinary: config.tmux.binary, env });
        const live = new Set(await mux.listSessions());
        const mine = listSessionRows(store.db).filter((r) => (r.mux_socket ?? undefined) === tmuxSocket && live.has(r.name));
        // Inside tmux, the session this command runs in (host/ipc/target.ts), as for every
        // command; only one picode launched: a session of the user's own is never killed unasked.
        const { sessionOfThisTerminal } = await import('../../ipc/target.js');
        const here = options.session === undefined ? await sessionOfThisTerminal(tmuxSocket, env) : undefined;
        let session = options.session ?? (here !== undefined && mine.some((r) => r.name === here) ? here : undefined);
        if (session === undefined) {
          if (mine.length !== 1) {
            throw new PicodeError(mine.length === 0 ? 'no running session picode launched on this tmux server'
              : `${mine.length} sessions are running (${mine.map((r) => r.name).join(', ')}): name the one to stop`, {
              hint: mine.length === 0 ? 'see picode ls; name another server with --tmux-socket' : 'picode down --session NAME',
            });
          }
          session = mine[0]!.name;
        }
        const { stopHost } = await import('../../daemon/spawn.js');
        // A host that will not stop must not keep the session alive: the session is killed
        // anyway (the host then loses what it observes) and the problem reported.
        const hostProblem = await stopHost(session, tmuxSocket, env).then(() => undefined, (error: unknown) => error);
        const wasLive = live.has(session);
        // Stopping the session this command runs in hangs up its own terminal: the stop is still recorded.
        if (session === here) process.on('SIGHUP', () => undefined);
        if (wasLive) await mux.kill(session);
        const known = markStopped(store.db, session, Date.now(), tmuxSocket);
        if (!wasLive && !known) {
          throw new PicodeError(`no session named "${session}" is running`, { hint: 'see picode ls for the sessions picode launched' });
        }
        process.stderr.write(`picode: session "${session}" stopped\n`);
        if (hostProblem !== undefined) {
          const { formatError } = await import('../../core/errors.js');
          process.stderr.write(formatError(hostProblem));
          process.exitCode = 1;
        }
      } finally {
        store.close();
      }
    });
}
