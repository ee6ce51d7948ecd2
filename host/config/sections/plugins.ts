import { z } from 'zod';

/** Config keys of the plugins area (owned by that area). */
export const pluginsSection = {} satisfies Record<string, z.ZodType>;
