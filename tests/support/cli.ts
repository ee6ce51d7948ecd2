import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const picodeBin = join(resolve(__dirname, '..', '..'), 'bin', 'picode.js');

export interface CliResult { readonly code: number | null; readonly stdout: string; readonly stderr: string }

export interface CliOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Written to the command's standard input, then closed (nothing: closed at once). */
  readonly input?: string;
  /** Killed (SIGKILL) after this long; no limit when absent. */
  readonly timeoutMs?: number;
}

/** Runs `picode ARGS...` as a user does: bin/picode.js in a child process. */
export function runPicode(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [picodeBin, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
    child.stdin.end(options.input ?? '');
  });
}
