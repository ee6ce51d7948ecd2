import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';

/** The coding agents picode knows how to give its MCP server to. */
export const mcpAgentKinds = ['claude', 'codex', 'gemini', 'opencode'] as const;
export type McpAgentKind = (typeof mcpAgentKinds)[number];

export interface ServeTarget {
  readonly session: string;
  /** Private tmux server (`tmux -L NAME`) of the session, when it has one. */
  readonly tmuxSocket?: string | undefined;
  /** The picode agent run the agent belongs to (recorded with each of its calls). */
  readonly run?: number | undefined;
}

/** The command line that starts picode's MCP server for a session: absolute paths, so no PATH lookup. */
export function serveCommand(target: ServeTarget): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [
      join(packageRoot(), 'bin', 'picode.js'),
      ...(target.tmuxSocket ? ['--tmux-socket', target.tmuxSocket] : []),
      'mcp', 'serve', '--session', target.session,
      ...(target.run !== undefined ? ['--run', String(target.run)] : []),
    ],
  };
}

/**
 * What to add to an agent's own configuration so it has picode's server, named `picode`
 * (`picode mcp config --for KIND`). For Claude Code it is a complete `--mcp-config` file.
 */
export function configSnippet(kind: McpAgentKind, target: ServeTarget): string {
  const { command, args } = serveCommand(target);
  switch (kind) {
    case 'claude':
      return `${JSON.stringify({ mcpServers: { picode: { type: 'stdio', command, args } } }, null, 2)}\n`;
    case 'gemini':
      return `${JSON.stringify({ mcpServers: { picode: { command, args, trust: false } } }, null, 2)}\n`;
    case 'opencode':
      return `${JSON.stringify({ $schema: 'https://opencode.ai/config.json', mcp: { picode: { type: 'local', command: [command, ...args], enabled: true } } }, null, 2)}\n`;
    case 'codex':
      return `[mcp_servers.picode]\ncommand = ${tomlString(command)}\nargs = [${args.map(tomlString).join(', ')}]\n`;
  }
}

/** Where each agent reads that snippet from (for the help text and `picode mcp config`). */
export const snippetPlace: Readonly<Record<McpAgentKind, string>> = {
  claude: 'save it as a file and pass `claude --mcp-config FILE` (or merge it into the project\'s .mcp.json)',
  codex: 'add it to ~/.codex/config.toml (or pass each key with `codex -c`)',
  gemini: 'merge it into .gemini/settings.json (project) or ~/.gemini/settings.json',
  opencode: 'merge it into opencode.json (project) or ~/.config/opencode/opencode.json',
};

/**
 * The arguments that give one run of an agent picode's MCP server without touching the
 * user's own agent settings (`picode agent --with KIND` adds them). Claude Code takes the
 * config inline (`--mcp-config JSON`, its tools then appear as `mcp__picode__read_pane`), Codex
 * per-key overrides (`-c mcp_servers.picode.*`). Gemini CLI and opencode read MCP servers only
 * from their settings files: for them this is empty and `picode mcp config --for` prints the
 * snippet to add.
 */
export function mcpArgsFor(kind: McpAgentKind, target: ServeTarget): string[] {
  const { command, args } = serveCommand(target);
  switch (kind) {
    case 'claude':
      return ['--mcp-config', JSON.stringify({ mcpServers: { picode: { type: 'stdio', command, args } } })];
    case 'codex':
      return ['-c', `mcp_servers.picode.command=${tomlString(command)}`, '-c', `mcp_servers.picode.args=[${args.map(tomlString).join(',')}]`];
    case 'gemini':
    case 'opencode':
      return [];
  }
}

function tomlString(text: string): string {
  return JSON.stringify(text);
}
