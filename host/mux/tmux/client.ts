import { runTmux } from './exec.js';

/**
 * The tmux client showing the pane picode runs in ($TMUX_PANE), on the server named by
 * $TMUX: the terminal `picode up` switches to the new session, and the size to build at
 * (the client's, minus its status lines; process.stdout is only the caller's pane). Asked by
 * pane id, never through tmux's "current client", which a command run from a pane resolves
 * by guessing. Several clients on that session: the most recently active, as tmux picks.
 * Undefined outside tmux or when no client shows that session.
 */
export interface CallerClient {
  readonly tty: string;
  readonly width: number;
  readonly height: number;
}

export async function callerClient(binary: string, env: NodeJS.ProcessEnv): Promise<CallerClient | undefined> {
  const pane = env.TMUX_PANE;
  if (!env.TMUX || !pane) return undefined;
  try {
    const out = await runTmux({ socket: undefined, binary }, ['list-clients', '-t', pane, '-F', '#{client_activity} #{client_width} #{client_height} #{status} #{client_tty}'], { env });
    const clients = out.split('\n').filter(Boolean).map((line) => {
      const [activity, width, height, status, ...tty] = line.split(' ');
      const statusLines = status === 'off' ? 0 : status === 'on' ? 1 : Number(status) || 1;
      return { activity: Number(activity), tty: tty.join(' '), width: Number(width), height: Number(height) - statusLines };
    }).filter((c) => c.tty && c.width > 0 && c.height > 0);
    const latest = clients.sort((a, b) => b.activity - a.activity)[0];
    return latest && { tty: latest.tty, width: latest.width, height: latest.height };
  } catch {
    return undefined;
  }
}
