import type { EventDefinition } from './index.js';

/** Events of the hooks area (owned by that area). */
export const hookEvents: readonly EventDefinition[] = [];
