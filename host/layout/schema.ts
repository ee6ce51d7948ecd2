import { z } from 'zod';
import { paneRoles } from './model.js';
import { sessionNameProblem } from './sessionName.js';

/**
 * picode's own layout format, defined once. `config/layout.schema.json` is generated from
 * this schema (npm run schemas) so editors complete and check layout files, and
 * host/layout/normalise.ts turns a parsed file into the `SessionSpec` every adapter builds.
 *
 * The file is what users write, so it is forgiving where that costs nothing (a pane may be
 * a bare command string, `size` may be `30%` or `30`) and strict everywhere else: an
 * unknown key is an error that names it, never silently ignored.
 */

const envSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .describe('Environment variables (values are strings; numbers and booleans are converted).');

const optionsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform((v) =>
  typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)))
  .describe('tmux options (`set-option` for a session, `set-window-option` for a window). true/false become on/off.');

/** `30%` (percent of the parent, borders excluded) or `30` (cells: columns in a row, lines in a column). */
export const sizeSchema = z.union([
  z.number().int().positive(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/, 'a percentage such as "30%" or a number of cells such as 20'),
]).describe('Size along the parent split: "30%" (percent) or 30 (cells).');

const commandSchema = z.union([
  z.string().min(1),
  z.array(z.string()).min(1),
]).describe('A shell command line (run with your shell) or an argv list (run directly, no shell).');

export const paneSchema = z.object({
  name: z.string().min(1).optional().describe('Pane title, shown in tmux and used by picode commands to find the pane.'),
  command: commandSchema.optional(),
  role: z.enum(paneRoles as [string, ...string[]]).optional()
    .describe('What the pane is for: shell (default), or one of picode\'s views (plan, agent, jobs, log, plugin).'),
  plugin: z.string().min(1).optional().describe('Plugin name, for role: plugin.'),
  cwd: z.string().min(1).optional().describe('Working directory; relative to the window\'s. ~ and $VAR are expanded.'),
  env: envSchema.optional(),
  focus: z.boolean().optional().describe('Select this pane (one per window; the focused window\'s pane gets the cursor).'),
  size: sizeSchema.optional(),
  onExit: z.enum(['shell', 'close', 'hold']).optional()
    .describe('When the command exits: shell (default: start your shell in the pane), close the pane, or hold it (tmux remain-on-exit).'),
  shellInit: z.boolean().optional().describe('Start the pane\'s shell with picode\'s OSC 133 command marks (see `picode shell-init`).'),
  agent: z.string().min(1).optional()
    .describe('Run a coding agent\'s own CLI in this pane, followed by picode (tmux): claude, codex, gemini, opencode, aider, or a command line.'),
  task: z.string().optional().describe('With `agent`: its first prompt.'),
  worktree: z.boolean().optional().describe('With `agent`: work in a new git worktree (branch picode/agent-N).'),
}).strict();

export type PaneInput = z.input<typeof paneSchema>;

type PaneOutput = z.output<typeof paneSchema>;

/** A split as written (input) and as validated (output: env values converted to strings). */
export interface SplitInput {
  split: 'row' | 'column';
  size?: number | string | undefined;
  panes: Array<string | PaneInput | SplitInput>;
}
export interface SplitFile {
  split: 'row' | 'column';
  size?: number | string | undefined;
  panes: Array<string | PaneOutput | SplitFile>;
}

// A split holds panes or further splits: the schema is recursive, so it is built lazily.
export const splitSchema: z.ZodType<SplitFile, SplitInput> = z.lazy(() => z.object({
  split: z.enum(['row', 'column']).describe('row = side by side (left to right), column = stacked (top to bottom).'),
  size: sizeSchema.optional(),
  panes: z.array(paneEntrySchema).min(1).describe('The panes (or nested splits) of this split, in order.'),
}).strict()) as z.ZodType<SplitFile, SplitInput>;

export const paneEntrySchema: z.ZodType<string | PaneOutput | SplitFile, string | PaneInput | SplitInput> = z.lazy(() =>
  z.union([z.string().min(1), splitSchema, paneSchema]));

export const windowSchema = z.object({
  name: z.string().min(1).optional().describe('Window name.'),
  cwd: z.string().min(1).optional().describe('Working directory of the window\'s panes; relative to the session\'s.'),
  env: envSchema.optional(),
  focus: z.boolean().optional().describe('Select this window when the session starts.'),
  split: z.enum(['row', 'column']).optional().describe('How `panes` are arranged: row (side by side, the default) or column (stacked).'),
  panes: z.array(paneEntrySchema).min(1).optional().describe('The window\'s panes or nested splits.'),
  command: commandSchema.optional().describe('Shorthand for a window with one pane running this command.'),
  layout: z.string().min(1).optional()
    .describe('A tmux layout applied after the panes exist (tiled, even-horizontal, main-vertical...), instead of sizes.'),
  options: optionsSchema.optional(),
  index: z.number().int().min(0).optional()
    .describe('The window\'s tmux index (default: the next free one, from base-index).'),
}).strict();

export const layoutSchema = z.object({
  $schema: z.string().optional().describe('JSON Schema reference, for editors.'),
  name: z.string().superRefine((name, ctx) => {
    const problem = sessionNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; choose another name` });
  }).optional()
    .describe('Session name (default: the layout file\'s name); --session overrides it.'),
  cwd: z.string().min(1).optional().describe('Working directory of the session; relative to where `picode up` runs. ~ and $VAR are expanded.'),
  env: envSchema.optional(),
  before: z.array(z.string().min(1)).optional()
    .describe('Shell commands run (in cwd, with env) before the session is built; a failure aborts the launch.'),
  options: optionsSchema.optional(),
  windows: z.array(windowSchema).min(1).describe('The session\'s windows, in order.'),
}).strict();

export type LayoutInput = z.input<typeof layoutSchema>;
export type LayoutFile = z.output<typeof layoutSchema>;
export type WindowFile = z.output<typeof windowSchema>;
export type PaneFile = z.output<typeof paneSchema>;
