import type { Command } from 'commander';

/** Options that every command accepts (defined once on the program). */
export interface GlobalOptions {
  /** Private tmux server name (`tmux -L NAME`), from --tmux-socket or PICODE_TMUX_SOCKET. */
  readonly tmuxSocket: string | undefined;
}

export function globalOptions(command: Command, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const opts = command.optsWithGlobals() as { tmuxSocket?: string };
  const tmuxSocket = opts.tmuxSocket ?? (env.PICODE_TMUX_SOCKET || undefined);
  return { tmuxSocket };
}
