import { basename } from 'node:path';

/**
 * The private tmux server (`-L NAME`) this process runs under, from $TMUX
 * (`/tmp/tmux-UID/NAME,PID,INDEX`). A pane view started by a layout on a private server
 * (`picode up --tmux-socket X`) then finds its host without being told; the default server
 * (`default`) needs no name.
 */
export function tmuxSocketFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.TMUX;
  if (!value) return undefined;
  const path = value.split(',')[0];
  if (!path) return undefined;
  const name = basename(path);
  return name && name !== 'default' ? name : undefined;
}
