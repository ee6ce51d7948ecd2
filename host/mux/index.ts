import { PicodeError } from '../core/errors.js';
import type { Multiplexer } from './types.js';

/**
 * Picks the multiplexer: `auto` = Zellij when running inside Zellij ($ZELLIJ is set), tmux
 * otherwise. Each adapter is imported only when chosen.
 */
export interface ResolveMuxOptions {
  readonly kind: 'auto' | 'tmux' | 'zellij';
  readonly tmuxSocket?: string | undefined;
  /** tmux executable (config tmux.binary). */
  readonly tmuxBinary?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function resolveMux(options: ResolveMuxOptions): Promise<Multiplexer> {
  const env = options.env ?? process.env;
  const kind = options.kind === 'auto' ? (env.ZELLIJ !== undefined && !options.tmuxSocket ? 'zellij' : 'tmux') : options.kind;
  if (kind === 'zellij') {
    let mod: typeof import('./zellij/zellij.js');
    try {
      mod = await import('./zellij/zellij.js');
    } catch (error) {
      throw new PicodeError(`the Zellij adapter could not be loaded: ${(error as Error).message}`, {
        hint: 'set `mux: tmux` in your picode config, or run picode outside Zellij',
        cause: error,
      });
    }
    return new mod.ZellijMux({ env });
  }
  const { TmuxMux } = await import('./tmux/tmux.js');
  return new TmuxMux({ socket: options.tmuxSocket, binary: options.tmuxBinary, env });
}
