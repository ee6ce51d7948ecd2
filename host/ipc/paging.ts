import { PicodeError } from '../core/errors.js';
import { fitBytes, listPage, pageSize } from './protocol.js';

/**
 * Paging of every IPC list method (`events.list`, `plan.list`, `agent.list`, `hooks.log`,
 * `plugin.list`), one way for all. A request asks for one page:
 *
 *   afterId   only items after this one, in the list's order (afterName for lists keyed by name)
 *   beforeId  only items before this one (beforeName)
 *   limit     at most this many (default listPage.defaultSize, at most listPage.maxSize)
 *   last      the last `limit` of those (the most recent), rather than the first
 *
 * The answer is the page in the list's order, also cut to about listPage.maxBytes of JSON (at
 * least one item). The next page starts after its last item (or, reading back from the most
 * recent, before its first); an empty page is the end.
 */
export interface PageQuery<C extends number | string = number> {
  readonly after?: C | undefined;
  readonly before?: C | undefined;
  readonly limit: number;
  readonly last: boolean;
}

/** How a list's items are named by its cursors: ids (`afterId`) or names (`afterName`). */
export type CursorKey = 'Id' | 'Name';

/** The page a list method's parameters ask for; bad values are refused, naming the parameter. */
export function pageQuery(params: unknown, key?: 'Id'): PageQuery<number>;
export function pageQuery(params: unknown, key: 'Name'): PageQuery<string>;
export function pageQuery(params: unknown, key: CursorKey = 'Id'): PageQuery<number | string> {
  const p = params !== null && typeof params === 'object' ? (params as Record<string, unknown>) : {};
  const cursor = (name: string): number | string | undefined => {
    const value = p[name] ?? undefined;
    if (value !== undefined && (key === 'Id' ? !isCount(value) : typeof value !== 'string')) {
      throw new PicodeError(`parameter \`${name}\` must be ${key === 'Id' ? 'a non-negative number' : 'a string'}`);
    }
    return value as number | string | undefined;
  };
  const limit = p.limit ?? undefined;
  if (limit !== undefined && !isCount(limit)) throw new PicodeError('parameter `limit` must be a non-negative number');
  const last = p.last ?? false;
  if (typeof last !== 'boolean') throw new PicodeError('parameter `last` must be true or false');
  return { after: cursor(`after${key}`), before: cursor(`before${key}`), limit: pageSize(limit as number | undefined), last };
}

/** A page read (by `limit`, `last` and the cursor) cut to the answer's byte budget. */
export function answerPage<T>(items: readonly T[], query: PageQuery<number | string>): T[] {
  return fitBytes(items, listPage.maxBytes, query.last ? 'last' : 'first');
}

/** One page of a list held in memory, ordered by `keyOf` (numbers, or names in localeCompare order). */
export function pageOf<T, C extends number | string>(items: readonly T[], query: PageQuery<C>, keyOf: (item: T) => C): T[] {
  const { after, before } = query;
  const rest = items.filter((item) => (after === undefined || compareKeys(keyOf(item), after) > 0)
    && (before === undefined || compareKeys(keyOf(item), before) < 0));
  const page = query.last ? rest.slice(Math.max(0, rest.length - query.limit)) : rest.slice(0, query.limit);
  return answerPage(page, query);
}

function compareKeys(a: number | string, b: number | string): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

/**
 * The SQL of one page of a table read by its integer `id` (host stores): the filters, then
 * `id > afterId` and `id < beforeId`, ordered so that LIMIT takes the first or the last;
 * `inOrder` puts the rows back in ascending order.
 */
export function sqlPage(query: PageQuery, filters: readonly string[] = [], column = 'id'): {
  where: string; args: unknown[]; tail: string; inOrder<R>(rows: R[]): R[];
} {
  const where = [...filters];
  const args: unknown[] = [];
  if (query.after !== undefined) { where.push(`${column} > ?`); args.push(query.after); }
  if (query.before !== undefined) { where.push(`${column} < ?`); args.push(query.before); }
  return {
    where: where.length ? `WHERE ${where.join(' AND ')}` : '',
    args,
    tail: `ORDER BY ${column} ${query.last ? 'DESC' : 'ASC'} LIMIT ${query.limit}`,
    inOrder: (rows) => (query.last ? rows.reverse() : rows),
  };
}

/**
 * What a listing command asks for: the `limit` most recent (one page), or every item (`all`);
 * shown oldest first, or `newestFirst`.
 */
export interface ListRequest {
  readonly all: boolean;
  readonly limit: number;
  readonly newestFirst?: boolean;
}

/** The parameters of one page request, as a list method reads them. */
export type PageParams<C extends number | string> = { limit: number; last?: boolean } & Partial<Record<`${'after' | 'before'}${CursorKey}`, C>>;

/**
 * Reads a list method the way a listing command asks: the `limit` last items in one page, or
 * every page, each after the last item of the one before (newest first: each before the first
 * of the one before), until an empty one. Pages are handed to `onPage` as they arrive, in the
 * order shown: a long list never sits in memory whole.
 */
export async function readList<T, C extends number | string>(
  fetch: (page: PageParams<C>) => Promise<readonly T[]>,
  keyOf: (item: T) => C,
  request: ListRequest,
  onPage: (items: readonly T[]) => void,
  key: CursorKey = 'Id',
): Promise<void> {
  const shown = (page: readonly T[]): readonly T[] => (request.newestFirst ? [...page].reverse() : page);
  if (!request.all) {
    if (request.limit > 0) onPage(shown(await fetch({ limit: request.limit, last: true })));
    return;
  }
  let cursor: C | undefined;
  for (;;) {
    const page = await fetch({
      limit: listPage.maxSize, ...(request.newestFirst ? { last: true } : {}),
      ...(cursor !== undefined ? { [`${request.newestFirst ? 'before' : 'after'}${key}`]: cursor } : {}),
    });
    if (page.length === 0) return;
    onPage(shown(page));
    cursor = keyOf(page[request.newestFirst ? 0 : page.length - 1]!);
  }
}

/** `--limit N` for a listing command: a whole number, at most one page. */
export function parseListLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new PicodeError(`--limit: expected a whole number (0 or more), got ${JSON.stringify(value)}`);
  if (n > listPage.maxSize) {
    throw new PicodeError(`--limit: at most ${listPage.maxSize} at a time, got ${n}`, { hint: 'use --all to read every one, a page at a time' });
  }
  return n;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Writes the pages of a `--json` listing as one JSON array, as they come. */
export function jsonArrayWriter(write: (text: string) => void): { page(items: readonly unknown[]): void; end(): void } {
  let count = 0;
  return {
    page(items) { for (const item of items) write(`${count++ === 0 ? '[' : ','}${JSON.stringify(item)}`); },
    end() { write(count === 0 ? '[]\n' : ']\n'); },
  };
}

/** Every item of a list method, read a page at a time (for short lists shown whole, such as plugins). */
export async function readAll<T, C extends number | string>(
  fetch: (page: PageParams<C>) => Promise<readonly T[]>, keyOf: (item: T) => C, key: CursorKey = 'Id',
): Promise<T[]> {
  const items: T[] = [];
  await readList(fetch, keyOf, { all: true, limit: 0 }, (page) => { items.push(...page); }, key);
  return items;
}
