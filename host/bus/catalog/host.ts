import type { EventDefinition } from './index.js';

/** Events of the host area (owned by that area). */
export const hostEvents: readonly EventDefinition[] = [];
