import type { Command } from 'commander';
import type { PicodeEvent } from '../../bus/envelope.js';
import { globalOptions } from '../globals.js';

/**
 * `picode notifications [--follow]`: the last notifications of the session (what plugins and
 * hooks asked to tell the person), newest last; with --follow, new ones as they come. The host
 * also shows each one as a tmux message and in `#{@picode-notification}`, and the agent and log
 * views keep the last ones in their notifications area (host/ui/notifications.ts).
 */
export function define(program: Command): void {
  program
    .command('notifications')
    .description("list the session's recent notifications (from plugins and hooks); --follow for new ones")
    .option('--session <name>', 'the session (default: the current tmux session, or the only one with a host)')
    .option('-f, --follow', 'after the listing, print new notifications as they come (until Ctrl-C or the host stops)')
    .option('--limit <n>', 'how many recent ones to list (default 20)', (v) => Math.max(0, Number.parseInt(v, 10) || 0), 20)
    .option('--json', 'one JSON event per line')
    .action(async (opts: { session?: string; follow?: boolean; limit: number; json?: boolean }, cmd: Command) => {
      const [{ connectTarget }, { notificationLine }] = await Promise.all([import('../../ipc/target.js'), import('../../ui/notifications.js')]);
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket, command: 'notifications' });
      const print = (event: PicodeEvent): void => {
        if (opts.json) { process.stdout.write(`${JSON.stringify(event)}\n`); return; }
        process.stdout.write(`${notificationLine(event)}\n`);
      };
      try {
        const recent = opts.limit > 0 ? await client.call<PicodeEvent[]>('events.list', { types: ['notification'], limit: opts.limit, last: true }) : [];
        for (const event of recent) print(event);
        if (!opts.json && !opts.follow && recent.length === 0) process.stdout.write('no notifications yet\n');
        if (!opts.follow) return;
        const lastId = recent.at(-1)?.id;
        client.onNotification('event', (params) => print(params as PicodeEvent));
        const stop = (): void => client.close();
        process.once('SIGINT', stop);
        await client.call('events.follow', { types: ['notification'], ...(lastId !== undefined ? { afterId: lastId } : {}) }).catch(() => undefined);
      } finally {
        client.close();
      }
    });
}
