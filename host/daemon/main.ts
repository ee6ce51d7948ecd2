import { basename, dirname, join } from 'node:path';
import { databasePath, ensurePrivateDir, stateDir } from '../core/paths.js';
import type { HostLogger } from '../api/hostApi.js';
import { createLogger } from './logger.js';
import { hostSocketFor } from '../ipc/address.js';
import type { PaneDriver } from './driver.js';
import { bootPluginWorkerEarly } from '../plugins/host/workerPool.js';
import { takeReadySignal } from './spawn.js';

/**
 * Runs a session's host until it stops (the process behind `picode host`). Exit 0 when the
 * session or the tmux server ended or the host was stopped; a PicodeError (another host
 * holds the lock, no such session) is thrown to the CLI before anything was attached.
 */
export interface RunHostOptions {
  readonly session: string;
  readonly tmuxSocket: string | undefined;
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: HostLogger;
}

export async function runHost(options: RunHostOptions): Promise<number> {
  const env = options.env ?? process.env;
  const signalReady = takeReadySignal(env);
  const log = options.log ?? createLogger();
  const extensions = env.PICODE_HOST_NO_EXTENSIONS !== '1';
  // Node is slow to start a thread (docs/benchmarks.md, "plugins"): the first plugin's worker
  // boots while the host starts.
  if (extensions) bootPluginWorkerEarly();
  const [{ loadConfig }, { openStore }, { Host }, { extensionModules }] = await Promise.all([
    import('../config/load.js'), import('../store/db.js'), import('./host.js'), import('./extensions.js'),
  ]);
  const { config, files } = await loadConfig({ cwd: options.cwd, env });
  const store = openStore(databasePath(env));
  try {
    // The spool capture asks for the host's offsets; the host exists once the driver does.
    let panesOf: (() => Array<{ id: string; offset: number }>) | undefined;
    const { driver, muxKind } = await createDriver(options, store.db, config, env, log, (pane) => panesOf?.().find((p) => p.id === pane)?.offset);
    const host = new Host({
      session: options.session, tmuxSocket: options.tmuxSocket, config, store, driver, log, env, muxKind,
      extensions: extensions ? extensionModules : [],
      loadConfig: () => loadConfig({ cwd: options.cwd, env }),
    });
    panesOf = () => host.paneStates();
    // Watching starts first: an edit made while the extensions start is not missed (they read
    // the config when they start, and those already started are reconfigured).
    const { watchConfig } = await import('./configWatch.js');
    const watcher = await watchConfig(host, files, log);
    try {
      await host.start();
    } catch (error) {
      await watcher.close();
      throw error;
    }
    signalReady();
    const onSignal = (signal: NodeJS.Signals): void => void host.stop(`signal ${signal}`);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onSignal);
    try {
      const exit = await host.done;
      return exit.exitCode;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onSignal);
      await watcher.close();
    }
  } finally {
    store.close();
  }
}

/**
 * tmux sessions are observed through the control-mode driver (observer and commands on one
 * connection); Zellij sessions through the Zellij adapter (its observer and its commands).
 */
async function createDriver(
  options: RunHostOptions,
  db: import('../store/db.js').Database,
  config: import('../config/schema.js').PicodeConfig,
  env: NodeJS.ProcessEnv,
  log: HostLogger,
  currentOffset: (pane: string) => number | undefined,
): Promise<{ driver: PaneDriver; muxKind: 'tmux' | 'zellij' }> {
  const row = db.prepare('SELECT mux FROM sessions WHERE server = ? AND name = ? AND stopped_at IS NULL').get(options.tmuxSocket ?? '', options.session) as { mux: string } | undefined;
  const [{ tmuxDriver, muxDriver }, { resumeOffset }, { hostKey }] = await Promise.all([
    import('./driver.js'), import('../store/outputLog.js'), import('../core/hostIdentity.js'),
  ]);
  // A session `picode up` recorded says which multiplexer it is; otherwise the config does
  // (`mux: zellij`, or `auto` inside Zellij), as for `picode up`.
  const zellij = row ? row.mux === 'zellij' : config.mux === 'zellij' || (config.mux === 'auto' && env.ZELLIJ !== undefined);
  if (zellij && !options.tmuxSocket) {
    const { resolveMux } = await import('../mux/index.js');
    return { driver: muxDriver(await resolveMux({ kind: 'zellij', env }), options.session), muxKind: 'zellij' };
  }
  // The session's run files sit beside its socket; the control client's pid is recorded there
  // at the attach, before the socket (which would otherwise create the directory) is opened.
  const socket = hostSocketFor(options.session, options.tmuxSocket, env);
  ensurePrivateDir(dirname(socket), env);
  return {
    driver: tmuxDriver({
      session: options.session, socket: options.tmuxSocket ?? config.tmux.socket, tmuxBinary: config.tmux.binary,
      pauseAfterSeconds: config.host.pauseAfterSeconds, env,
      capture: config.host.capture,
      fifoDir: socket.replace(/\.sock$/, '.pipes'),
      clientPidFile: socket.replace(/\.sock$/, '.control-pid'),
      spoolDir: spoolDirFor(options.session, options.tmuxSocket, env),
      spool: { segmentBytes: config.host.spool.segmentBytes, maxSegments: Math.max(2, Math.floor(config.host.spool.maxBytesPerPane / config.host.spool.segmentBytes)) },
      resumeOffset: (pane) => resumeOffset(db, hostKey(options.session, options.tmuxSocket), pane),
      currentOffset,
      warn: (message) => log.warn(message),
    }),
    muxKind: 'tmux',
  };
}

/** A session's spools (0700), under the state directory: `spool/<host socket name>/`. */
export function spoolDirFor(session: string, tmuxSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'spool', basename(hostSocketFor(session, tmuxSocket, env)).replace(/\.sock$/, ''));
}
