import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { picodeBin, runPicode, type CliResult } from './cli.js';
import { killTmuxServer } from './tmuxServer.js';

/**
 * One shared harness for tests that run picode the way users do: a "world" is a temporary
 * home, a private tmux server (`tmux -L picode-test-…`) and a hermetic environment, with the
 * CLI run either from outside tmux or from a shell INSIDE a pane of that server whose session
 * has a client attached ($TMUX and $TMUX_PANE set by tmux itself, as in a user's terminal).
 * Inside, every command is checked to leave the caller's session exactly as it was.
 * `dispose` kills only what the world started: its server, its client, the hosts on its socket.
 *
 *   const world = createWorld();
 *   await world.cli(['up', 'dev', '--detach']);           // from outside tmux
 *   const caller = await world.caller();                   // a session with a client attached
 *   await caller.cli(['up', 'dev', '--detach']);           // typed into the caller's shell
 *   await world.dispose();
 */

/** Variables of the caller's environment that would change what picode or tmux do. */
const CALLER_VARIABLES = /^(PICODE_.*|TMUX|TMUX_PANE|TMUX_TMPDIR|ZELLIJ.*|XDG_.*|ENV|BASH_ENV|PROMPT_COMMAND|CDPATH)$/;

/**
 * The process environment without what a user's shell may have set for picode, tmux, Zellij
 * or XDG (so `PICODE_TMUX_SOCKET=x npm test` runs the same tests), plus `pinned`.
 */
export function hermeticEnv(pinned: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!CALLER_VARIABLES.test(key)) env[key] = value;
  return { ...env, ...pinned };
}

export interface CliRunOptions {
  readonly cwd?: string;
  /** Added to the world's environment for this command. */
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export interface World {
  /** The temporary home (HOME; PICODE_HOME is `dir/state`, XDG_CONFIG_HOME `dir/xdg`). */
  readonly dir: string;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `picode ARGS` from outside tmux (cwd: the world's home unless given). */
  cli(args: readonly string[], options?: CliRunOptions): Promise<CliResult>;
  /** Runs tmux on the private server. */
  tmux(...args: string[]): string;
  serverRunning(): boolean;
  /** A session with a client attached and a shell to type picode into (created once). */
  caller(): Promise<Caller>;
  dispose(): Promise<void>;
}

export interface Caller {
  readonly session: string;
  /** The pane picode is typed into. */
  readonly pane: string;
  /**
   * Runs `picode ARGS` from the caller's shell and waits for it to end. Throws when the
   * command changed the caller's session (its windows, panes, names, titles or layout).
   */
  cli(args: readonly string[], options?: CliRunOptions): Promise<CliResult>;
  /** What must not change: the caller session's windows, panes, names, titles and layouts. */
  snapshot(): string;
  /** The session the attached client shows. */
  clientSession(): string;
}

export interface WorldOptions {
  /** Extra environment for everything the world runs (on top of the hermetic one). */
  readonly env?: NodeJS.ProcessEnv;
}

export function createWorld(options: WorldOptions = {}): World {
  const dir = mkdtempSync(join(tmpdir(), 'picode-world-'));
  const socket = `picode-test-${randomBytes(5).toString('hex')}`;
  mkdirSync(join(dir, 'xdg'), { recursive: true });
  const env = hermeticEnv({
    HOME: dir,
    // No rc files run: a slow shell start (pyenv, nvm, conda) cannot make a test fail.
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    PICODE_HOME: join(dir, 'state'),
    XDG_CONFIG_HOME: join(dir, 'xdg'),
    PICODE_TMUX_SOCKET: socket,
    ...options.env,
  });
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  let callerPromise: Promise<Caller> | undefined;
  let client: ChildProcess | undefined;
  let runs = 0;

  const cli = (args: readonly string[], o: CliRunOptions = {}): Promise<CliResult> =>
    runPicode(args, { cwd: o.cwd ?? dir, env: { ...env, ...o.env }, input: o.input, timeoutMs: o.timeoutMs ?? 60_000 });

  const startCaller = async (): Promise<Caller> => {
    const session = 'caller';
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-n', 'caller-window', '/bin/sh');
    // Its name must stay put: only picode could change it.
    tmux('set-option', '-w', '-t', `=${session}:`, 'automatic-rename', 'off');
    tmux('split-window', '-t', `=${session}:`, '-h', '/bin/sh');
    const pane = tmux('display-message', '-p', '-t', `=${session}:.{top-left}`, '#{pane_id}').trim();
    // A terminal attached to it (`script` gives tmux a pty), as a user's would be.
    const clientEnv = { ...env, COLUMNS: '140', LINES: '45' };
    client = spawn('script', ['-qfec', `tmux -L ${socket} attach -t =${session}`, '/dev/null'], { cwd: dir, env: clientEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    await until('the caller\'s client to attach', () => tmux('list-clients', '-F', '#{client_session}').includes(session) || undefined);
    const snapshot = (): string => tmux('list-panes', '-s', '-t', `=${session}`, '-F',
      '#{window_id} #{window_index} #{window_name} #{window_layout} #{pane_id} #{pane_index} #{pane_title} @#{@picode_name}@#{@picode_role}')
      .split('\n').filter(Boolean).sort().join('\n');
    const run = async (args: readonly string[], o: CliRunOptions = {}): Promise<CliResult> => {
      const n = ++runs;
      const base = join(dir, 'inside', String(n));
      mkdirSync(base, { recursive: true });
      if (o.input !== undefined) writeFileSync(join(base, 'in'), o.input);
      const extra = Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${sh(v ?? '')}`);
      const command = [...(extra.length ? ['env', ...extra] : []), ...[process.execPath, picodeBin, ...args].map(sh)];
      writeFileSync(join(base, 'run.sh'), [
        `cd ${sh(o.cwd ?? dir)} || exit 1`,
        `${command.join(' ')} < ${o.input !== undefined ? sh(join(base, 'in')) : '/dev/null'} > ${sh(join(base, 'out'))} 2> ${sh(join(base, 'err'))}`,
        `echo $? > ${sh(join(base, 'code.tmp'))} && mv ${sh(join(base, 'code.tmp'))} ${sh(join(base, 'code'))}`,
        '',
      ].join('\n'));
      const before = snapshot();
      tmux('send-keys', '-t', pane, '-l', `sh ${sh(join(base, 'run.sh'))}`);
      tmux('send-keys', '-t', pane, 'Enter');
      const code = await until(`picode ${args.join(' ')} inside tmux`, () => (existsSync(join(base, 'code')) ? Number(readFileSync(join(base, 'code'), 'utf8')) : undefined), o.timeoutMs ?? 60_000);
      const result = { code, stdout: readFileSync(join(base, 'out'), 'utf8'), stderr: readFileSync(join(base, 'err'), 'utf8') };
      const after = snapshot();
      if (after !== before) {
        throw new Error(`picode ${args.join(' ')} changed the caller's session:\nbefore:\n${before}\nafter:\n${after}\n(stderr: ${result.stderr})`);
      }
      return result;
    };
    return { session, pane, cli: run, snapshot, clientSession: () => tmux('list-clients', '-F', '#{client_session}').trim() };
  };

  return {
    dir, socket, env, cli, tmux,
    serverRunning: () => {
      try {
        tmux('list-sessions');
        return true;
      } catch {
        return false;
      }
    },
    caller: () => (callerPromise ??= startCaller()),
    dispose: async () => {
      client?.kill();
      killTmuxServer(socket, env);
      await stopHostsOf(socket);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Hosts started for this world's socket (by `up`) end with its server; any left are killed. */
async function stopHostsOf(socket: string): Promise<void> {
  const hosts = (): number[] => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((line) => line.includes(' host ') && line.includes('picode.js') && new RegExp(`--tmux-socket ${socket}( |$)`).test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
  const left = await until('the world\'s hosts to exit', () => (hosts().length === 0 ? true : undefined), 10_000).then(() => [], () => hosts());
  for (const pid of left) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

/** Polls until `check` returns a value (not undefined); fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
