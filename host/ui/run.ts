import type { HostClient } from '../ipc/client.js';
import type { LinkState } from './link.js';
import { linkToHost } from './link.js';
import { createTerminal, type Terminal } from './terminal.js';
import type { View, ViewContext } from './view.js';

/**
 * Runs a view in the terminal until the person quits: connects (and reconnects) to the
 * host, redraws on notifications, resizes and keys. A 1 s timer runs only while the view
 * shows something that changes with time, so an idle view costs nothing.
 */
export async function runView(view: View, options: { connect: () => Promise<HostClient>; terminal?: Terminal }): Promise<void> {
  const terminal = options.terminal ?? createTerminal({ title: view.title() });
  let link: { state: LinkState; detail: string | undefined } = { state: 'connecting', detail: undefined };
  let flash: string | undefined;
  let tick: NodeJS.Timeout | undefined;
  let lastTitle = '';
  let lastAttention: string | undefined;

  const redraw = () => {
    const content = view.render({ width: terminal.width, bodyHeight: terminal.bodyHeight }, link);
    terminal.show(flash ? { ...content, footer: flash } : content);
    const title = view.title();
    if (title !== lastTitle) {
      lastTitle = title;
      terminal.setTitle(title);
    }
    const attention = view.attention?.();
    if (attention !== undefined && attention !== lastAttention) terminal.bell();
    lastAttention = attention;
    const wantsTick = view.ticking?.() ?? false;
    if (wantsTick && !tick) tick = setInterval(redraw, 1000);
    else if (!wantsTick && tick) { clearInterval(tick); tick = undefined; }
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const hostLink = linkToHost({
    connect: options.connect,
    onConnect: async (client) => {
      await announcePane(client, view.name);
      await view.subscribe(client, redraw);
      redraw();
    },
    onState: (state, detail) => { link = { state, detail }; redraw(); },
  });
  const context: ViewContext = {
    link: hostLink,
    terminal,
    redraw,
    flash: (message) => { flash = message; redraw(); },
    quit: () => resolveDone(),
  };
  for (const binding of view.keys) {
    terminal.onKey(binding.keys, () => {
      flash = undefined;
      Promise.resolve(binding.run(context)).catch((error: Error) => context.flash(`error: ${error.message}`)).finally(redraw);
    });
  }
  terminal.onKey(['q', 'C-c'], () => resolveDone());
  terminal.onResize(redraw);
  redraw();
  await done;
  if (tick) clearInterval(tick);
  hostLink.stop();
  terminal.destroy();
}

/**
 * Tells the host which pane this view runs in, so it never types into it and does not treat
 * its redraws as pane output (tmux panes carry their role already; Zellij's do not). A host
 * that does not know the method is fine: the view works without it.
 */
async function announcePane(client: HostClient, role: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const pane = env.TMUX_PANE ?? (env.ZELLIJ_PANE_ID ? `terminal_${env.ZELLIJ_PANE_ID}` : undefined);
  if (!pane) return;
  await client.call('panes.view', { pane, role }).catch(() => undefined);
}
