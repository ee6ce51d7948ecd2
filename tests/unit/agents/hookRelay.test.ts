import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookServer, type HookCall, type HookServer } from '../../../host/agents/external/hookServer.js';
import { findOnPath } from '../../../host/agents/external/binaries.js';
import { hookRelay } from '../../../host/agents/external/wiring.js';

/**
 * The two ways an agent whose hooks run programs (Codex) reaches picode's hook server: curl
 * (when installed) and picode's Node relay script. Both run here for real against the real
 * hook server, as the agent would run them: the hook line through the shell with the input on
 * stdin, the notify argv with the JSON appended.
 */
const token = 'relay-test-token';
let server: HookServer;
const calls: HookCall[] = [];

beforeAll(async () => {
  server = await startHookServer({
    authorize: (run, given) => run === 7 && given === token,
    handle: async (call) => {
      calls.push(call);
      return call.payload.tool_name === 'Danger'
        ? { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'no' } }
        : undefined;
    },
    refused: () => {},
    malformed: () => {},
  });
});
afterAll(async () => { await server?.close(); });

function run(argv: readonly string[], stdin: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const curl = findOnPath('curl');
const relays: Array<[string, string | null | undefined]> = [['the Node relay script', null], ...(curl ? [['curl', curl] as [string, string]] : [])];

describe.each(relays)('hook relay through %s', (_name, curlPath) => {
  const relay = hookRelay(curlPath, 30);
  const env = (): Record<string, string> => ({ PICODE_HOOK_URL: server.url(7), PICODE_HOOK_TOKEN: token });

  it('passes the hook input to the host and prints its decision', async () => {
    const before = calls.length;
    const denied = await run(['/bin/sh', '-c', relay.hookLine], JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Danger', tool_input: {} }), env());
    expect(denied.code).toBe(0);
    expect(JSON.parse(denied.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });
    expect(calls[before]!.payload).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'Danger' });
  });

  it('prints nothing when the host has no decision', async () => {
    const quiet = await run(['/bin/sh', '-c', relay.hookLine], JSON.stringify({ hook_event_name: 'PostToolUse', tool_name: 'Bash' }), env());
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
  });

  it('is refused with a wrong token, prints no decision and exits 0 (the agent carries on)', async () => {
    const before = calls.length;
    const refused = await run(['/bin/sh', '-c', relay.hookLine], JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Danger' }), { ...env(), PICODE_HOOK_TOKEN: 'wrong' });
    expect(refused.code).toBe(0);
    expect(refused.stdout).toBe('');
    expect(calls.length).toBe(before);
  });

  it('delivers notify calls, whose JSON comes as the last argument', async () => {
    const before = calls.length;
    const notified = await run([...relay.notifyArgv, JSON.stringify({ type: 'agent-turn-complete', 'last-assistant-message': 'done' })], '', env());
    expect(notified.code).toBe(0);
    expect(calls[before]!.payload).toMatchObject({ type: 'agent-turn-complete', 'last-assistant-message': 'done' });
  });

  it('keeps the token off the command line', () => {
    expect(`${relay.hookLine} ${relay.notifyArgv.join(' ')}`).not.toContain(token);
  });
});
