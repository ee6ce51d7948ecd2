import { z } from 'zod';
import { foundationSection } from './sections/foundation.js';
import { hostSection } from './sections/host.js';
import { pluginsSection } from './sections/plugins.js';
import { hooksSection } from './sections/hooks.js';
import { agentsSection } from './sections/agents.js';
import { mcpSection } from './sections/mcp.js';
import { providersSection } from '../../src/providers/configSchema.js';

/**
 * The one schema of picode's configuration. Each area defines its own keys in a section
 * file; the object is strict so a misspelt key is an error that names it, never ignored.
 * config/picode.config.schema.json is generated from this (npm run build:schemas).
 */
export const configSchema = z.object({
  $schema: z.string().optional().describe('JSON Schema reference, for editors.'),
  ...foundationSection,
  ...hostSection,
  ...pluginsSection,
  ...hooksSection,
  ...agentsSection,
  ...mcpSection,
  ...providersSection,
}).strict();

export type PicodeConfig = z.output<typeof configSchema>;
export type PicodeConfigInput = z.input<typeof configSchema>;
