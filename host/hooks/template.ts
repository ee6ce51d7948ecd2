import type { PicodeEvent } from '../bus/envelope.js';
import { shellQuote } from '../core/shellQuote.js';

/**
 * `{{path.to.value}}` placeholders in built-in actions, filled from the event: `{{type}}`,
 * `{{id}}`, `{{pane}}`, `{{paneName}}`, `{{session}}`, `{{data.KEY.SUBKEY}}`. A missing value
 * is the empty string; objects are written as JSON.
 *
 * In `run` command lines every value is shell-quoted, so a file called `a;rm -rf ~` stays a
 * file name; `send` text and messages get the raw value.
 */
const placeholder = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

export function lookup(event: PicodeEvent, path: string): unknown {
  let node: unknown = event;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export { shellQuote };

export function fillTemplate(template: string, event: PicodeEvent, mode: 'raw' | 'shell' = 'raw'): string {
  if (!template.includes('{{')) return template;
  return template.replace(placeholder, (_, path: string) => {
    const text = stringify(lookup(event, path));
    return mode === 'shell' ? shellQuote(text) : text;
  });
}

/** Fills placeholders in every string of a JSON value (for `emit` data). */
export function fillDeep(value: unknown, event: PicodeEvent): unknown {
  if (typeof value === 'string') return fillTemplate(value, event);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, event));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, event)]));
  }
  return value;
}
