import { z } from 'zod';

/** Config keys of the hooks area (owned by that area). */
export const hooksSection = {} satisfies Record<string, z.ZodType>;
