/**
 * Context for a model: items gathered from sources (a pane's output, the last failed
 * command, files the user named, plugins' `gather-context`), each with where it came from, a
 * priority and a token estimate. The assembler (assemble.ts) fits them into a budget.
 */
export interface ContextItem {
  /** Stable identity of the source: `pane:%3`, `command:%3`, `file:src/a.ts`, `plugin:NAME`. Dedupe key. */
  readonly source: string;
  /** What the model sees as the item's heading (`output of pane "shell"`, `src/a.ts`). */
  readonly title: string;
  readonly text: string;
  /** Higher is kept first. Built-ins: named files 70, failed command 80, pane output 50. */
  readonly priority: number;
  /** Estimated tokens of `text` (estimateTokens). */
  readonly tokens: number;
  /**
   * Which end to keep when the item must be shortened to fit: `tail` for terminal output
   * (the error is at the end), `head` for files. `none` = all or nothing.
   */
  readonly keep: 'head' | 'tail' | 'none';
}

/** A source yields items (none when it has nothing, e.g. no failed command yet). */
export type ContextSource = () => Promise<readonly ContextItem[]>;

/** Tokens estimated from characters: ~4 per token for English and code (no tokenizer loaded). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function contextItem(fields: Omit<ContextItem, 'tokens'>): ContextItem {
  return { ...fields, tokens: estimateTokens(fields.text) };
}
