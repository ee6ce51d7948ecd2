import { PicodeError } from '../core/errors.js';
import type { PicodeEvent } from '../bus/envelope.js';
import { matches } from '../bus/bus.js';
import type { Host } from './host.js';
import { listPage } from '../ipc/protocol.js';
import { answerPage, pageQuery } from '../ipc/paging.js';

/**
 * The host's own IPC methods (extensions add theirs through HostApi.ipc):
 *
 *   host.status                 -> pid, session, socket, last event id, drops, capture (mode in effect,
 *                                  configured, why they differ)
 *   host.stop {reason?}         -> stops the host after answering
 *   host.reload                 -> ReloadResult (the config files loaded again, what changed and was applied)
 *   panes.list                  -> PaneInfo[] with byte counts and whether the shell marks commands
 *   panes.capture {pane, lines?, ansi?}   -> { text } (tmux's rendering: screen + history)
 *   panes.scrollback {pane, lines?, ansi?} -> { text } (the host's record: plain lines, or raw bytes)
 *   panes.send {pane, text, enter?, force?}       -> {}
 *   panes.keys {pane, keys, force?}               -> {}
 *   panes.run {pane, command, timeoutMs?, force?} -> RunResult
 *                               (send, keys and run refuse picode's view panes, run a pane not at a
 *                                shell, unless force: host/daemon/paneGuard.ts)
 *   panes.view {pane, role}     -> {} (a view announces the pane it runs in)
 *   events.list {afterId?, beforeId?, types?, pane?, limit?, last?} -> PicodeEvent[] (one page: host/ipc/paging.ts)
 *   events.follow {afterId?, types?, pane?} -> notifications `event` (replay after afterId, then live)
 *                                              until the client disconnects
 */
export function registerHostMethods(host: Host): void {
  const { ipc, api } = host;

  ipc.register('host.status', () => ({
    ...host.stats(), panes: host.paneStates().length, methods: ipc.methods(), memory: process.memoryUsage(),
  }));

  ipc.register('host.stop', (params) => {
    const reason = optionalString(params, 'reason') ?? 'stopped over IPC';
    setImmediate(() => void host.stop(reason));
    return {};
  });

  // Loads the config files again and applies what changed (also done when they change).
  ipc.register('host.reload', () => host.reload());

  ipc.register('panes.list', async () => {
    await host.refreshPanes();
    return host.paneStates().map((p) => ({ ...p.info, role: host.roleOf(p.id), bytes: p.offset, marks: p.hasMarks }));
  });

  ipc.register('panes.capture', async (params) => {
    const pane = requiredString(params, 'pane');
    const lines = optionalNumber(params, 'lines');
    const ansi = optionalBoolean(params, 'ansi') ?? false;
    return { text: await api.panes.capture(pane, { ...(lines !== undefined ? { lines } : {}), ansi }) };
  });

  // The host's own record of the pane's output (what scrolled by, as the program printed it),
  // rather than tmux's rendering of the screen: plain lines, or the raw bytes with escapes.
  ipc.register('panes.scrollback', (params) => {
    const pane = host.requirePane(requiredString(params, 'pane'));
    const lines = optionalNumber(params, 'lines');
    if (optionalBoolean(params, 'ansi')) {
      const raw = pane.bytes.bytes();
      let start = 0; // the ring may begin inside a character: start at the next one
      while (start < Math.min(3, raw.length) && (raw[start]! & 0xc0) === 0x80) start++;
      return { text: raw.subarray(start).toString('utf8') };
    }
    return { text: pane.text.tail(lines).join('\n') };
  });

  ipc.register('panes.send', async (params) => {
    await api.panes.sendText(requiredString(params, 'pane'), requiredString(params, 'text'), {
      enter: optionalBoolean(params, 'enter') ?? false, origin: optionalString(params, 'origin') ?? 'cli', secret: optionalBoolean(params, 'secret') === true,
      force: optionalBoolean(params, 'force') ?? false,
    });
    return {};
  });

  ipc.register('panes.keys', async (params) => {
    const keys = field(params, 'keys');
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
      throw new PicodeError('panes.keys needs `keys`: a non-empty list of tmux key names');
    }
    await api.panes.sendKeys(requiredString(params, 'pane'), keys as string[], {
      origin: optionalString(params, 'origin') ?? 'cli', force: optionalBoolean(params, 'force') ?? false,
    });
    return {};
  });

  ipc.register('panes.run', async (params, context) => {
    const timeoutMs = optionalNumber(params, 'timeoutMs');
    return host.run(requiredString(params, 'pane'), requiredString(params, 'command'), {
      origin: optionalString(params, 'origin') ?? 'cli', signal: context.signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      force: optionalBoolean(params, 'force') ?? false,
    });
  });

  ipc.register('panes.view', (params) => {
    host.announceView(host.requirePane(requiredString(params, 'pane')).id, requiredString(params, 'role'));
    return {};
  });

  // One page (host/ipc/paging.ts): the next one starts after the last id returned.
  ipc.register('events.list', (params) => {
    const page = pageQuery(params);
    const before = page.before !== undefined ? { beforeId: page.before } : {};
    return answerPage(host.listEvents({ ...eventQuery(params), ...before, limit: page.limit, last: page.last }), page);
  });

  ipc.register('events.follow', async (params, context) => {
    const query = eventQuery(params);
    const filter = { ...(query.types ? { types: query.types } : {}), ...(query.pane !== undefined ? { pane: query.pane } : {}) };
    // Subscribe first, then replay from the store: nothing falls between the two, and an event
    // seen in both is sent once (ids only go up).
    let lastSent = query.afterId ?? host.bus.lastId;
    const live: PicodeEvent[] = [];
    let replaying = true;
    const send = (event: PicodeEvent): void => {
      if (event.id <= lastSent) return;
      lastSent = event.id;
      context.notify('event', event);
    };
    const unsubscribe = api.bus.subscribe(filter, (event) => (replaying ? live.push(event) : send(event)));
    try {
      // The replay reads the store a page at a time: never the whole history in memory.
      for (let after = query.afterId; after !== undefined;) {
        const page = host.listEvents({ ...query, afterId: after, limit: listPage.defaultSize });
        for (const event of page) send(event);
        after = page.length === listPage.defaultSize ? page[page.length - 1]!.id : undefined;
      }
      replaying = false;
      for (const event of live.splice(0)) if (matches(filter, event)) send(event);
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
        void host.done.then(() => resolve());
      });
    } finally {
      unsubscribe();
    }
    return { lastId: lastSent };
  });
}

function eventQuery(params: unknown): { afterId?: number; types?: string[]; pane?: string } {
  const afterId = optionalNumber(params, 'afterId');
  const types = field(params, 'types');
  if (types !== undefined && (!Array.isArray(types) || !types.every((t) => typeof t === 'string'))) {
    throw new PicodeError('`types` must be a list of event types (exact, or a prefix ending in *)');
  }
  const pane = optionalString(params, 'pane');
  return {
    ...(afterId !== undefined ? { afterId } : {}),
    ...(types !== undefined && (types as string[]).length ? { types: types as string[] } : {}),
    ...(pane !== undefined ? { pane } : {}),
  };
}

function field(params: unknown, name: string): unknown {
  return params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[name] : undefined;
}

function requiredString(params: unknown, name: string): string {
  const v = field(params, name);
  if (typeof v !== 'string') throw new PicodeError(`missing parameter \`${name}\` (a string)`);
  return v;
}

function optionalString(params: unknown, name: string): string | undefined {
  const v = field(params, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new PicodeError(`parameter \`${name}\` must be a string`);
  return v;
}

function optionalNumber(params: unknown, name: string): number | undefined {
  const v = field(params, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new PicodeError(`parameter \`${name}\` must be a non-negative number`);
  return v;
}

function optionalBoolean(params: unknown, name: string): boolean | undefined {
  const v = field(params, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new PicodeError(`parameter \`${name}\` must be true or false`);
  return v;
}
