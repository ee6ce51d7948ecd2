import { spawn, type ChildProcess } from 'node:child_process';
import { picodeBin } from './cli.js';

/** A `picode host` process a test started, with its stderr (the host log) kept for failure messages. */
export interface HostProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `picode host --session S --tmux-socket SOCKET` in `cwd` as the user's CLI would. */
export function startHostProcess(options: { session: string; socket: string; cwd: string; env: NodeJS.ProcessEnv }): HostProcess {
  const child = spawn(process.execPath, [picodeBin, 'host', '--session', options.session, '--tmux-socket', options.socket], {
    cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** SIGTERM, up to 5 s for a clean stop, then SIGKILL: only the hosts given. */
export async function stopHostProcesses(hosts: readonly HostProcess[]): Promise<void> {
  const running = (h: HostProcess) => h.child.exitCode === null && h.child.signalCode === null;
  for (const h of hosts) if (running(h)) h.child.kill('SIGTERM');
  await Promise.all(hosts.map((h) => Promise.race([h.exited, new Promise((r) => setTimeout(r, 5000))])));
  for (const h of hosts) if (running(h)) h.child.kill('SIGKILL');
}
