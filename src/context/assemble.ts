import { estimateTokens, type ContextItem } from './types.js';

/**
 * Fits context items into a token budget: duplicates go first (same source, or the same
 * text from two sources: the higher priority wins), then items are taken by priority (ties
 * keep their given order); an item that does not fit is shortened from the end it allows
 * (`keep`), or dropped. What was kept, shortened and dropped is reported so the caller can
 * show and record it.
 */
export interface FittedItem extends ContextItem {
  /** True when the text was shortened to fit. */
  readonly truncated: boolean;
}

export interface DroppedItem {
  readonly source: string;
  readonly reason: 'duplicate' | 'budget';
  readonly tokens: number;
}

export interface FitResult {
  /** In priority order. */
  readonly items: readonly FittedItem[];
  readonly dropped: readonly DroppedItem[];
  readonly tokens: number;
}

/** Smallest slice worth sending: below it a shortened item is dropped instead. */
const minUsefulTokens = 32;
const marker = '[... shortened to fit the context budget ...]';

export function fitBudget(items: readonly ContextItem[], budgetTokens: number): FitResult {
  const dropped: DroppedItem[] = [];
  const ranked = items.map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.priority - a.item.priority || a.index - b.index);
  const seenSources = new Set<string>();
  const seenTexts = new Set<string>();
  const unique: ContextItem[] = [];
  for (const { item } of ranked) {
    const text = item.text.trim();
    if (seenSources.has(item.source) || (text && seenTexts.has(text))) {
      dropped.push({ source: item.source, reason: 'duplicate', tokens: item.tokens });
      continue;
    }
    seenSources.add(item.source);
    if (text) seenTexts.add(text);
    unique.push(item);
  }

  const kept: FittedItem[] = [];
  let used = 0;
  for (const item of unique) {
    const room = budgetTokens - used;
    if (item.tokens <= room) {
      kept.push({ ...item, truncated: false });
      used += item.tokens;
      continue;
    }
    if (item.keep !== 'none' && room >= minUsefulTokens) {
      const text = shorten(item.text, room, item.keep);
      const tokens = estimateTokens(text);
      kept.push({ ...item, text, tokens, truncated: true });
      used += tokens;
      continue;
    }
    dropped.push({ source: item.source, reason: 'budget', tokens: item.tokens });
  }
  return { items: kept, dropped, tokens: used };
}

function shorten(text: string, tokens: number, keep: 'head' | 'tail'): string {
  const chars = Math.max(0, tokens * 4 - marker.length - 2);
  if (keep === 'tail') {
    let cut = text.slice(text.length - chars);
    // Start at a line boundary so the model does not see half a line.
    const nl = cut.indexOf('\n');
    if (nl >= 0 && nl < cut.length / 4) cut = cut.slice(nl + 1);
    return `${marker}\n${cut}`;
  }
  let cut = text.slice(0, chars);
  const nl = cut.lastIndexOf('\n');
  if (nl > (cut.length * 3) / 4) cut = cut.slice(0, nl);
  return `${cut}\n${marker}`;
}

/** The items as one block of the prompt, each under its title and source. */
export function renderContext(items: readonly FittedItem[]): string {
  return items.map((i) => `<context source="${i.source}" title="${escapeAttr(i.title)}"${i.truncated ? ' truncated="true"' : ''}>\n${i.text.replace(/\s+$/, '')}\n</context>`).join('\n\n');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
