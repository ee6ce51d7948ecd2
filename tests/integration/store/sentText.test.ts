import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, events, hostReady, newSession, until, type World } from '../host/helpers.js';

/**
 * Issue 13 §9: text sent to panes (send, run, pane.send.before events) is stored after the
 * same redaction as LLM requests; `picode send --secret` types the text but stores only its
 * length. The pane itself gets the text as it was.
 */
const token = 'ghp_' + 'Z1y2X3w4V5u6T7s8R9q0P1o2N3m4L5k6J7i8';
const password = 'correct-horse-battery-staple-42';
let world: World;
let pane: string;

beforeAll(async () => {
  world = createWorld();
  pane = newSession(world, 'sent');
  world.startHost('sent');
  await hostReady(world, 'sent');
});
afterAll(async () => { await world?.dispose(); });

/** Every byte picode stored: the database, its WAL and the logs. */
function stored(): Buffer {
  const state = world.env.PICODE_HOME!;
  return Buffer.concat(readdirSync(state).filter((f) => f.startsWith('picode.db')).map((f) => readFileSync(join(state, f))));
}

describe('text sent to panes', () => {
  it('send: the pane gets the token, the store only [REDACTED:github-token]', async () => {
    const r = await world.cli(['send', '--session', 'sent', pane, `export GH=${token}`, '--enter']);
    expect(r.code).toBe(0);
    await until('the text in the pane', () => (world.tmux('capture-pane', '-p', '-t', pane).includes(token) ? true : undefined));
    const sends = await until('the stored send', async () => {
      const list = (await events(world, 'sent', ['--type', 'pane.send.before'])).filter((e) => String(e.data.text).startsWith('export GH='));
      return list.length ? list : undefined;
    });
    expect(sends[0]!.data.text).toBe('export GH=[REDACTED:github-token]');
  });

  it('send --secret: typed, and stored as its length only', async () => {
    // A password prompt that does not echo, as a real one would be.
    expect((await world.cli(['send', '--session', 'sent', pane, 'read -rs PW; echo "got ${#PW}"', '--enter'])).code).toBe(0);
    const r = await world.cli(['send', '--session', 'sent', '--secret', pane, password, '--enter']);
    expect(r.code).toBe(0);
    await until('the password read', () => (world.tmux('capture-pane', '-p', '-t', pane).includes(`got ${password.length}`) ? true : undefined));
    const secret = await until('the stored secret send', async () => {
      const list = (await events(world, 'sent', ['--type', 'pane.send.before'])).filter((e) => e.data.secret === true);
      return list.length ? list[0] : undefined;
    });
    expect(secret.data.text).toBe(`[secret: ${password.length} characters, not stored]`);
  });

  it('run: the command is stored redacted', async () => {
    const r = await world.cli(['run', '--session', 'sent', pane, `echo ${token} >/dev/null`]);
    expect(r.code).toBe(0);
    await until('stored', async () => ((await events(world, 'sent', ['--type', 'pane.send.before'])).some((e) => String(e.data.text).includes('echo [REDACTED:github-token]')) ? true : undefined));
  });

  it('nothing the store holds contains the token or the password', async () => {
    await events(world, 'sent'); // flushed
    const bytes = stored();
    expect(bytes.includes(password)).toBe(false);
    // The token appears in the pane's own output (the output log keeps what the terminal showed),
    // but in no event the host recorded for a send.
    const sends = (await events(world, 'sent', ['--type', 'pane.send.before'])).map((e) => JSON.stringify(e.data)).join('\n');
    expect(sends).not.toContain(token);
  });
});
