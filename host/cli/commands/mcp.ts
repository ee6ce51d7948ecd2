import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { globalOptions } from '../globals.js';

const sessionHelp = 'the session (default: PICODE_SESSION, the current tmux session, or the only one with a host)';

/**
 * `picode mcp`: picode's MCP server for other agents (`serve`, `config`), the MCP servers
 * picode's agent uses (`list`), and the approvals MCP calls wait for (`approvals`, `approve`).
 */
export function define(program: Command): void {
  const mcp = program.command('mcp').description('serve picode to MCP clients (other agents), and manage the MCP servers picode\'s agent uses');

  mcp.command('serve')
    .description('speak MCP on stdin/stdout (or Streamable HTTP with --http) for the session\'s host: panes, commands, failures, context, plan, plugin tools')
    .option('--session <name>', sessionHelp)
    .option('--http', 'serve Streamable HTTP on 127.0.0.1 with a random bearer token (printed once) instead of stdio')
    .option('--port <port>', 'port for --http (default: a free one)', parsePort)
    .option('--run <id>', 'the picode agent run this server is for (recorded with each call)', parseId)
    .addHelpText('after', `
Every call passes picode's approval policy (mcp.approvals: read-only tools allowed, the others
ask) and the agent.tool.before hooks; a call that asks waits for \`picode mcp approve ID yes\`.

Examples:
  claude --mcp-config "$(picode mcp config --for claude)"
  picode mcp serve --http --session work`)
    .action(async (opts: { session?: string; http?: boolean; port?: number; run?: number }, cmd: Command) => {
      // The stdio server usually starts through mcpServeFastPath (bin/picode.js); this is the same.
      const { runMcpServe } = await import('./mcpServe.js');
      process.exitCode = await runMcpServe(opts, globalOptions(cmd).tmuxSocket);
    });

  mcp.command('config')
    .description('print the snippet that gives an agent picode\'s MCP server (named picode)')
    .requiredOption('--for <agent>', 'claude, codex, gemini or opencode')
    .option('--session <name>', sessionHelp)
    .option('--run <id>', 'record calls as made by this picode agent run', parseId)
    .action(async (opts: { for: string; session?: string; run?: number }, cmd: Command) => {
      const { configSnippet, mcpAgentKinds, snippetPlace } = await import('../../mcp/agentWiring.js');
      const kind = opts.for as (typeof mcpAgentKinds)[number];
      if (!mcpAgentKinds.includes(kind)) {
        const { PicodeError } = await import('../../core/errors.js');
        throw new PicodeError(`--for ${opts.for}: picode has no MCP config for that agent`, { hint: `use one of: ${mcpAgentKinds.join(', ')}` });
      }
      const { resolveSessionTarget } = await import('../../ipc/target.js');
      const target = await resolveSessionTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket, includeStopped: true });
      process.stdout.write(configSnippet(kind, { ...target, run: opts.run }));
      if (process.stderr.isTTY) process.stderr.write(`picode: ${snippetPlace[kind]}\n`);
    });

  mcp.command('list')
    .description('list the MCP servers of mcp.servers with their state, tools and last error (from the session\'s host)')
    .option('--session <name>', sessionHelp)
    .option('--connect', 'start every server that has not started yet, to list its tools')
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; connect?: boolean; json?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        const servers = await client.call<Array<{ name: string; transport: string; target: string; state: string; tools: string[]; lastError?: string; restarts: number }>>(
          'mcp.servers.list', { connect: opts.connect === true },
        );
        if (opts.json) { process.stdout.write(`${JSON.stringify(servers)}\n`); return; }
        if (!servers.length) { process.stdout.write('no MCP servers configured (add them under mcp.servers; see docs/mcp.md)\n'); return; }
        for (const s of servers) {
          process.stdout.write(`${s.name}  ${s.state}  ${s.transport}: ${s.target}${s.restarts ? `  (${s.restarts} restarts)` : ''}\n`);
          process.stdout.write(`  tools: ${s.tools.length ? s.tools.join(', ') : s.state === 'idle' ? '(not started yet: --connect starts it)' : '(none)'}\n`);
          if (s.lastError) process.stdout.write(`  last error: ${s.lastError}\n`);
        }
      } finally {
        client.close();
      }
    });

  mcp.command('approvals')
    .description('list the MCP calls waiting for a person')
    .option('--session <name>', sessionHelp)
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; json?: boolean }, cmd: Command) => {
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        const pending = await client.call<Array<{ id: number; client: string; run?: number; tool: string; args: unknown; reason?: string; since: number }>>('mcp.approvals.list');
        if (opts.json) { process.stdout.write(`${JSON.stringify(pending)}\n`); return; }
        if (!pending.length) { process.stdout.write('no MCP calls are waiting\n'); return; }
        for (const p of pending) {
          process.stdout.write(`${p.id}  ${p.client}${p.run !== undefined ? ` (run #${p.run})` : ''}  ${p.tool} ${JSON.stringify(p.args)}${p.reason ? `  - ${p.reason}` : ''}\n`);
        }
        process.stdout.write('answer with: picode mcp approve ID yes|no|always\n');
      } finally {
        client.close();
      }
    });

  mcp.command('approve')
    .description('answer an MCP call waiting for approval')
    .argument('<id>', 'the call\'s number (picode mcp approvals)', parseId)
    .argument('<answer>', 'yes, no, or always (allow this tool for this client until the host stops)')
    .option('--session <name>', sessionHelp)
    .action(async (id: number, answer: string, opts: { session?: string }, cmd: Command) => {
      if (!['yes', 'no', 'always'].includes(answer)) throw new InvalidArgumentError('answer yes, no or always');
      const { connectTarget } = await import('../../ipc/target.js');
      const { client } = await connectTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket });
      try {
        const answered = await client.call<{ id: number; client: string; tool: string }>('mcp.approve', { id, answer });
        process.stdout.write(`${answer === 'no' ? 'declined' : 'allowed'}: ${answered.client} ${answered.tool} (call ${answered.id})\n`);
      } finally {
        client.close();
      }
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
}

function parseId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number from 1');
  return n;
}
