import { z } from 'zod';

/** Config keys of the host area (owned by that area). */
export const hostSection = {} satisfies Record<string, z.ZodType>;
