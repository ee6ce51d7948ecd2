import { runTmux } from './exec.js';

/**
 * The size a session will be shown at when picode runs inside tmux and switches the current
 * client to it: the client's size minus its status lines. (process.stdout is then only the
 * pane picode runs in, smaller than the client.) Asks the server named by $TMUX, which is
 * the one the client is attached to. Undefined when it cannot tell.
 */
export async function currentClientSize(binary: string, env: NodeJS.ProcessEnv): Promise<{ width: number; height: number } | undefined> {
  try {
    const out = await runTmux({ socket: undefined, binary }, ['display-message', '-p', '#{client_width} #{client_height} #{status}'], { env });
    const [width, height, status] = out.trim().split(' ');
    const statusLines = status === 'off' ? 0 : status === 'on' ? 1 : Number(status) || 1;
    const w = Number(width);
    const h = Number(height) - statusLines;
    return w > 0 && h > 0 ? { width: w, height: h } : undefined;
  } catch {
    return undefined;
  }
}
