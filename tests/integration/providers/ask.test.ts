import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, reply, type FakeLlm } from '../../fixtures/fake-llm/index.js';

/** `picode ask` and `picode usage` as a user runs them: the compiled CLI, a fake provider on 127.0.0.1. */
const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin', 'picode.js');
const secret = 'sk-proj-SECRETKEY0123456789abcdefghij';

let fake: FakeLlm;
let dir: string;

beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => {
  fake.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'picode-ask-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

function writeConfig(extra = ''): void {
  const cfg = join(dir, 'cfg', 'picode');
  mkdirSync(cfg, { recursive: true });
  writeFileSync(join(cfg, 'config.yaml'), [
    'providers:',
    `  openai: { baseUrl: "${fake.openaiBaseUrl}" }`,
    `  anthropic: { baseUrl: "${fake.anthropicBaseUrl}" }`,
    'models: openai:gpt-4.1-mini',
    'failover: { retries: 0 }',
    extra,
  ].join('\n'));
}

interface Run { code: number | null; stdout: string; stderr: string }

function picode(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['TMUX', 'PICODE_SESSION', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL']) delete base[k];
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: { ...base, PICODE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'cfg'), OPENAI_API_KEY: secret, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdin.end();
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function workFile(name: string, text: string): void {
  mkdirSync(join(dir, 'work'), { recursive: true });
  writeFileSync(join(dir, 'work', name), text);
}

describe('picode ask', () => {
  it('streams the answer with the file as context, then sources, tokens and cost', async () => {
    writeConfig();
    workFile('notes.txt', 'The build fails because of a missing semicolon.');
    fake.enqueue(reply.text('It is the semicolon.', { usage: { input: 1000, output: 500 } }));
    const r = await picode(['ask', 'why does the build fail?', '--file', 'notes.txt']);
    expect(r.stderr).toContain('sources: file:notes.txt');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('It is the semicolon.\n');
    // gpt-4.1-mini: $0.40 / $1.60 per million: 1000 * 0.4e-6 + 500 * 1.6e-6 = 0.0012
    expect(r.stderr).toContain('$0.0012');
    expect(r.stderr).toContain('1,000 in / 500 out tokens');
    const sent = JSON.stringify(fake.requests[0]!.body.messages);
    expect(sent).toContain('missing semicolon');
    expect(sent).toContain('why does the build fail?');
    expect(fake.requests[0]!.body.model).toBe('gpt-4.1-mini');
  });

  it('--json prints one document; usage summarises the recorded calls', async () => {
    writeConfig();
    fake.enqueue(reply.text('forty-two', { usage: { input: 2_000_000, output: 1_000_000 } }));
    const r = await picode(['ask', 'meaning?', '--json', '--model', 'openai:gpt-4.1-mini']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { answer: string; model: string; costUsd: number; usage: { input: number } };
    expect(doc.answer).toBe('forty-two');
    expect(doc.model).toBe('openai:gpt-4.1-mini');
    expect(doc.costUsd).toBeCloseTo(2 * 0.4 + 1 * 1.6, 6);

    fake.enqueue(reply.error(400, { message: 'bad model' }));
    const failed = await picode(['ask', 'again?']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('bad-request');

    const u = await picode(['usage', '--json', '--by', 'purpose']);
    expect(u.code).toBe(0);
    const usage = JSON.parse(u.stdout) as { rows: Array<{ key: string; calls: number; failed: number; costUsd: number }>; total: { calls: number } };
    expect(usage.rows).toEqual([expect.objectContaining({ key: 'ask', calls: 2, failed: 1 })]);
    expect(usage.rows[0]!.costUsd).toBeCloseTo(2.4, 6);
    const table = await picode(['usage', '--since', '1h']);
    expect(table.stdout).toContain('openai:gpt-4.1-mini');
    expect(table.stdout).toContain('2.4000');
  });

  it('never writes the key to the database, transcripts or output', async () => {
    writeConfig('transcripts: true');
    workFile('leak.txt', `my key is ${secret}`);
    fake.enqueue(reply.text('ok'));
    const ok = await picode(['ask', 'hi', '--file', 'leak.txt']);
    expect(ok.code).toBe(0);
    fake.enqueue(reply.error(401, { message: `Incorrect API key provided: ${secret}` }));
    const bad = await picode(['ask', 'hi']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('auth');
    // The key reached the provider (that is where it goes) ...
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    // ... and nowhere else.
    for (const out of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) expect(out).not.toContain(secret);
    const state = join(dir, 'state');
    const files = readdirSync(state, { recursive: true }).map(String).filter((f) => existsSync(join(state, f)) && !f.endsWith('/'));
    let scanned = 0;
    for (const f of files) {
      const full = join(state, f);
      try { readdirSync(full); continue; } catch { /* a file */ }
      expect(readFileSync(full).includes(Buffer.from(secret)), f).toBe(false);
      scanned++;
    }
    expect(scanned).toBeGreaterThan(0);
    const u = await picode(['usage', '--json']);
    expect(JSON.parse(u.stdout).total.calls).toBe(2);
  });

  it('approval "always" refuses without a terminal and sends nothing; --yes approves', async () => {
    writeConfig('approval: { approve: always }');
    const r = await picode(['ask', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('denied');
    expect(fake.requests).toHaveLength(0);
    fake.enqueue(reply.text('approved'));
    const y = await picode(['ask', 'hi', '--yes']);
    expect(y.code).toBe(0);
    expect(y.stdout).toContain('approved');
  });

  it('on a terminal, shows exactly what will be sent and sends it only after a yes', async () => {
    writeConfig('approval: { approve: first-time-per-source }');
    workFile('plan.md', 'step one: add the retry cap');
    const { spawn: spawnPty } = await import('node-pty');
    const runOnPty = (answer: string): Promise<{ screen: string; code: number }> => new Promise((done) => {
      const base: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'TMUX' && k !== 'PICODE_SESSION') base[k] = v;
      const term = spawnPty(process.execPath, [bin, 'ask', 'is the plan right?', '--file', 'plan.md'], {
        cols: 200, rows: 50, cwd: join(dir, 'work'),
        env: { ...base, PICODE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'cfg'), OPENAI_API_KEY: secret },
      });
      let screen = '';
      let answered = false;
      term.onData((d) => {
        screen += d;
        if (!answered && screen.includes('[y/N]')) { answered = true; term.write(answer); }
      });
      term.onExit(({ exitCode }) => done({ screen, code: exitCode }));
    });

    const no = await runOnPty('n\r');
    expect(no.screen).toContain('To: openai:gpt-4.1-mini');
    expect(no.screen).toContain('Sources: file:plan.md');
    expect(no.screen).toContain('step one: add the retry cap');
    expect(no.screen).toContain('is the plan right?');
    expect(no.code).toBe(1);
    expect(no.screen).toContain('not approved');
    expect(fake.requests).toHaveLength(0);

    fake.enqueue(reply.text('Yes, it is.'), reply.text('Still yes.'));
    const yes = await runOnPty('y\r');
    expect(yes.code).toBe(0);
    expect(yes.screen).toContain('Yes, it is.');
    expect(fake.requests).toHaveLength(1);
    // first-time-per-source: the same file to the same provider is not asked about again.
    const again = await picode(['ask', 'is the plan right?', '--file', 'plan.md']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Still yes.');
  });

  it('runs llm.request hooks without a host: a blocking hook stops the request, a redacting one rewrites it', async () => {
    writeConfig([
      'hooks:',
      '  - name: no-secrets',
      '    event: llm.request',
      `    command: "grep -q TOPSECRET && { echo 'contains TOPSECRET' >&2; exit 2; } || exit 0"`,
    ].join('\n'));
    const blocked = await picode(['ask', 'what is TOPSECRET?']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('contains TOPSECRET');
    expect(fake.requests).toHaveLength(0);

    writeConfig([
      'hooks:',
      '  - name: redact',
      '    event: llm.request',
      `    command: "echo '{\\"hookSpecificOutput\\":{\\"updatedInput\\":{\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"[redacted question]\\"}]}}}'"`,
    ].join('\n'));
    fake.enqueue(reply.text('fine'));
    const redacted = await picode(['ask', 'what is my password hunter2?']);
    expect(redacted.code).toBe(0);
    const sent = JSON.stringify(fake.requests[0]!.body.messages);
    expect(sent).toContain('[redacted question]');
    expect(sent).not.toContain('hunter2');
  });

  it('fails over to the next provider of the chain and says so', async () => {
    writeConfig('aliases: { smart: ["anthropic:claude-sonnet-4-5", "openai:gpt-4.1-mini"] }');
    fake.enqueue(reply.error(529), reply.text('from openai'));
    const r = await picode(['ask', 'hi', '--model', 'smart'], { ANTHROPIC_API_KEY: 'sk-ant-test-abcdefghijklmnop' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('from openai');
    expect(r.stderr).toContain('overloaded from anthropic:claude-sonnet-4-5');
    expect(fake.requests.map((q) => q.format)).toEqual(['anthropic', 'openai']);
  });

  it('without any provider, says which variable or local server would enable one', async () => {
    const r = await picode(['ask', 'hi'], { OPENAI_API_KEY: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no LLM provider');
    expect(r.stderr).toMatch(/ANTHROPIC_API_KEY.*OPENAI_API_KEY/);
    expect(r.stderr).toMatch(/Ollama|ollama/);
  });
});
