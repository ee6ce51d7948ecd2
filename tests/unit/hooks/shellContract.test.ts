import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HookEngine } from '../../../host/hooks/engine.js';
import { fakeServices, hooks, limits, makeEvent } from './fakes.js';

const fixtures = join(import.meta.dirname, '../../fixtures/hooks');
const blocking = new Set(['agent.tool.before', 'pane.send.before', 'llm.request']);

function engine(config: unknown[], overrides = {}) {
  const services = fakeServices();
  const rows: Array<Record<string, unknown>> = [];
  const e = new HookEngine({
    hooks: hooks(...config), limits: limits(overrides), services, blockingTypes: blocking,
    runLog: { record: (r) => rows.push(r as unknown as Record<string, unknown>) },
  });
  return { e, services, rows };
}

const toolCall = (command: string) => makeEvent('agent.tool.before', { tool: 'Bash', input: { command } });

describe('shell hooks: the Claude Code contract', () => {
  it('runs a hook written for Claude Code unchanged (stdin tool_input, exit 2 blocks with stderr)', async () => {
    const { e, rows } = engine([{ event: 'agent.tool.before', matcher: 'Bash', command: join(fixtures, 'block-rm.sh') }]);
    const denied = await e.decide(toolCall('rm -rf build'));
    expect(denied).toMatchObject({ decision: 'deny', reason: 'agent.tool.before#0: Blocked: rm commands are not allowed' });
    expect(await e.decide(toolCall('ls'))).toBeUndefined();
    expect(rows.map((r) => r.outcome)).toEqual(['blocked', 'ok']);
    expect(rows[0]).toMatchObject({ decision: 'deny', exitCode: 2, action: 'command' });
  });

  it('reads a permissionDecision from JSON on stdout (exit 0)', async () => {
    const { e } = engine([{ event: 'agent.tool.before', command: join(fixtures, 'json-deny.sh') }]);
    expect(await e.decide(toolCall('git push'))).toMatchObject({ decision: 'deny', reason: 'agent.tool.before#0: not on main' });
  });

  const jsonCases: Array<[string, object, object | undefined]> = [
    ['decision block', { decision: 'block', reason: 'nope' }, { decision: 'deny', reason: 'h: nope' }],
    ['continue false', { continue: false, stopReason: 'stop now' }, { decision: 'deny', reason: 'h: stop now' }],
    ['ask', { hookSpecificOutput: { permissionDecision: 'ask', permissionDecisionReason: 'sure?' } }, { decision: 'ask', reason: 'h: sure?' }],
    ['allow with context', { hookSpecificOutput: { permissionDecision: 'allow', additionalContext: 'ctx' } }, { decision: 'allow', additionalContext: 'ctx' }],
    ['approve (legacy)', { decision: 'approve' }, { decision: 'allow' }],
    ['updatedInput', { hookSpecificOutput: { permissionDecision: 'allow', updatedInput: { command: 'ls -la' } } },
      { decision: 'allow', data: { tool: 'Bash', input: { command: 'ls -la' } } }],
    ['picode updatedData', { updatedData: { text: 'safe' } }, { decision: 'allow', data: { tool: 'Bash', input: { command: 'x' }, text: 'safe' } }],
    ['empty object', {}, undefined],
  ];
  it.each(jsonCases)('JSON output: %s', async (_, output, expected) => {
    const { e } = engine([{ name: 'h', event: 'agent.tool.before', command: `cat >/dev/null; printf '%s' '${JSON.stringify(output)}'` }]);
    const out = await e.decide(toolCall('x'));
    if (expected === undefined) expect(out).toBeUndefined();
    else expect(out).toMatchObject(expected);
  });

  it('maps updatedInput onto the tool arguments of agent.tool.before, and onto the data of llm.request', async () => {
    const { e } = engine([{ name: 'h', event: 'agent.tool.before|llm.request', command: `cat >/dev/null; echo '{"hookSpecificOutput":{"updatedInput":{"messages":[{"role":"user","content":"[REDACTED]"}]}}}'` }]);
    const tool = await e.decide(makeEvent('agent.tool.before', { tool: 'run_command', args: { command: 'x' }, run: 1 }));
    expect(tool!.data).toEqual({ tool: 'run_command', args: { messages: [{ role: 'user', content: '[REDACTED]' }] }, run: 1 });
    const llm = await e.decide(makeEvent('llm.request', { requestId: 'r', messages: [{ role: 'user', content: 'key sk-123' }], tools: [] }));
    expect(llm!.data).toEqual({ requestId: 'r', messages: [{ role: 'user', content: '[REDACTED]' }], tools: [] });
  });

  it('ignores JSON on stdout when the hook exits 2 (stderr is the reason)', async () => {
    const { e } = engine([{ name: 'h', event: 'agent.tool.before', command: `echo '{"decision":"approve"}'; echo because >&2; exit 2` }]);
    expect(await e.decide(toolCall('x'))).toMatchObject({ decision: 'deny', reason: 'h: because' });
  });

  it('treats other exit codes as non-blocking errors, recorded with stderr', async () => {
    const { e, rows } = engine([{ name: 'h', event: 'agent.tool.before', command: `echo broken >&2; exit 1` }]);
    expect(await e.decide(toolCall('x'))).toBeUndefined();
    expect(rows[0]).toMatchObject({ outcome: 'error', exitCode: 1, reason: 'exit 1: broken' });
  });

  it('keeps plain stdout in the log only, and notes unparsable JSON', async () => {
    const { e, rows } = engine([
      { name: 'plain', event: 'agent.tool.before', command: `echo hello` },
      { name: 'bad', event: 'agent.tool.before', command: `echo '{not json'` },
    ]);
    expect(await e.decide(toolCall('x'))).toBeUndefined();
    const byName = Object.fromEntries(rows.map((r) => [r.hook, r]));
    expect(byName.plain).toMatchObject({ outcome: 'ok', output: 'hello\n' });
    expect(byName.bad!.reason).toMatch(/not valid JSON/);
  });

  it('kills a hung hook and everything it started at its timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-hook-'));
    const marker = join(dir, 'survived');
    // The grandchild would write the marker after 1.5 s if it survived the kill.
    const { e, rows } = engine([{ name: 'slow', event: 'agent.tool.before', timeout: 0.3, command: `(sleep 1.5; touch ${marker}) & sleep 30` }]);
    expect(await e.decide(toolCall('x'))).toBeUndefined();
    expect(rows[0]).toMatchObject({ outcome: 'timeout' });
    await new Promise((r) => setTimeout(r, 1800));
    expect(existsSync(marker)).toBe(false);
  });

  /** True while a process with this pid runs (a zombie counts as gone). */
  const alive = (pid: number): boolean => {
    try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
  };
  const gone = async (pid: number): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (alive(pid)) {
      if (Date.now() > deadline) throw new Error(`process ${pid} still runs`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it.each([
    ['killed at its timeout', 1, 'sleep 30', 'timeout'],
    ['when it ends by itself', 30, 'exit 0', 'ok'],
  ])('ends what it started with setsid %s (the daemon never writes its file)', async (_what, timeout, rest, outcome) => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-hook-'));
    const pidFile = join(dir, 'pid'), late = join(dir, 'late');
    // Out of the hook's process group and session: only the run's token finds it.
    const command = `setsid sh -c 'echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; sleep 5; touch ${late}' & `
      + `while [ ! -s ${pidFile} ]; do sleep 0.05; done; ${rest}`;
    const { e, rows } = engine([{ name: 'daemon', event: 'agent.tool.before', timeout, command }]);
    expect(await e.decide(toolCall('x'))).toBeUndefined();
    expect(rows[0]).toMatchObject({ outcome });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(1);
    await gone(pid);
    expect(existsSync(late)).toBe(false);
  }, 30_000);

  it('caps huge output without hanging, and records it truncated', async () => {
    const { e, rows } = engine([{ name: 'loud', event: 'agent.tool.before', command: `head -c 5000000 /dev/zero | tr '\\0' a; echo done >&2` }], { maxOutputBytes: 65536 });
    expect(await e.decide(toolCall('x'))).toBeUndefined();
    expect(rows[0]).toMatchObject({ outcome: 'ok', truncated: true });
    expect((rows[0]!.output as string).length).toBe(10_000);
  });

  it('caps a huge block reason at 10,000 characters', async () => {
    const { e } = engine([{ name: 'h', event: 'agent.tool.before', command: `head -c 50000 /dev/zero | tr '\\0' r >&2; exit 2` }]);
    const out = await e.decide(toolCall('x'));
    expect(out!.reason!.length).toBeLessThanOrEqual(10_003 + 'h: '.length);
  });

  it('does not fail when the hook never reads stdin', async () => {
    const { e, rows } = engine([{ name: 'h', event: 'agent.tool.before', command: `exit 0` }]);
    await e.decide(makeEvent('agent.tool.before', { tool: 'Bash', input: { command: 'x'.repeat(1_000_000) } }));
    expect(rows[0]).toMatchObject({ outcome: 'ok' });
  });

  it('gives the hook Claude Code input fields and picode environment variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-hook-'));
    const out = join(dir, 'input.json');
    const { e } = engine([{ name: 'h', event: 'agent.tool.before', command: `cat > ${out}; echo "$PICODE_EVENT $PICODE_HOOK $CLAUDE_PROJECT_DIR" >> ${out}.env` }]);
    await e.decide(toolCall('ls'));
    const input = JSON.parse(readFileSync(out, 'utf8'));
    expect(input).toMatchObject({ session_id: 'test', hook_event_name: 'agent.tool.before', tool_name: 'Bash', tool_input: { command: 'ls' }, cwd: process.cwd() });
    expect(readFileSync(`${out}.env`, 'utf8').trim()).toBe(`agent.tool.before h ${process.cwd()}`);
  });

  it('gives llm.request hooks the last user message as prompt (Claude Code UserPromptSubmit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'picode-hook-'));
    const out = join(dir, 'input.json');
    const { e } = engine([{ name: 'h', event: 'llm.request', command: `cat > ${out}` }]);
    await e.decide(makeEvent('llm.request', { messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'why does it fail?' }] }));
    expect(JSON.parse(readFileSync(out, 'utf8')).prompt).toBe('why does it fail?');
  });

  it('runs every matching hook in parallel', async () => {
    // Each hook waits until all three have started: run one after another, they would fail.
    const dir = mkdtempSync(join(tmpdir(), 'picode-hook-'));
    const rendezvous = (name: string) => `touch ${dir}/${name}; for i in $(seq 100); do [ $(ls ${dir} | wc -l) -ge 3 ] && exit 0; sleep 0.05; done; exit 1`;
    const { e, rows } = engine([
      { name: 'a', event: 'agent.tool.before', command: rendezvous('a') },
      { name: 'b', event: 'agent.tool.before', command: `${rendezvous('b').replace(/exit 0/, '{ echo no >&2; exit 2; }')}` },
      { name: 'c', event: 'agent.tool.before', command: rendezvous('c') },
    ]);
    const out = await e.decide(toolCall('x'));
    expect(out).toMatchObject({ decision: 'deny', reason: 'b: no' });
    expect(rows.map((r) => r.outcome).sort()).toEqual(['blocked', 'ok', 'ok']);
  });
});
