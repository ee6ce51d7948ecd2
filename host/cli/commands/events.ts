import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { PicodeEvent } from '../../bus/envelope.js';
import { globalOptions } from '../globals.js';

interface EventsOptions {
  session?: string; follow?: boolean; json?: boolean; type: string[]; pane?: string; limit: number; since?: number;
}

export function define(program: Command): void {
  program
    .command('events')
    .description("list or follow the host's events (read from the store; --follow streams from the running host)")
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host or events)')
    .option('-f, --follow', 'after the listing, print new events as they happen (until Ctrl-C or the host stops)')
    .option('--json', 'one JSON event per line')
    .option('--type <type>', 'only this type; a prefix ending in * matches several (pane.*); repeatable', collect, [])
    .option('--pane <pane>', 'only events of this pane (id or layout name)')
    .option('--limit <n>', 'list at most the N most recent events (0 = none, only follow)', parseCount, 50)
    .option('--since <id>', 'list every event after this id (replay) instead of the most recent ones', parseCount)
    .addHelpText('after', `
Examples:
  picode events --type 'command.*'            the last commands and their exit codes
  picode events --follow --json --pane shell   stream one pane's events as JSON lines
  picode events --since 0 --json > all.jsonl   replay everything recorded for the session`)
    .action(async (opts: EventsOptions, cmd: Command) => {
      const { tmuxSocket } = globalOptions(cmd);
      const { resolveSessionTarget } = await import('../../ipc/target.js');
      const target = await resolveSessionTarget({ session: opts.session, tmuxSocket, includeStopped: !opts.follow });
      const print = (event: PicodeEvent): void => {
        process.stdout.write(opts.json ? `${JSON.stringify(event)}\n` : `${formatEvent(event)}\n`);
      };
      const types = opts.type.length ? opts.type : undefined;
      let lastId = await listFromStore(target.session, target.tmuxSocket, opts, types, print);
      if (!opts.follow) return;
      const { connectHost } = await import('../../ipc/client.js');
      const client = await connectHost(target.session, target.tmuxSocket);
      client.onNotification('event', (params) => {
        const event = params as PicodeEvent;
        lastId = Math.max(lastId, event.id);
        print(event);
      });
      const stop = (): void => client.close();
      process.once('SIGINT', stop);
      try {
        await client.call('events.follow', { afterId: lastId, ...(types ? { types } : {}), ...(opts.pane ? { pane: opts.pane } : {}) })
          .catch((error: Error) => {
            // Ctrl-C or the host stopping ends the stream: that is the normal end of --follow.
            if (!/closed the connection/.test(error.message)) throw error;
          });
      } finally {
        process.off('SIGINT', stop);
        client.close();
      }
    });
}

async function listFromStore(
  session: string, tmuxSocket: string | undefined, opts: EventsOptions, types: string[] | undefined, print: (e: PicodeEvent) => void,
): Promise<number> {
  const [{ openStore }, { databasePath }, { queryEvents, nextEventId, nthLastEventId }, { hostKey }] = await Promise.all([
    import('../../store/db.js'), import('../../core/paths.js'), import('../../bus/eventStore.js'), import('../../core/hostIdentity.js'),
  ]);
  const store = openStore(databasePath());
  try {
    const key = hostKey(session, tmuxSocket);
    const query = { ...(types ? { types } : {}), ...(opts.pane ? { pane: opts.pane } : {}) };
    // Where the listing starts: after --since, or just before the --limit most recent.
    let after: number | undefined;
    if (opts.since !== undefined) after = opts.since;
    else if (opts.limit > 0) {
      const first = nthLastEventId(store.db, key, query, opts.limit);
      if (first !== undefined) after = first - 1;
    }
    // A page at a time, so a long history never sits in memory at once.
    let lastId = -1;
    while (after !== undefined) {
      const page = queryEvents(store.db, key, { ...query, afterId: after, limit: storePageSize });
      for (const e of page) print(e);
      if (page.length > 0) lastId = page[page.length - 1]!.id;
      after = page.length === storePageSize ? lastId : undefined;
    }
    return lastId >= 0 ? lastId : Math.max(opts.since ?? 0, nextEventId(store.db, key) - 1);
  } finally {
    store.close();
  }
}

const storePageSize = 1000;

/** One line per event: id, time, type, pane, and what matters in its data. */
export function formatEvent(event: PicodeEvent): string {
  const time = new Date(event.time).toISOString().slice(11, 23);
  const pane = event.pane ? `${event.pane}${event.paneName ? `(${event.paneName})` : ''}` : '-';
  return `${String(event.id).padStart(6)} ${time} ${event.type.padEnd(18)} ${pane.padEnd(10)} ${summary(event)}`;
}

function summary(event: PicodeEvent): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case 'pane.output': return clip(JSON.stringify(d.text ?? ''), 100);
    case 'command.started': return clip(String(d.command ?? ''), 100);
    case 'command.finished': return `exit ${d.exitCode === null ? '?' : String(d.exitCode)} in ${Math.round(Number(d.durationMs ?? 0))} ms: ${clip(String(d.command ?? ''), 80)}${d.reason ? ` (${String(d.reason)})` : ''}`;
    case 'pane.opened': {
      const p = (d.pane ?? {}) as Record<string, unknown>;
      return `${String(p.command ?? '')} ${String(p.width)}x${String(p.height)} in ${String(p.cwd ?? '')}`;
    }
    default: return clip(JSON.stringify(event.data ?? null), 120);
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return n;
}
