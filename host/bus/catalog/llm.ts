import type { EventDefinition } from './index.js';

/** Events of the llm area (owned by that area). */
export const llmEvents: readonly EventDefinition[] = [];
