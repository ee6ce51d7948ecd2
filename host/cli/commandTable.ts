/**
 * Every top-level command, with the module that defines it. The table is static so that
 * `picode up` loads only `commands/up.js` (and what it imports): start-up cost stays at the
 * price of the command actually run, never of the whole CLI.
 *
 * Each module exports `define(program: Command): void`, which adds its command (with options,
 * arguments, sub-commands and the action) to the program.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly module: string;
}

export const commandTable: readonly CommandEntry[] = [
  // Layout launch (workspace lifecycle)
  { name: 'up', summary: 'launch a workspace from a layout and attach to it', module: './commands/up.js' },
  { name: 'down', summary: 'stop a workspace picode launched', module: './commands/down.js' },
  { name: 'ls', summary: 'list the sessions picode launched', module: './commands/ls.js' },
  { name: 'layout', summary: 'check or convert layout files', module: './commands/layout.js' },
  { name: 'freeze', summary: 'write a running tmux session as a layout', module: './commands/freeze.js' },
  { name: 'doctor', summary: 'check the environment: multiplexers, config, state, providers', module: './commands/doctor.js' },
  { name: 'purge', summary: 'delete recorded events and pane output (older than a date, of a session) and reclaim the space', module: './commands/purge.js' },
  // The host and its panes
  { name: 'host', summary: 'run the host for a session in the foreground', module: './commands/host.js' },
  { name: 'panes', summary: 'list the panes of a session', module: './commands/panes.js' },
  { name: 'capture', summary: "print a pane's recent output", module: './commands/capture.js' },
  { name: 'send', summary: 'send text to a pane', module: './commands/send.js' },
  { name: 'keys', summary: 'send keys to a pane', module: './commands/keys.js' },
  { name: 'run', summary: 'run a command in a pane, wait for it, print its output', module: './commands/run.js' },
  { name: 'events', summary: "list or follow the host's events", module: './commands/events.js' },
  { name: 'notifications', summary: 'list (or follow) the notifications of plugins and hooks', module: './commands/notifications.js' },
  { name: 'reload', summary: "make the host load its config files again and apply what changed", module: './commands/reload.js' },
  { name: 'shell-init', summary: 'print the shell snippet that marks command boundaries (OSC 133)', module: './commands/shell-init.js' },
  // Plugins
  { name: 'plugin', summary: 'create, build, test and manage WASM plugins', module: './commands/plugin.js' },
  // Hooks
  { name: 'hooks', summary: 'list, test and inspect hooks', module: './commands/hooks.js' },
  { name: 'emit', summary: 'emit a user event to the host', module: './commands/emit.js' },
  // Intelligence
  { name: 'ask', summary: 'ask a model a question with context from panes and files', module: './commands/ask.js' },
  { name: 'usage', summary: 'summarise LLM calls, tokens and cost', module: './commands/usage.js' },
  { name: 'plan', summary: 'generate, show and revise a plan for a task', module: './commands/plan.js' },
  { name: 'agent', summary: 'run an agent on a task, or show its transcript', module: './commands/agent.js' },
  { name: 'attention', summary: 'list agents waiting for approval or input; --next jumps to the oldest', module: './commands/attention.js' },
  { name: 'jobs', summary: 'list, cancel, retry and resume background jobs', module: './commands/jobs.js' },
  { name: 'pane', summary: "run one of picode's pane views (plan, agent, jobs, log)", module: './commands/pane.js' },
  // MCP
  { name: 'mcp', summary: "serve picode's panes, context and plugin tools to MCP agents; list picode's own MCP servers", module: './commands/mcp.js' },
];
