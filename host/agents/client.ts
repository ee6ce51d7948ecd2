import type { IpcCallContext, IpcRegistry } from '../api/hostApi.js';
import { ExitCode, PicodeError } from '../core/errors.js';
import type { HostClient } from '../ipc/client.js';
import type { AgentsRuntime } from './runtime.js';

/**
 * What `picode plan`, `picode agent` and `picode jobs` talk to: the session's host over IPC
 * when one runs, else the same methods in this process over the local store (a CLI run
 * without a host: commands run as child processes in the working directory, no pane tools,
 * and the process stays until its jobs end).
 */
export interface AgentsClient {
  readonly standalone: boolean;
  readonly session: string | undefined;
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  onNotification(method: string, handler: (params: unknown) => void): () => void;
  /** Standalone: resolves when every job this process started has ended. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function openAgentsClient(options: {
  session: string | undefined;
  tmuxSocket: string | undefined;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Refuse to run without a host (commands that only make sense with panes). */
  requireHost?: boolean;
}): Promise<AgentsClient> {
  const env = options.env ?? process.env;
  const { optionalSessionTarget, tmuxSocketFromEnv } = await import('../ipc/target.js');
  const target = await optionalSessionTarget({ session: options.session, tmuxSocket: options.tmuxSocket, env });
  const session = target?.session;
  const tmuxSocket = target?.tmuxSocket ?? options.tmuxSocket ?? tmuxSocketFromEnv(env);
  if (session) {
    const { connectHost } = await import('../ipc/client.js');
    try {
      return hostClient(await connectHost(session, tmuxSocket, { env }), session);
    } catch (error) {
      const unavailable = error instanceof PicodeError && error.exitCode === ExitCode.unavailable;
      if (!unavailable || options.requireHost) throw error;
    }
  } else if (options.requireHost) {
    throw new PicodeError('this needs a running picode host, and no session was named', {
      hint: 'pass --session NAME (see `picode ls`), or run it inside a picode tmux session',
      exitCode: ExitCode.unavailable,
    });
  }
  return localClient(session, options.cwd, env);
}

function hostClient(client: HostClient, session: string): AgentsClient {
  return {
    standalone: false,
    session,
    call: (method, params) => client.call(method, params),
    onNotification: (method, handler) => client.onNotification(method, (params) => handler(params)),
    idle: async () => {},
    close: async () => client.close(),
  };
}

async function localClient(session: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<AgentsClient> {
  const [{ openStore }, { loadConfig }, { buildLlmService }, { standaloneGatePass }, { createAgentsRuntime }, { localEnvironment }, { registerAgentMethods }] = await Promise.all([
    import('../store/db.js'),
    import('../config/load.js'),
    import('../llm/service.js'),
    import('../llm/standaloneGate.js'),
    import('./runtime.js'),
    import('./toolEnvironment.js'),
    import('./extension.js'),
  ]);
  const { standaloneToolGate } = await import('./standaloneGate.js');
  const { config } = await loadConfig({ cwd, env });
  const store = openStore();
  const gate = await standaloneGatePass({ config, cwd, env, store, session });
  const toolGate = await standaloneToolGate({ config, cwd, env, store, session });
  const llm = buildLlmService({ config, env, store, session, gate: gate?.pass });
  const runtime: AgentsRuntime = createAgentsRuntime({
    store,
    session,
    config: { agents: config.agents, plans: config.plans },
    llm: async () => llm,
    environment: (run, root) => localEnvironment(root, `agent:${run.id}`),
    gate: toolGate?.gate,
    env,
  });
  const handlers = new Map<string, Parameters<IpcRegistry['register']>[1]>();
  registerAgentMethods({ register: (method, handler) => { handlers.set(method, handler); } }, runtime);
  const listeners = new Map<string, Set<(params: unknown) => void>>();
  const closing = new AbortController();
  const context: IpcCallContext = {
    signal: closing.signal,
    notify: (method, params) => { for (const l of listeners.get(method) ?? []) l(params); },
  };
  return {
    standalone: true,
    session,
    async call<T>(method: string, params?: unknown): Promise<T> {
      const handler = handlers.get(method);
      if (!handler) throw new PicodeError(`\`${method}\` needs a running picode host`, { hint: 'start the workspace with `picode up`', exitCode: ExitCode.unavailable });
      return (await handler(params, context)) as T;
    },
    onNotification(method, handler) {
      let set = listeners.get(method);
      if (!set) listeners.set(method, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
    idle: () => runtime.jobs.idle(),
    async close() {
      closing.abort();
      await runtime.jobs.stop();
      await gate?.stop();
      await toolGate?.stop();
      store.close();
    },
  };
}
