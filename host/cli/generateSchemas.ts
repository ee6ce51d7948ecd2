import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { shippedConfigDir } from '../core/paths.js';
import { configSchema } from '../config/schema.js';
import { layoutSchema } from '../layout/schema.js';

/**
 * Generates the JSON Schemas published in config/ from the zod schemas, so editors complete
 * and check picode files (`# yaml-language-server: $schema=...` or VS Code's
 * `yaml.schemas`). Run by `npm run schemas`; a unit test fails when the committed files
 * differ from what this produces.
 */
export function schemaDocuments(): Record<string, string> {
  const document = (schema: z.ZodType, id: string, title: string, description: string): string => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
    return `${JSON.stringify({ $id: id, title, description, ...json }, null, 2)}\n`;
  };
  return {
    'picode.config.schema.json': document(configSchema, 'urn:picode:schema:config', 'picode configuration',
      'picode.config.{yaml,json}, .picoderc, package.json#picode and ~/.config/picode/config.*; see docs/configuration.md'),
    'layout.schema.json': document(layoutSchema, 'urn:picode:schema:layout', 'picode layout',
      'A picode workspace layout (YAML or JSON); see docs/layouts.md'),
  };
}

export function writeSchemas(dir: string = shippedConfigDir()): string[] {
  return Object.entries(schemaDocuments()).map(([name, text]) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').slice(-3).join('/'))) {
  for (const file of writeSchemas()) process.stdout.write(`wrote ${file}\n`);
}
