import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { InPlaceLaunch } from './service.js';

/** One call to the session's host (a fresh connection each time: the host may have restarted meanwhile). */
export type HostCall = (method: string, params: Record<string, unknown>) => Promise<unknown>;

/**
 * The agent started in place: `picode agent --with KIND --pane self` in a Zellij pane, where
 * the host cannot restart a pane's program, runs the agent's CLI itself, on the pane's
 * terminal, wired as the host said (`launch`). It tells the host the agent's pid (for
 * `agent stop --kill`) and how it ended (done / failed, like tmux's exit status), and ends with
 * the agent's exit status. Ctrl-C in the pane reaches the agent (same process group) and is
 * ignored here; a hang-up or termination of this process is passed on to the agent.
 */
export async function runInPlace(run: number, launch: InPlaceLaunch, call: HostCall): Promise<number> {
  const { token } = launch;
  const child = spawn(launch.argv[0]!, launch.argv.slice(1), { cwd: launch.cwd, env: { ...process.env, ...launch.env }, stdio: 'inherit' });
  const passOn = (signal: NodeJS.Signals) => (): void => { child.kill(signal); };
  const handlers: Array<[NodeJS.Signals, () => void]> = [['SIGINT', () => {}], ['SIGTERM', passOn('SIGTERM')], ['SIGHUP', passOn('SIGHUP')]];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid !== undefined) await call('agent.launched', { run, token, pid: child.pid }).catch(() => undefined);
  const { code, signal, error } = await ended;
  for (const [name, handler] of handlers) process.off(name, handler);
  if (error) process.stderr.write(`picode: could not start ${launch.argv[0]}: ${error.message}\n`);
  const exitCode = error ? 127 : code ?? undefined;
  await call('agent.exited', { run, token, ...(exitCode !== undefined ? { exitCode } : {}), ...(signal ? { signal } : {}) })
    .catch((reason: Error) => process.stderr.write(`picode: could not tell the host that agent run ${run} ended: ${reason.message}\n`));
  // Like a shell: 128 + the signal's number for a killed process.
  return exitCode ?? 128 + (signal ? constants.signals[signal] : 1);
}
