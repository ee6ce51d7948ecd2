import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZellijRunner } from './exec.js';
import { parseSessionList } from './listings.js';

/**
 * `picode doctor`'s Zellij checks: is Zellij installed, is it recent enough for what the
 * adapter uses (`subscribe`, `list-panes --json`, `write --pane-id`: Zellij 0.45), are we
 * inside a Zellij session (then `mux: auto` picks Zellij), and will session sockets fit.
 */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'missing';
  readonly detail: string;
  readonly fix?: string;
}

/** The oldest Zellij whose CLI has everything the adapter calls. */
export const MIN_ZELLIJ = [0, 45, 0] as const;

export async function doctorChecks(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const runner = new ZellijRunner({ env, binary: env.PICODE_ZELLIJ_BINARY || undefined, timeoutMs: 5000 });
  const checks: DoctorCheck[] = [];
  let version: string | undefined;
  try {
    version = (await runner.run(undefined, ['--version'])).stdout.trim().replace(/^zellij\s+/i, '');
  } catch {
    version = undefined;
  }
  const install = 'install Zellij 0.45 or newer (https://zellij.dev/documentation/installation), or keep using tmux';
  if (version === undefined) {
    checks.push({ name: 'zellij', status: 'missing', detail: `zellij not found on PATH (only needed for \`picode up --mux zellij\`)`, fix: install });
    return checks;
  }
  const parsed = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const tooOld = parsed !== null && compare([Number(parsed[1]), Number(parsed[2]), Number(parsed[3])], MIN_ZELLIJ) < 0;
  checks.push(tooOld
    ? { name: 'zellij', status: 'warn', detail: `zellij ${version}: picode needs ${MIN_ZELLIJ.join('.')} or newer (subscribe, list-panes --json, --pane-id targeting)`, fix: install }
    : { name: 'zellij', status: 'ok', detail: `zellij ${version}${parsed ? '' : ' (version not recognised; assuming recent)'}` });

  if (env.ZELLIJ !== undefined) {
    checks.push({
      name: 'zellij session',
      status: 'ok',
      detail: `inside Zellij session ${env.ZELLIJ_SESSION_NAME ?? '(unnamed)'}: \`mux: auto\` uses Zellij`,
    });
  }

  try {
    const sessions = parseSessionList((await runner.run(undefined, ['list-sessions', '--no-formatting'])).stdout);
    const dead = sessions.filter((s) => s.exited).length;
    checks.push({
      name: 'zellij sessions',
      status: 'ok',
      detail: `${sessions.length - dead} running, ${dead} exited (resurrectable)`,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 1) checks.push({ name: 'zellij sessions', status: 'ok', detail: 'no sessions' });
    else checks.push({ name: 'zellij sessions', status: 'warn', detail: `zellij list-sessions failed: ${(error as Error).message}` });
  }

  // Zellij refuses session names whose socket path would pass the 108-byte Unix limit.
  // zellij-utils consts.rs: $ZELLIJ_SOCKET_DIR, else $XDG_RUNTIME_DIR/zellij, else $TMPDIR/zellij-UID;
  // a contract-version directory (`contract_version_1`) is appended, then the session name.
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const socketDir = env.ZELLIJ_SOCKET_DIR || (env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'zellij') : join(env.TMPDIR || tmpdir(), `zellij-${uid}`));
  const room = 107 - Buffer.byteLength(socketDir) - '/contract_version_1/'.length;
  if (room < 24) {
    checks.push({
      name: 'zellij socket path',
      status: 'warn',
      detail: `Zellij's socket directory ${socketDir} leaves room for session names of about ${Math.max(0, room)} bytes`,
      fix: 'set ZELLIJ_SOCKET_DIR to a short directory (e.g. /tmp/zj) or use short session names (--session NAME)',
    });
  }
  return checks;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! - b[i]!;
  return 0;
}
