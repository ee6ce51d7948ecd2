import { z } from 'zod';

/** Workspace launch: which multiplexer, which layout, tmux settings. */
export const foundationSection = {
  mux: z.enum(['auto', 'tmux', 'zellij']).default('auto')
    .describe('Multiplexer to use; `auto` picks Zellij inside Zellij ($ZELLIJ), else tmux.'),
  layout: z.string().min(1).default('default')
    .describe('Layout `picode up` launches when none is named: a name from layouts/ or a path.'),
  tmux: z.object({
    binary: z.string().min(1).default('tmux').describe('tmux executable.'),
    socket: z.string().min(1).optional()
      .describe('Private tmux server name (tmux -L); --tmux-socket and PICODE_TMUX_SOCKET override it.'),
  }).strict().default({ binary: 'tmux' }),
};
