import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../core/paths.js';

/**
 * Text sent to panes is stored after the same redaction as LLM requests: the rules of the
 * shipped secrets redactor (plugins/secrets-redactor/src/redact.js, plain functions), applied
 * here in the host's own process before an event reaches the database. Text sent with
 * `picode send --secret` is not stored at all: only its length.
 */
export interface StoredTextRedactor {
  /** Resolves once the rules are loaded (a moment after start). */
  readonly ready: Promise<void>;
  readonly loaded: boolean;
  /** The text with secrets masked; before the rules are loaded (or if they failed to load), nothing of it. */
  redact(text: string): string;
}

export function storedTextRedactor(): StoredTextRedactor {
  let rules: ((text: string) => { text: string }) | undefined;
  let failed = false;
  const ready = import(pathToFileURL(join(packageRoot(), 'plugins', 'secrets-redactor', 'src', 'redact.js')).href)
    .then((mod: { redact: (text: string) => { text: string } }) => { rules = mod.redact; })
    .catch(() => { failed = true; });
  return {
    ready,
    get loaded() { return rules !== undefined || failed; },
    redact: (text) => (rules ? rules(text).text : `[not stored: ${text.length} characters; the redaction rules could not be loaded]`),
  };
}

/** The stored form of a `pane.send.before` or `command.started` event's data. */
export function storedSendData(data: unknown, redactor: StoredTextRedactor): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const d = data as { text?: unknown; keys?: unknown; command?: unknown; secret?: unknown };
  if (d.secret === true) {
    const length = typeof d.text === 'string' ? d.text.length : Array.isArray(d.keys) ? d.keys.length : 0;
    const { text: _text, keys: _keys, ...rest } = d;
    return { ...rest, text: `[secret: ${length} ${Array.isArray(d.keys) ? 'keys' : 'characters'}, not stored]` };
  }
  return {
    ...d,
    ...(typeof d.text === 'string' ? { text: redactor.redact(d.text) } : {}),
    ...(typeof d.command === 'string' ? { command: redactor.redact(d.command) } : {}),
    ...(Array.isArray(d.keys) ? { keys: d.keys.map((k) => (typeof k === 'string' ? redactor.redact(k) : k)) } : {}),
  };
}
