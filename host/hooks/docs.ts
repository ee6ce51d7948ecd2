import { z } from 'zod';
import type { EventDefinition } from '../bus/catalog/index.js';
import type { JsonSchema } from '../bus/catalog/sdkTypes.js';

/**
 * Generates the event reference of docs/hooks.md from the event catalog (the one definition
 * in code), between two markers; the guide around it is written by hand. A unit test fails
 * when the committed section differs from what this produces, so the docs cannot go stale.
 * Regenerate with `picode hooks docs --write docs/hooks.md`.
 */
export const generatedBegin = '<!-- BEGIN GENERATED: event catalog. Regenerate: picode hooks docs --write docs/hooks.md -->';
export const generatedEnd = '<!-- END GENERATED: event catalog -->';


function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeOf).join(' \\| ');
  const t = Array.isArray(schema.type) ? schema.type.join(' \\| ') : schema.type;
  if (t === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (t === 'object') return 'object';
  if (t === 'integer') return 'integer';
  return t ?? 'any JSON';
}

function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const rows: string[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const key = `${prefix}${name}`;
    rows.push(`| \`${key}\` | ${typeOf(field)} | ${required.has(name) ? 'yes' : 'no'} | ${escapeCell(field.description ?? '')} |`);
    // One level of nesting is spelled out (`changes[].kind`); deeper shapes stay `object`.
    const inner = field.type === 'array' ? field.items : field;
    if (!prefix && inner?.properties) rows.push(...fieldRows(inner, `${key}${field.type === 'array' ? '[]' : ''}.`));
  }
  return rows;
}

function toSchema(definition: EventDefinition): JsonSchema | undefined {
  try {
    return z.toJSONSchema(definition.data, { unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return undefined;
  }
}

export function renderEventCatalog(catalog: readonly EventDefinition[]): string {
  const out: string[] = [];
  out.push(`${catalog.length} event types. Blocking events wait for hook decisions before the action they announce happens.`, '');
  out.push('| Event | Blocking | Emitted by | What it means |', '|---|---|---|---|');
  for (const d of catalog) {
    const first = d.description.split(/(?<=\.)\s/)[0] ?? d.description;
    out.push(`| [\`${d.type}\`](#${anchor(d.type)}) | ${d.blocking ? '**yes**' : 'no'} | ${d.source} | ${escapeCell(first)} |`);
  }
  for (const d of catalog) {
    out.push('', `### ${d.type}`, '');
    out.push(`${d.blocking ? '**Blocking.** ' : ''}Emitted by: ${d.source}.`, '');
    out.push(d.description, '');
    const schema = toSchema(d);
    const rows = schema ? fieldRows(schema) : [];
    if (rows.length === 0) {
      out.push(`Data: ${schema ? typeOf(schema) : 'any JSON'}${schema?.description ? ` (${schema.description})` : ''}.`);
    } else {
      out.push('| Field | Type | Required | Description |', '|---|---|---|---|', ...rows);
    }
  }
  return out.join('\n');
}

/** GitHub's heading anchor for `### type`. */
function anchor(type: string): string {
  return type.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

/** Replaces the generated section of a document (the markers must be present). */
export function replaceGenerated(document: string, generated: string): string {
  const begin = document.indexOf(generatedBegin);
  const end = document.indexOf(generatedEnd);
  if (begin < 0 || end < begin) throw new Error('the document has no generated-section markers');
  return `${document.slice(0, begin + generatedBegin.length)}\n${generated}\n${document.slice(end)}`;
}

/** The generated section currently in a document, or undefined without markers. */
export function currentGenerated(document: string): string | undefined {
  const begin = document.indexOf(generatedBegin);
  const end = document.indexOf(generatedEnd);
  if (begin < 0 || end < begin) return undefined;
  return document.slice(begin + generatedBegin.length, end).replace(/^\n/, '').replace(/\n$/, '');
}
