import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Two hosts (or a host and a CLI command) often open a fresh store at the same moment: each
 * must find the schema complete, and no migration may be applied twice ("duplicate column",
 * "table already exists", a UNIQUE failure in schema_migrations).
 */
const dbModule = pathToFileURL(join(resolve(__dirname, '..', '..', '..'), 'dist', 'host', 'store', 'db.js')).href;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function openInChild(path: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const script = `const m = await import(${JSON.stringify(dbModule)}); const s = m.openStore(${JSON.stringify(path)}); `
      + `const v = s.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get().n; s.close(); process.stdout.write(String(v));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('opening a fresh store from several processes at once', () => {
  it('applies every migration exactly once, and every process opens it', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'picode-store-race-'));
      dirs.push(dir);
      const path = join(dir, 'picode.db');
      const results = await Promise.all([0, 1, 2, 3].map(() => openInChild(path)));
      for (const r of results) expect(r.stderr, r.stderr).toBe('');
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    }
  }, 120_000);
});
