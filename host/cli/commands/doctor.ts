import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { databasePath, ensurePrivateDir, stateDir, userLayoutsDir } from '../../core/paths.js';
import { globalOptions } from '../globals.js';

/**
 * `picode doctor [--json]`: what picode needs, what it found, and how to fix what is
 * missing. Other areas contribute checks through `doctorChecks(env)` in their own module
 * (providers, Zellij), imported when they exist.
 */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'missing';
  readonly detail: string;
  readonly fix?: string;
}

/** Checks whose failure means `picode up` cannot work: they decide the exit code. */
const REQUIRED = new Set(['node', 'tmux', 'config', 'state directory', 'sqlite']);

const CONTRIBUTED = ['../../../src/providers/doctor.js', '../../mux/zellij/doctor.js'];

export function define(program: Command): void {
  program
    .command('doctor')
    .description('check the environment: tmux, config, state directory, SQLite, Node, providers, Zellij')
    .option('--json', 'print the checks as a JSON array')
    .option('--repair', 'replace a damaged database by a fresh one with every row that can still be read (the damaged file is kept beside it)')
    .action(async (options: { json?: boolean; repair?: boolean }, command: Command) => {
      const env = process.env;
      if (options.repair) {
        await repair(env, options.json === true);
        return;
      }
      const checks = await runChecks(env, globalOptions(command).tmuxSocket);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      } else {
        const mark = { ok: 'ok  ', warn: 'warn', missing: 'MISS' } as const;
        for (const c of checks) {
          process.stdout.write(`${mark[c.status]}  ${c.name}: ${c.detail}\n`);
          if (c.fix && c.status !== 'ok') process.stdout.write(`      fix: ${c.fix}\n`);
        }
      }
      if (checks.some((c) => c.status === 'missing' && REQUIRED.has(c.name))) process.exitCode = 1;
    });
}

export async function runChecks(env: NodeJS.ProcessEnv, tmuxSocket: string | undefined): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [nodeCheck(), ...caCertsCheck(env)];
  const { config, check } = await configCheck(env);
  checks.push(check);
  checks.push(tmuxCheck(config?.binary ?? 'tmux', tmuxSocket ?? config?.socket, env));
  checks.push(stateCheck(env));
  checks.push(await sqliteCheck(env));
  checks.push(layoutsCheck(env));
  checks.push(pathCheck(env));
  for (const module of CONTRIBUTED) checks.push(...(await contributed(module, env)));
  return checks;
}

function nodeCheck(): DoctorCheck {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return ok ? { name: 'node', status: 'ok', detail: `Node ${process.versions.node}` }
    : { name: 'node', status: 'missing', detail: `Node ${process.versions.node} is too old`, fix: 'install Node 20.19 or newer' };
}

/** NODE_EXTRA_CA_CERTS makes Node parse the bundle at every start: measured, since it can dominate `picode up`. */
function caCertsCheck(env: NodeJS.ProcessEnv): DoctorCheck[] {
  const bundle = env.NODE_EXTRA_CA_CERTS;
  if (!bundle) return [];
  const time = (withBundle: boolean): number => {
    const childEnv = { ...env };
    if (!withBundle) delete childEnv.NODE_EXTRA_CA_CERTS;
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0'], { env: childEnv, stdio: 'ignore' });
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return samples.sort((a, b) => a - b)[1]!;
  };
  const cost = time(true) - time(false);
  return [{
    name: 'NODE_EXTRA_CA_CERTS',
    status: cost > 30 ? 'warn' : 'ok',
    detail: `set (${bundle}); adds about ${Math.max(0, Math.round(cost))} ms to the start of every picode command`,
    fix: 'picode itself makes no TLS calls except to LLM providers; unset it for picode if you do not need it (env -u NODE_EXTRA_CA_CERTS picode up)',
  }];
}

async function configCheck(env: NodeJS.ProcessEnv): Promise<{ config?: { binary: string; socket: string | undefined }; check: DoctorCheck }> {
  try {
    const { loadConfig } = await import('../../config/load.js');
    const loaded = await loadConfig({ cwd: process.cwd(), env });
    return {
      config: { binary: loaded.config.tmux.binary, socket: loaded.config.tmux.socket },
      check: { name: 'config', status: 'ok', detail: `valid; files: ${loaded.files.join(', ')}` },
    };
  } catch (error) {
    const message = error instanceof PicodeError ? error.message : String(error);
    return { check: { name: 'config', status: 'missing', detail: message, fix: error instanceof PicodeError ? error.hint : undefined } };
  }
}

function tmuxCheck(binary: string, socket: string | undefined, env: NodeJS.ProcessEnv): DoctorCheck {
  const out = spawnSync(binary, ['-V'], { encoding: 'utf8', env });
  if (out.error || out.status !== 0) {
    return { name: 'tmux', status: 'missing', detail: `"${binary}" not found`, fix: 'install tmux 3.2 or newer: apt-get install tmux, brew install tmux' };
  }
  const version = out.stdout.trim();
  const m = /(\d+)\.(\d+)/.exec(version);
  const ok = m !== null && (Number(m[1]) > 3 || (Number(m[1]) === 3 && Number(m[2]) >= 2));
  if (!ok) return { name: 'tmux', status: 'missing', detail: `${version} is too old (picode needs 3.2+ for -e and control-mode features)`, fix: 'upgrade tmux to 3.2 or newer' };
  const server = spawnSync(binary, [...(socket ? ['-L', socket] : []), 'list-sessions', '-F', '#{session_name}'], { encoding: 'utf8', env });
  const sessions = server.status === 0 ? server.stdout.split('\n').filter(Boolean).length : 0;
  return { name: 'tmux', status: 'ok', detail: `${version}; server ${socket ? `"${socket}"` : 'default'}: ${server.status === 0 ? `running, ${sessions} session(s)` : 'not running'}` };
}

function stateCheck(env: NodeJS.ProcessEnv): DoctorCheck {
  const dir = stateDir(env);
  try {
    ensurePrivateDir(dir, env);
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok', { mode: 0o600 });
    rmSync(probe);
    return { name: 'state directory', status: 'ok', detail: `${dir} is writable and private (0700)${env.PICODE_HOME ? ' (PICODE_HOME)' : ''}` };
  } catch (error) {
    const hint = error instanceof PicodeError ? error.hint : undefined;
    return { name: 'state directory', status: 'missing', detail: `${dir}: ${(error as Error).message}`, fix: hint ?? 'fix its permissions, or point PICODE_HOME at a writable directory of your own' };
  }
}

async function sqliteCheck(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  try {
    const { openStore } = await import('../../store/db.js');
    const store = openStore(databasePath(env));
    try {
      const row = store.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number };
      const journal = store.db.pragma('journal_mode', { simple: true }) as string;
      const check = store.db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') {
        return { name: 'sqlite', status: 'missing', detail: `${store.path} is damaged: ${check}`, fix: 'picode doctor --repair keeps what can be read in a fresh database (the damaged file is kept beside it)' };
      }
      const { storeSizes } = await import('../../store/retention.js');
      return { name: 'sqlite', status: 'ok', detail: `${store.path}: schema version ${row.v}, journal ${journal}; ${storeSizes(store).summary}` };
    } finally {
      store.close();
    }
  } catch (error) {
    return {
      name: 'sqlite', status: 'missing', detail: (error as Error).message,
      fix: error instanceof PicodeError ? error.hint : 'reinstall picode (npm install) so better-sqlite3 is built for this Node',
    };
  }
}

/** `picode doctor --repair`: refused while a host writes to the database. */
async function repair(env: NodeJS.ProcessEnv, json: boolean): Promise<void> {
  const path = databasePath(env);
  const { liveHostSockets } = await import('../../store/retention.js');
  const live = await liveHostSockets(env);
  if (live.length > 0) {
    throw new PicodeError(`${live.length} picode host(s) are running and write to ${path}: ${live.join(', ')}`, {
      hint: 'stop them first (picode down), then run picode doctor --repair again',
    });
  }
  const { repairDatabase } = await import('../../store/repair.js');
  const report = repairDatabase(path);
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const rows = Object.values(report.copied).reduce((a, b) => a + b, 0);
  process.stdout.write(`repaired ${path}: ${rows.toLocaleString('en-US')} rows kept (${Object.entries(report.copied).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'})\n`);
  for (const p of report.problems) process.stdout.write(`  lost: ${p}\n`);
  process.stdout.write(`the damaged file is kept as ${report.keptAs}\n`);
}

function layoutsCheck(env: NodeJS.ProcessEnv): DoctorCheck {
  const dir = userLayoutsDir(env);
  try {
    accessSync(dir);
    return { name: 'layouts', status: 'ok', detail: `your layouts: ${dir}` };
  } catch {
    return { name: 'layouts', status: 'ok', detail: `no folder for your own layouts yet (${dir}); the shipped ones are available` };
  }
}

/**
 * Whether `picode` runs from any directory: the first `picode` on PATH, and whether it is this
 * installation. The docs' examples assume it is.
 */
export function pathCheck(env: NodeJS.ProcessEnv): DoctorCheck {
  const self = realpathOrSelf(resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'bin', 'picode.js'));
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'picode');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const target = realpathOrSelf(candidate);
    return target === self
      ? { name: 'picode on PATH', status: 'ok', detail: `${candidate} (this installation)` }
      : { name: 'picode on PATH', status: 'warn', detail: `${candidate} is another picode (${target}), not this one (${self})`, fix: `run \`npm link\` in ${resolve(self, '..', '..')} to put this one on PATH instead` };
  }
  const npm = spawnSync('npm', ['prefix', '-g'], { env, encoding: 'utf8', timeout: 10_000 });
  const globalBin = npm.status === 0 && npm.stdout.trim() ? join(npm.stdout.trim(), 'bin') : undefined;
  return {
    name: 'picode on PATH', status: 'warn', detail: 'no `picode` on PATH: the docs\' examples (picode up, picode run...) need it; `npx picode` works only inside the clone',
    fix: `run \`npm link\` in ${resolve(self, '..', '..')}${globalBin ? `, and make sure ${globalBin} is on PATH` : ''}`,
  };
}

function realpathOrSelf(path: string): string {
  try { return realpathSync(path); } catch { return path; }
}

/** Checks another area contributes; skipped (with a note) when its module is not built in. */
async function contributed(module: string, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  let mod: { doctorChecks?: (env: NodeJS.ProcessEnv) => Promise<DoctorCheck[]> };
  try {
    mod = (await import(module)) as typeof mod;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(module.split('/').pop()!)) return [];
    return [{ name: module.replace(/^(\.\.\/)+/, ''), status: 'warn', detail: `could not run its checks: ${(error as Error).message}` }];
  }
  if (typeof mod.doctorChecks !== 'function') return [];
  try {
    return await mod.doctorChecks(env);
  } catch (error) {
    return [{ name: module.replace(/^(\.\.\/)+/, ''), status: 'warn', detail: `its checks failed: ${(error as Error).message}` }];
  }
}
