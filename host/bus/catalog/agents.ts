import type { EventDefinition } from './index.js';

/** Events of the agents area (owned by that area). */
export const agentEvents: readonly EventDefinition[] = [];
