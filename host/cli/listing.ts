import type { Command } from 'commander';
import { jsonArrayWriter, parseListLimit, readList, type CursorKey, type ListRequest, type PageParams } from '../ipc/paging.js';

/**
 * The listing commands (`plan list`, `agent list`, `hooks log`, `plugin list`): `--limit N`
 * shows the N most recent in one page, `--all` every one, a page at a time, as they arrive
 * (host/ipc/paging.ts). `--json` prints one JSON array either way.
 */
export function listOptions(command: Command, what: string, defaultLimit: number): Command {
  return command
    .option('--limit <n>', `the N most recent ${what} (at most one page)`, parseListLimit, defaultLimit)
    .option('--all', `every ${what}, read a page at a time`);
}

export function listRequest(opts: { limit: number; all?: boolean }, order: 'newestFirst' | 'newestLast' = 'newestLast'): ListRequest {
  return { all: opts.all === true, limit: opts.limit, newestFirst: order === 'newestFirst' };
}

/** Prints a list method's pages: a line per item (or JSON); `empty` when there were none. */
export async function printListing<T, C extends number | string>(options: {
  readonly fetch: (page: PageParams<C>) => Promise<readonly T[]>;
  readonly keyOf: (item: T) => C;
  readonly request: ListRequest;
  readonly json: boolean;
  readonly print: (items: readonly T[]) => void;
  readonly empty: string;
  readonly key?: CursorKey;
}): Promise<void> {
  const write = (text: string): void => { process.stdout.write(text); };
  const json = options.json ? jsonArrayWriter(write) : undefined;
  let count = 0;
  await readList(options.fetch, options.keyOf, options.request, (items) => {
    count += items.length;
    if (json) json.page(items);
    else options.print(items);
  }, options.key);
  if (json) json.end();
  else if (count === 0) write(`${options.empty}\n`);
}
