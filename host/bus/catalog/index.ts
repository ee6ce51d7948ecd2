import type { z } from 'zod';
import { hostEvents } from './host.js';
import { hookEvents } from './hooks.js';
import { llmEvents } from './llm.js';
import { agentEvents } from './agents.js';
import { pluginEvents } from './plugins.js';
import { mcpEvents } from './mcp.js';

/**
 * The event catalog: every event type picode emits, with its payload schema and a
 * description. docs/hooks.md is generated from it; hooks match against it. Each area owns
 * one part file; this index only joins them.
 */
export interface EventDefinition {
  readonly type: string;
  readonly description: string;
  /** Payload schema (the `data` of the envelope). */
  readonly data: z.ZodType;
  /** Blocking events wait for hook decisions before the action they announce happens. */
  readonly blocking: boolean;
  /** The area that emits it (for the docs). */
  readonly source: string;
}

export const eventCatalog: readonly EventDefinition[] = [
  ...hostEvents,
  ...pluginEvents,
  ...hookEvents,
  ...llmEvents,
  ...agentEvents,
  ...mcpEvents,
];
