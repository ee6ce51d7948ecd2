import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpArgsFor, serveCommand } from '../../../host/mcp/agentWiring.js';
import { createMcpWorld, type McpWorld } from './helpers.js';

/** `picode mcp config --for KIND`, and Codex CLI itself reading what picode gives it. */
let world: McpWorld;
beforeAll(() => { world = createMcpWorld(''); });
afterAll(async () => { await world.dispose(); });

const codex = join(process.env.PICODE_TEST_TOOLS ?? join(homedir(), '.cache', 'picode-test-tools'), 'codex-0.169.0', 'node_modules', '.bin', 'codex');

describe('picode mcp config', () => {
  it('prints a Claude Code --mcp-config file for a named session', async () => {
    const result = await world.cli(['mcp', 'config', '--for', 'claude', '--session', 'work']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ mcpServers: { picode: { type: 'stdio', ...serveCommand({ session: 'work', tmuxSocket: world.socket }) } } });
  });

  it('names what it does not know', async () => {
    const result = await world.cli(['mcp', 'config', '--for', 'aider', '--session', 'work']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--for aider: picode has no MCP config for that agent');
    expect(result.stderr).toContain('claude, codex, gemini, opencode');
  });

  it.skipIf(!existsSync(codex) && process.env.CI !== 'true')('gives Codex CLI a server it reads back, from -c arguments and from the snippet', async () => {
    const codexHome = join(world.home, 'codex-home');
    mkdirSync(codexHome, { recursive: true });
    const target = { session: 'it\'s "odd"', tmuxSocket: world.socket };
    const env = { ...world.env, CODEX_HOME: codexHome };
    const fromArgs = JSON.parse(execFileSync(codex, [...mcpArgsFor('codex', target), 'mcp', 'list', '--json'], { env, encoding: 'utf8' })) as Array<{ name: string; transport: { command: string; args: string[] } }>;
    expect(fromArgs.find((s) => s.name === 'picode')?.transport).toMatchObject(serveCommand(target));
    const snippet = await world.cli(['mcp', 'config', '--for', 'codex', '--session', 'work']);
    writeFileSync(join(codexHome, 'config.toml'), snippet.stdout);
    const fromFile = JSON.parse(execFileSync(codex, ['mcp', 'list', '--json'], { env, encoding: 'utf8' })) as Array<{ name: string; transport: { command: string; args: string[] } }>;
    expect(fromFile.find((s) => s.name === 'picode')?.transport).toMatchObject(serveCommand({ session: 'work', tmuxSocket: world.socket }));
  });
});
