import { z } from 'zod';
import type { EventDefinition } from './index.js';

/**
 * Events of a restarted host about what panes printed while no host ran (issue 13 §4), for
 * the captures that do not keep it themselves (`host.capture: control` and `pipe-pane`; the
 * spool does): read back from tmux's history where it still is, otherwise reported as a gap.
 */
const def = <T extends string, D extends z.ZodType>(type: T, description: string, data: D) =>
  ({ type, description, data, blocking: false as const, source: 'host' }) satisfies EventDefinition;

export const recoveryEvents = [
  def('pane.recovered', 'A restarted host found lines the pane printed while no host ran in tmux\'s history; they follow as `pane.output` from `offset` (as tmux rendered them: plain text, no colours or escapes).', z.object({
    offset: z.number().int().describe('Stream offset where the recovered text begins (where the previous host\'s record ended).'),
    bytes: z.number().int().describe('Bytes of recovered text (UTF-8).'),
    lines: z.number().int().describe('Lines recovered.'),
  })),
  def('pane.gap', 'A restarted host could not find what the pane printed while no host ran (tmux\'s history was cleared, or scrolled past its limit): that output is lost, and reported with its estimated size.', z.object({
    offset: z.number().int().describe('Stream offset where the gap lies (where the previous host\'s record ended); the stream continues there.'),
    estimatedBytes: z.number().int().describe('What the pane shows now that the previous host never recorded, in bytes: a lower bound of what was lost.'),
    reason: z.string().describe('Why nothing could be recovered.'),
  })),
] as const satisfies readonly EventDefinition[];
