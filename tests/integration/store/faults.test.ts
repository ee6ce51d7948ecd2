import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPicode, type CliResult } from '../../support/cli.js';
import { openStore } from '../../../host/store/db.js';
import { hostKey } from '../../../host/core/hostIdentity.js';

/**
 * Issue 13 §6 and §9: a damaged database and a YAML alias bomb give a message naming the file
 * and what to do, never "internal error"; `picode doctor --repair` keeps what can be read;
 * `picode purge` deletes what it is asked to and reclaims the space; `doctor` reports sizes.
 */
let dir: string;
let env: NodeJS.ProcessEnv;
const db = (): string => join(dir, 'state', 'picode.db');
const cli = (args: string[]): Promise<CliResult> => runPicode(args, { cwd: dir, env, timeoutMs: 60_000 });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'picode-faults-'));
  env = { ...process.env, PICODE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), PICODE_TMUX_SOCKET: `picode-none-${process.pid}` };
  for (const k of ['TMUX', 'TMUX_PANE', 'PICODE_SESSION', 'ZELLIJ']) delete env[k];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database with `n` events of session `s`, `old` of them from 2020. */
function seed(n: number, old = 0, session = 's'): void {
  const store = openStore(db());
  const insert = store.db.prepare("INSERT INTO events (host_key, seq, session, type, time, data) VALUES (?, ?, ?, 'user.tick', ?, ?)");
  store.db.transaction(() => {
    for (let i = 1; i <= n; i++) insert.run(hostKey(session, env.PICODE_TMUX_SOCKET), i, session, i <= old ? Date.parse('2020-01-01') : Date.now(), JSON.stringify({ i, pad: 'x'.repeat(200) }));
  })();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}

function expectMessage(r: CliResult, ...parts: string[]): void {
  expect(r.stderr).not.toContain('internal error');
  expect(r.code).not.toBe(0);
  for (const p of parts) expect(r.stderr).toContain(p);
}

describe('a damaged database', () => {
  it('a file that is not a database: a message naming it; doctor --repair starts afresh and keeps the file', async () => {
    mkdirSync(join(dir, 'state'), { recursive: true, mode: 0o700 });
    writeFileSync(db(), Buffer.alloc(8192, 0x5a), { mode: 0o600 });
    expectMessage(await cli(['usage']), `the picode database ${db()} is damaged`, 'picode doctor --repair');
    const repaired = await cli(['doctor', '--repair']);
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('lost: nothing could be read');
    expect(readdirSync(join(dir, 'state')).some((f) => f.startsWith('picode.db.damaged-'))).toBe(true);
    expect((await cli(['usage', '--json'])).code).toBe(0);
  });

  it('a damaged page in the middle: commands say so, doctor finds it, --repair keeps the readable rows', async () => {
    seed(4000);
    const size = statSync(db()).size;
    // Overwrite pages in the middle of the events table's b-tree.
    const fd = openSync(db(), 'r+');
    writeSync(fd, Buffer.alloc(4096 * 3, 0xff), 0, 4096 * 3, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const listing = await cli(['events', '--session', 's', '--since', '0', '--json']);
    expectMessage(listing, 'picode database', 'picode doctor --repair');
    const doctor = await cli(['doctor', '--json']);
    const sqlite = (JSON.parse(doctor.stdout) as Array<{ name: string; status: string; detail: string }>).find((c) => c.name === 'sqlite')!;
    expect(sqlite.status).toBe('missing');
    expect(sqlite.detail).toContain('is damaged');
    const repaired = await cli(['doctor', '--repair', '--json']);
    expect(repaired.code).toBe(0);
    const report = JSON.parse(repaired.stdout) as { copied: Record<string, number>; keptAs: string };
    expect(report.copied.events).toBeGreaterThan(1000);
    expect(report.copied.events).toBeLessThan(4000);
    expect(existsSync(report.keptAs)).toBe(true);
    const after = await cli(['events', '--session', 's', '--since', '0', '--json']);
    expect(after.code).toBe(0);
    expect(after.stdout.trim().split('\n')).toHaveLength(report.copied.events!);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only database: a message naming it and what to do', async () => {
    seed(10);
    const { chmodSync } = await import('node:fs');
    chmodSync(db(), 0o400);
    expectMessage(await cli(['usage']), db());
  });
});

describe('a YAML alias bomb', () => {
  const bomb = (last: string): string => {
    const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
    return `${lines.join('\n')}\n${last}\n`;
  };

  it('in a layout: refused with the file named, not expanded', async () => {
    writeFileSync(join(dir, 'bomb.yaml'), bomb('windows: *a9'));
    expectMessage(await cli(['layout', 'check', join(dir, 'bomb.yaml')]), `${join(dir, 'bomb.yaml')}: its YAML aliases (*name) expand too much`);
  });

  it('in the config: refused with the file named', async () => {
    mkdirSync(join(dir, 'config', 'picode'), { recursive: true });
    writeFileSync(join(dir, 'config', 'picode', 'config.yaml'), bomb('hooks: *a9'));
    expectMessage(await cli(['ls']), `${join(dir, 'config', 'picode', 'config.yaml')}: its YAML aliases (*name) expand too much`);
  });
});

describe('purge and sizes', () => {
  it('deletes by age and by session, then VACUUMs; doctor reports the sizes', async () => {
    seed(3000, 1000, 'a');
    const store = openStore(db());
    store.db.prepare("INSERT INTO events (host_key, seq, session, type, time, data) VALUES ('b', 1, 'b', 'user.tick', ?, '{}')").run(Date.now());
    store.close();
    const doctor = await cli(['doctor', '--json']);
    const sqlite = (JSON.parse(doctor.stdout) as Array<{ name: string; detail: string }>).find((c) => c.name === 'sqlite')!;
    expect(sqlite.detail).toMatch(/MB on disk .*events 3,001/);

    const old = await cli(['purge', '--before', '2021-01-01', '--json']);
    expect(old.code).toBe(0);
    const report = JSON.parse(old.stdout) as { deleted: { events: number }; bytesBefore: number; bytesAfter: number };
    expect(report.deleted.events).toBe(1000);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);

    const a = await cli(['purge', '--session', 'a', '--json']);
    expect((JSON.parse(a.stdout) as { deleted: { events: number } }).deleted.events).toBe(2000);
    const left = openStore(db());
    expect((left.db.prepare('SELECT session, COUNT(*) AS n FROM events GROUP BY session').all())).toEqual([{ session: 'b', n: 1 }]);
    left.close();

    expectMessage(await cli(['purge']), 'purge: say what to delete');
    expectMessage(await cli(['purge', '--before', 'yesterday-ish']), '--before: "yesterday-ish" is not a date or an age');
  });
});
