import { join } from 'node:path';
import { findOnPath } from './binaries.js';
import { packageRoot } from '../../core/paths.js';
import { tokenHeader } from './hookServer.js';
import type { ExternalKind } from './kinds.js';
import { mcpArgsFor as picodeMcpArgs, type ServeTarget } from '../../mcp/agentWiring.js';
import { shellQuote } from '../../core/shellQuote.js';

/**
 * How one run of an agent CLI is wired to the host, for that run only: extra arguments and
 * environment, never a change to the user's own settings files. Claude Code gets `--settings`
 * with `http` hooks (merged by Claude Code over the user's settings for this process only);
 * Codex CLI gets `-c` overrides that add hooks running picode's relay, and `notify`.
 */
export interface Wiring {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface WiringInput {
  readonly kind: ExternalKind;
  readonly hookUrl: string;
  readonly token: string;
  /** Seconds a blocking hook (a permission request) may be held for an answer. */
  readonly blockingTimeoutSeconds: number;
  /** The curl the relay uses: default found on PATH; null = picode's relay script. */
  readonly curl?: string | null | undefined;
}

/** The events picode listens to on Claude Code, and which of them may be held for a decision. */
const claudeEvents = ['UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'PostToolUseFailure', 'Notification', 'Stop', 'StopFailure', 'SessionEnd'] as const;
const blockingEvents = new Set<string>(['PreToolUse', 'PermissionRequest']);

const codexEvents = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Stop'] as const;

export function relayCommand(): string[] {
  return [process.execPath, join(packageRoot(), 'dist', 'host', 'agents', 'external', 'relay.js')];
}

/**
 * How an agent whose hooks run programs (Codex) reaches the hook server: `curl` when it is on
 * the host's PATH (a few ms to start), else picode's relay script (a Node process: Node's own
 * start-up, tens of ms on a quiet machine). Both print the host's answer and exit 0 when the
 * host cannot be reached, so the agent carries on under its own rules. The hook URL asks for
 * an empty answer when the host has no decision (`?quiet`), so curl needs no filtering.
 */
export interface HookRelay {
  /** A shell line: the hook input on stdin. */
  readonly hookLine: string;
  /** argv for `notify`-style calls, the JSON appended as the last argument. */
  readonly notifyArgv: readonly string[];
}

export function hookRelay(curl: string | null | undefined = findOnPath('curl'), timeoutSeconds?: number): HookRelay {
  if (!curl) {
    const relay = relayCommand();
    return { hookLine: relay.map(shellQuote).join(' '), notifyArgv: relay };
  }
  // The token and URL come from the pane's environment: nothing secret on a command line.
  const post = (data: string): string => [
    shellQuote(curl), '-sS', '--fail', '--noproxy', "'*'", ...(timeoutSeconds ? ['--max-time', String(timeoutSeconds)] : []),
    '-H', "'content-type: application/json'", '-H', '"x-picode-token: $PICODE_HOOK_TOKEN"', '--data-binary', data, '"$PICODE_HOOK_URL?quiet"',
  ].join(' ');
  return {
    hookLine: `${post('@-')} || true`,
    notifyArgv: ['/bin/sh', '-c', `${post('"$1"')} >/dev/null || true`, 'picode-notify'],
  };
}


export function wiringFor(input: WiringInput): Wiring {
  const env = { PICODE_HOOK_URL: input.hookUrl, PICODE_HOOK_TOKEN: input.token };
  if (input.kind === 'claude') {
    const hooks: Record<string, unknown[]> = {};
    for (const event of claudeEvents) {
      hooks[event] = [{
        ...(event.includes('Tool') || event === 'PermissionRequest' ? { matcher: '*' } : {}),
        hooks: [{
          type: 'http',
          url: input.hookUrl,
          // The token stays out of the command line: Claude Code reads it from the pane's environment.
          headers: { [tokenHeader]: '$PICODE_HOOK_TOKEN' },
          allowedEnvVars: ['PICODE_HOOK_TOKEN'],
          timeout: blockingEvents.has(event) ? input.blockingTimeoutSeconds + 10 : 10,
        }],
      }];
    }
    return { args: ['--settings', JSON.stringify({ hooks })], env };
  }
  if (input.kind === 'codex') {
    // Codex runs a hook command through the shell; notify takes an argv list.
    const handler = (timeout: number) => `{ type = "command", command = ${tomlString(hookRelay(input.curl, timeout).hookLine)}, timeout = ${timeout} }`;
    // Codex only runs hooks it has recorded as trusted (a record picode must not write into the
    // user's Codex state); these hooks are picode's own relay, passed for this run only.
    // docs/agents.md ("Codex and --dangerously-bypass-hook-trust") says what else it lets through.
    const args: string[] = [
      '--dangerously-bypass-hook-trust',
      '-c', 'features.hooks=true', '-c', `notify=[${hookRelay(input.curl, 10).notifyArgv.map(tomlString).join(', ')}]`,
    ];
    for (const event of codexEvents) {
      const timeout = blockingEvents.has(event) ? input.blockingTimeoutSeconds + 10 : 10;
      args.push('-c', `hooks.${event}=[{ matcher = "*", hooks = [${handler(timeout)}] }]`);
    }
    return { args, env };
  }
  return { args: [], env };
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}


/**
 * picode's MCP server for the run (host/mcp/agentWiring.ts, as `picode mcp config --for KIND`
 * prints it): the agent's CLI gets the session's panes, context and plan as MCP tools, with its
 * calls recorded against this run. Kinds whose CLI reads MCP servers only from settings files
 * (and plain commands) get nothing: their users add the printed snippet themselves.
 */
export function mcpArgsFor(kind: ExternalKind, target: ServeTarget): string[] {
  return kind === 'claude' || kind === 'codex' || kind === 'gemini' || kind === 'opencode' ? picodeMcpArgs(kind, target) : [];
}
