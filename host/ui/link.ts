import type { HostClient } from '../ipc/client.js';

export type LinkState = 'connecting' | 'connected' | 'disconnected';

export interface HostLink {
  /** Calls a method on the current connection; rejects when the host is away. */
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  readonly state: LinkState;
  stop(): void;
}

/**
 * Keeps a pane view connected to its host across host restarts: connect, let the view
 * subscribe (its `*.watch` call returns a fresh snapshot, so nothing missed while away is
 * lost), wait for the connection to end, and try again with a capped backoff. The view
 * shows the link state instead of dying when the host goes away.
 */
export function linkToHost(options: {
  connect: () => Promise<HostClient>;
  onConnect: (client: HostClient) => Promise<void>;
  onState: (state: LinkState, detail?: string) => void;
}): HostLink {
  let client: HostClient | undefined;
  let state: LinkState = 'connecting';
  let stopped = false;
  let wake: (() => void) | undefined;

  const setState = (next: LinkState, detail?: string) => {
    state = next;
    options.onState(next, detail);
  };

  const loop = async () => {
    let delay = 200;
    while (!stopped) {
      try {
        client = await options.connect();
        if (stopped) { client.close(); return; }
        delay = 200;
        setState('connected');
        await options.onConnect(client);
        await client.closed;
      } catch (error) {
        if (stopped) return;
        setState('disconnected', (error as Error).message);
      }
      client = undefined;
      if (stopped) return;
      if (state === 'connected') setState('disconnected', 'the host went away');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = undefined;
      delay = Math.min(2000, delay * 2);
      if (!stopped) setState('connecting');
    }
  };
  void loop();

  return {
    get state() { return state; },
    call<T>(method: string, params?: unknown): Promise<T> {
      if (!client) return Promise.reject(new Error('not connected to the host (reconnecting)'));
      return client.call<T>(method, params);
    },
    stop() {
      stopped = true;
      client?.close();
      wake?.();
    },
  };
}
