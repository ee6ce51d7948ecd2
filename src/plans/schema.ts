import { z } from 'zod';

/**
 * The structured plan the model is asked for. Every step says what to do (`detail`), where
 * (`files`), how to do or check it from a shell (`commands`) and how to know it is done
 * (`acceptance`): enough for a person or an agent to take the step over on its own.
 */
export const planStepSchema = z.object({
  title: z.string().min(1).max(200).describe('Imperative one-line summary of the step.'),
  detail: z.string().describe('What to do and why, in a few sentences.'),
  files: z.array(z.string()).describe('Files the step reads or changes (paths relative to the project).'),
  commands: z.array(z.string()).describe('Shell commands the step runs (build, test, migrate...).'),
  acceptance: z.string().describe('A concrete check that shows the step is done (a command and its expected result).'),
}).strict();

export const planSchema = z.object({
  summary: z.string().describe('One paragraph: the approach, in plain words.'),
  steps: z.array(planStepSchema).min(1).max(40).describe('The steps, in the order to do them.'),
}).strict();

export type PlanStepDraft = z.output<typeof planStepSchema>;
export type PlanDraft = z.output<typeof planSchema>;

/** `review`: finished, but its acceptance check could not decide (nothing to run): a person does. */
export const stepStatuses = ['pending', 'running', 'done', 'failed', 'skipped', 'review'] as const;
export type StepStatus = (typeof stepStatuses)[number];

/** JSON Schema of the plan, for providers' structured output. */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(planSchema, { target: 'draft-7' }) as Record<string, unknown>;
}
