import type { EventDefinition } from './index.js';

/** Events of the plugins area (owned by that area). */
export const pluginEvents: readonly EventDefinition[] = [];
