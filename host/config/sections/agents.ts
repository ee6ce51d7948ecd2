import { z } from 'zod';

/** Config keys of the agents area (owned by that area). */
export const agentsSection = {} satisfies Record<string, z.ZodType>;
