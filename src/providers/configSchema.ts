import { z } from 'zod';

/** Config keys of the LLM providers (owned by src/providers). */
export const providersSection = {} satisfies Record<string, z.ZodType>;
