import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { picodeBin, runPicode } from '../../support/cli.js';

/** `picode doctor` says whether `picode` is on PATH, and how to put it there (README: `npm link`). */
describe('doctor: picode on PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'picode-path-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const doctor = async (path: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, PICODE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') };
    for (const k of ['TMUX', 'TMUX_PANE', 'PICODE_SESSION', 'PICODE_TMUX_SOCKET']) delete env[k];
    const r = await runPicode(['doctor', '--json'], { cwd: dir, env, timeoutMs: 60_000 });
    return (JSON.parse(r.stdout) as Array<{ name: string; status: string; detail: string; fix?: string }>).find((c) => c.name === 'picode on PATH')!;
  };
  const system = [dirname(process.execPath), '/usr/bin', '/bin'].join(':');

  it('warns when picode is not on PATH, naming npm link', async () => {
    const check = await doctor(system);
    expect(check.status).toBe('warn');
    expect(check.fix).toContain('npm link');
  });

  it('is ok when PATH has this installation (a link, as npm link makes)', async () => {
    const bin = join(dir, 'bin');
    await import('node:fs').then((fs) => fs.mkdirSync(bin));
    symlinkSync(picodeBin, join(bin, 'picode'));
    const check = await doctor(`${bin}:${system}`);
    expect(check).toMatchObject({ status: 'ok' });
    expect(check.detail).toContain('this installation');
  });
});
