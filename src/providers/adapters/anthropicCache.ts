import type { MessageCreateParamsStreaming, MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';

/**
 * Where Anthropic cache breakpoints go. The API caches the prompt prefix up to a block that
 * carries `cache_control` (order: tools, system, messages); a later request that repeats the
 * prefix reads it at a tenth of the input price, a write costs 1.25x (2x with the 1-hour TTL),
 * and no breakpoint means no cache at all. At most four breakpoints are allowed per request.
 *
 * picode places up to three:
 * 1. the end of the system prompt (or the last tool): tools and system are the same for every
 *    call of a kind, so every call after the first reads them;
 * 2. the last block of the conversation that is not volatile, when the conversation goes on
 *    (an agent run: the request has a cacheKey or several messages) or the block closes large
 *    stable context (a plan's or an ask's): the next turn reads everything up to here;
 * 3. the last block of the previous user turn, where the previous request put its breakpoint 2:
 *    the API looks back only about 20 blocks from a breakpoint for a cached prefix, and a turn
 *    with many parallel tool calls adds more than that.
 * A prefix shorter than the model's minimum is not cached by the API: no breakpoint is spent on it.
 */
export const maxBreakpoints = 4;

export interface CacheHints {
  /** Blocks that change from one request to the next: never a breakpoint. */
  readonly volatile: ReadonlySet<object>;
  /** Last blocks of messages marked `stable` (large context worth caching on its own). */
  readonly stableEnds: ReadonlySet<object>;
  /** True when this request continues a conversation that will go on (agent runs). */
  readonly continued: boolean;
}

type CacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' };
type Markable = { cache_control?: CacheControl | null };

/** Documented minimum cacheable prompt per model family (tokens). */
export function minCacheTokens(model: string): number {
  if (/haiku-4|opus-4-5|opus-4\.5/.test(model)) return 4096;
  if (/haiku/.test(model)) return 2048;
  return 1024;
}

/**
 * Characters per token used to decide whether a prefix is long enough: deliberately low (JSON
 * and code tokenise at ~3 characters a token) so a prefix that does reach the minimum is not
 * skipped by an estimate that was too high.
 */
const charsPerToken = 3;

/** Marks the body in place; returns the number of breakpoints placed (never more than maxBreakpoints). */
export function placeCacheBreakpoints(body: MessageCreateParamsStreaming, hints: CacheHints, ttl: '5m' | '1h'): number {
  const control: CacheControl = ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  const minChars = minCacheTokens(body.model) * charsPerToken;
  const marks: Markable[] = [];

  // Prefix length so far, in characters of the JSON the API tokenises.
  let chars = body.tools ? JSON.stringify(body.tools).length : 0;
  const systemBlocks: TextBlockParam[] = typeof body.system === 'string' ? (body.system ? [{ type: 'text', text: body.system }] : [])
    : (body.system ?? []);
  chars += systemBlocks.reduce((n, b) => n + b.text.length, 0);
  const headEnd: Markable | undefined = systemBlocks.at(-1) ?? (body.tools?.at(-1) as Markable | undefined);
  if (headEnd && chars >= minChars) {
    // Only a block can carry a breakpoint: a string system prompt becomes one text block.
    if (systemBlocks.length) body.system = systemBlocks;
    marks.push(headEnd);
  }

  // The conversation: every block with the prefix length up to and including it.
  const blocks: Array<{ block: Markable; chars: number; message: number }> = [];
  body.messages.forEach((message, index) => {
    for (const block of contentBlocks(message)) {
      chars += JSON.stringify(block).length;
      blocks.push({ block: block as Markable, chars, message: index });
    }
  });
  const eligible = blocks.filter((b) => !hints.volatile.has(b.block) && canCarry(b.block));
  const last = eligible.at(-1);
  if (last && last.chars >= minChars && (hints.continued || hints.stableEnds.has(last.block) || body.messages.length > 1)) {
    marks.push(last.block);
    // The previous user turn's end: the read point of the prefix the previous request wrote.
    const lastUser = lastIndex(body.messages, (m) => m.role === 'user', last.message + 1);
    const previousUser = lastIndex(body.messages, (m) => m.role === 'user', lastUser);
    if (previousUser >= 0) {
      const previous = [...eligible].reverse().find((b) => b.message === previousUser);
      if (previous && previous !== last && previous.chars >= minChars) marks.push(previous.block);
    }
  } else {
    // No conversation breakpoint: still cache a large stable context block (an ask's files).
    const stable = [...eligible].reverse().find((b) => hints.stableEnds.has(b.block) && b.chars >= minChars);
    if (stable) marks.push(stable.block);
  }

  const placed = marks.slice(0, maxBreakpoints);
  for (const block of placed) block.cache_control = control;
  return placed.length;
}

function contentBlocks(message: MessageParam): object[] {
  if (typeof message.content === 'string') {
    // Give a string content a block of its own so it can carry a breakpoint.
    (message as { content: unknown }).content = [{ type: 'text', text: message.content }];
  }
  return message.content as object[];
}

/** Thinking blocks cannot carry cache_control; empty text blocks are refused with it. */
function canCarry(block: Markable): boolean {
  const type = (block as { type?: string }).type;
  if (type === 'thinking' || type === 'redacted_thinking') return false;
  return !(type === 'text' && !(block as { text?: string }).text);
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean, before: number): number {
  for (let i = Math.min(before, items.length) - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
