/**
 * Context order for prompt caching. A provider's cache serves the longest prefix that is byte
 * for byte the same as an earlier request's, so context goes into a prompt as:
 * 1. stable items (files, the file list, plugin context): unchanged between the calls of a run,
 *    always in the order they were first sent (no reshuffling by priority once sent);
 * 2. volatile items (pane tails, the last failed command, git status): they change between calls,
 *    so they come last, where a change costs only themselves.
 */
export interface Sourced {
  readonly source: string;
}

/** Sources whose text changes from one call to the next: the terminal and the working tree's state. */
export function isVolatileSource(source: string): boolean {
  return /^(pane|command|git):/.test(source);
}

/**
 * Remembers the order in which sources were first sent in one run. Items seen before keep
 * their position; new ones follow in the order given.
 */
export class ContextOrder {
  private readonly positions = new Map<string, number>();

  arrange<T extends Sourced>(items: readonly T[]): T[] {
    for (const item of items) if (!this.positions.has(item.source)) this.positions.set(item.source, this.positions.size);
    return [...items].sort((a, b) => this.positions.get(a.source)! - this.positions.get(b.source)!);
  }
}

/** Splits items into the stable part (sent first) and the volatile part (sent last), each in a stable order. */
export function stableFirst<T extends Sourced>(items: readonly T[], order: ContextOrder = new ContextOrder()): { stable: T[]; volatile: T[] } {
  const arranged = order.arrange(items);
  return { stable: arranged.filter((i) => !isVolatileSource(i.source)), volatile: arranged.filter((i) => isVolatileSource(i.source)) };
}
