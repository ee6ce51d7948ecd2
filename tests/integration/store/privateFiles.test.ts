import { spawn } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, createWorld, hostReady, until, type World } from '../host/helpers.js';
import type { CliResult } from '../../support/cli.js';

/**
 * Issue 13 §2: everything picode writes under its state directory (database, -wal, -shm,
 * logs, sockets, caches, transpiled plugins, shell init files) is 0600/0700 whatever the
 * umask; an existing state directory with looser modes is tightened; one that belongs to
 * another user is refused with a message.
 */
let world: World;
let state: string;

/** Runs picode under `umask 000`, the loosest a user could have. */
function picodeUmask000(args: string[], env: NodeJS.ProcessEnv = world.env): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, bin, ...args], { cwd: world.home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every path under `dir` whose mode is not 0700 (directories) or 0600 (anything else). */
function looseModes(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) continue;
      const mode = st.mode & 0o777;
      if (st.isDirectory()) {
        if (mode !== 0o700) out.push(`${p} ${mode.toString(8)}`);
        walk(p);
      } else if (mode !== 0o600) {
        out.push(`${p} ${mode.toString(8)}`);
      }
    }
  };
  const top = statSync(dir).mode & 0o777;
  if (top !== 0o700) out.push(`${dir} ${top.toString(8)}`);
  walk(dir);
  return out;
}

beforeAll(() => {
  world = createWorld();
  delete world.env.PICODE_HOST_NO_EXTENSIONS; // the host transpiles the shipped plugins into the cache
  state = world.env.PICODE_HOME!;
  // A state directory made by hand, readable by everyone, with a world-readable database in it.
  mkdirSync(state, { recursive: true });
  chmodSync(state, 0o755);
  writeFileSync(join(world.home, 'priv.yaml'), `name: priv\ncwd: ${world.home}\nwindows:\n  - name: main\n    panes:\n      - { name: shell, shellInit: true }\n`);
});

afterAll(async () => { await world?.dispose(); });

describe('private state', () => {
  it('up, the host, its log, socket, database and plugin cache: 0700 directories and 0600 files under umask 000', async () => {
    const up = await picodeUmask000(['up', join(world.home, 'priv.yaml'), '--detach']);
    expect(up.stderr).not.toContain('internal error');
    expect(up.code).toBe(0);
    await hostReady(world, 'priv');
    // The host loads the shipped plugins (the transpile cache) and writes the WAL meanwhile.
    await until('the plugin cache', () => (readdirSync(join(state, 'cache')).includes('plugins') ? true : undefined), 60_000);
    const events = await picodeUmask000(['events', '--session', 'priv', '--since', '0', '--json']);
    expect(events.code).toBe(0);
    const files = readdirSync(state);
    expect(files).toEqual(expect.arrayContaining(['picode.db', 'picode.db-wal', 'picode.db-shm', 'logs', 'run', 'cache']));
    expect(looseModes(state)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a state directory that belongs to another user, naming it', async () => {
    const foreign = join(world.home, 'foreign');
    mkdirSync(foreign, { mode: 0o777 });
    chmodSync(foreign, 0o777);
    chownSync(foreign, 65534, 65534);
    const r = await picodeUmask000(['usage'], { ...world.env, PICODE_HOME: foreign });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${foreign} belongs to another user (uid 65534`);
    expect(r.stderr).toContain('PICODE_HOME');
    expect(r.stderr).not.toContain('internal error');
  });
});
