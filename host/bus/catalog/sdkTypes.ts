import { z } from 'zod';
import type { EventDefinition } from './index.js';

/**
 * Renders the catalog as TypeScript for plugin authors (plugins/sdk/events.d.ts): one
 * interface mapping each event type to its payload, so `parseData` in the SDK is typed per
 * event like `bus.emit` is in the host. Written by `node plugins/sdk/generate-events.mjs`;
 * tests/unit/host/sdkEventTypes.test.ts fails when the committed file is stale.
 */
export function renderSdkEventTypes(catalog: readonly EventDefinition[]): string {
  const lines = [
    '// Generated from the event catalog (host/bus/catalog) by plugins/sdk/generate-events.mjs. Do not edit.',
    '',
    '/** Event type -> the payload (`data`, JSON-decoded) of that event. `*` entries cover every type with that prefix. */',
    'export interface EventPayloads {',
  ];
  for (const d of catalog) {
    if (d.type.endsWith('*')) continue;
    lines.push(`  /** ${d.description.replace(/\*\//g, '* /')} */`, `  ${JSON.stringify(d.type)}: ${render(z.toJSONSchema(d.data, { unrepresentable: 'any' }) as JsonSchema, '  ')};`);
  }
  lines.push('}', '');
  const wildcards = catalog.filter((d) => d.type.endsWith('*'));
  lines.push('/** Types outside EventPayloads that the catalog allows (their payload is free-form JSON). */');
  lines.push(`export type OpenEventType = ${wildcards.map((d) => `\`${d.type.slice(0, -1)}\${string}\``).join(' | ') || 'never'};`, '');
  return `${lines.join('\n')}`;
}

/** The part of JSON Schema (z.toJSONSchema) the SDK types and docs/hooks.md are rendered from. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

function render(s: JsonSchema, indent: string): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map((u) => render(u, indent)).join(' | ');
  switch (s.type) {
    case 'string': return 'string';
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `Array<${s.items ? render(s.items, indent) : 'unknown'}>`;
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) return 'Record<string, unknown>';
      const inner = `${indent}  `;
      const required = new Set(s.required ?? []);
      const body = props.map(([key, value]) => `${inner}${JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${render(value, inner)};`);
      return `{\n${body.join('\n')}\n${indent}}`;
    }
    default: return 'unknown';
  }
}
