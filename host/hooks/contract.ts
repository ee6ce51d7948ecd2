import type { PicodeEvent } from '../bus/envelope.js';
import { packageRoot } from '../core/paths.js';
import { capString, type HookVerdict, type Verdict } from './decisions.js';
import type { ShellRunResult } from './shell.js';

/**
 * Claude Code's command-hook contract, as picode speaks it.
 *
 * Input (stdin, one JSON object): Claude Code's common fields (`session_id`, `cwd`,
 * `hook_event_name`), the picode envelope (`event_id`, `pane_id`, `pane_name`, `time`,
 * `data`), and the aliases a Claude Code hook reads: `tool_name` / `tool_input` for tool
 * events, `prompt` for LLM requests, `file_path` / `file_paths` for file changes, `command`
 * and `exit_code` for commands. A PreToolUse script that reads `.tool_input.command` works on
 * `agent.tool.before` unchanged.
 *
 * Output:
 *  - exit 2: block; stderr is the reason (JSON on stdout is ignored, as in Claude Code).
 *  - exit 0: stdout that starts with `{` is parsed as JSON:
 *      `continue: false` (+ `stopReason`)             -> deny
 *      `decision: "block"` (+ `reason`)                -> deny;  `decision: "approve"` -> allow
 *      `hookSpecificOutput.permissionDecision`         -> allow | ask | deny (+ `permissionDecisionReason`)
 *      `hookSpecificOutput.updatedInput`               -> replaces the tool input (`tool_input`)
 *      `hookSpecificOutput.additionalContext` (or top level) -> context added to the request
 *      `updatedData` (picode; top level or in hookSpecificOutput) -> merged onto the event data
 *    Anything else on stdout is kept in the run log only.
 *  - any other exit code (or a signal, a timeout): a non-blocking error, recorded; no decision.
 * Strings a hook returns are capped at 10,000 characters.
 */
export interface HookInputContext {
  readonly cwd: string;
}

type Data = Record<string, unknown>;

function asData(value: unknown): Data | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;
}

/** The key of `data` that holds a tool call's arguments (what `tool_input` aliases). */
function toolInputKey(data: Data): string | undefined {
  for (const key of ['input', 'args', 'arguments']) if (key in data) return key;
  return undefined;
}

export function hookInput(event: PicodeEvent, context: HookInputContext): Data {
  const data = asData(event.data) ?? {};
  const input: Data = {
    session_id: event.session,
    cwd: context.cwd,
    hook_event_name: event.type,
    event_id: event.id,
    time: event.time,
    pane_id: event.pane ?? null,
    pane_name: event.paneName ?? null,
    window_id: event.window ?? null,
  };
  const tool = data.tool ?? data.toolName ?? data.tool_name;
  if (typeof tool === 'string') {
    input.tool_name = tool;
    const key = toolInputKey(data);
    input.tool_input = key ? data[key] : {};
    const callId = data.callId ?? data.toolUseId;
    if (typeof callId === 'string') input.tool_use_id = callId;
  }
  if (typeof data.prompt === 'string') input.prompt = data.prompt;
  else if (Array.isArray(data.messages)) {
    // Claude Code's UserPromptSubmit hooks read `prompt`: on `llm.request` it is the last user message.
    const last = [...data.messages].reverse().find((m) => asData(m)?.role === 'user');
    const content = asData(last)?.content;
    if (typeof content === 'string') input.prompt = content;
  }
  if (typeof data.command === 'string') input.command = data.command;
  if ('exitCode' in data) input.exit_code = data.exitCode;
  if (event.type === 'file.changed') {
    if (typeof data.root === 'string' && typeof data.path === 'string') input.file_path = `${data.root}/${data.path}`;
    if (typeof data.root === 'string' && Array.isArray(data.paths)) input.file_paths = data.paths.map((p) => `${data.root}/${String(p)}`);
  }
  input.data = event.data;
  return input;
}

export type RunOutcome = 'ok' | 'blocked' | 'error' | 'timeout' | 'unavailable';

export interface InterpretedRun {
  readonly outcome: RunOutcome;
  readonly verdict: HookVerdict | undefined;
  readonly reason: string | undefined;
}

const verdicts = new Set<Verdict>(['allow', 'ask', 'deny']);

export function interpretShellResult(result: ShellRunResult, event: PicodeEvent): InterpretedRun {
  if (result.spawnError !== undefined) {
    return { outcome: 'error', verdict: undefined, reason: `could not start: ${result.spawnError}` };
  }
  if (result.aborted) {
    return { outcome: 'error', verdict: undefined, reason: 'killed: the host stopped while it ran' };
  }
  if (result.timedOut) {
    return { outcome: 'timeout', verdict: undefined, reason: `killed at its timeout after ${Math.round(result.durationMs)} ms` };
  }
  if (result.exitCode === 2) {
    const reason = capString(result.stderr.trim() || 'blocked by hook (exit 2)');
    return { outcome: 'blocked', verdict: { decision: 'deny', reason }, reason };
  }
  if (result.exitCode !== 0) {
    const why = result.exitCode === null ? `killed by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`;
    const detail = result.stderr.trim().split('\n').slice(-3).join(' | ');
    return { outcome: 'error', verdict: undefined, reason: capString(detail ? `${why}: ${detail}` : why) };
  }
  const text = result.stdout.trimStart();
  if (!text.startsWith('{')) return { outcome: 'ok', verdict: undefined, reason: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Claude Code treats unparsable output as plain text; we keep it and say so.
    return { outcome: 'ok', verdict: undefined, reason: `stdout is not valid JSON (${(error as Error).message}); ignored` };
  }
  const out = asData(json);
  if (!out) return { outcome: 'ok', verdict: undefined, reason: undefined };
  const verdict = verdictFromJson(out, event);
  const outcome: RunOutcome = verdict.decision === 'deny' ? 'blocked' : 'ok';
  return { outcome, verdict, reason: verdict.reason };
}

function capped(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? capString(value) : undefined;
}

export function verdictFromJson(out: Data, event: PicodeEvent): HookVerdict {
  const specific = asData(out.hookSpecificOutput) ?? {};
  let decision: Verdict | undefined;
  let reason: string | undefined;

  const permission = specific.permissionDecision ?? out.permissionDecision;
  if (typeof permission === 'string' && verdicts.has(permission as Verdict)) {
    decision = permission as Verdict;
    reason = capped(specific.permissionDecisionReason ?? out.permissionDecisionReason);
  }
  if (out.decision === 'approve' && decision === undefined) decision = 'allow';
  if (out.decision === 'block') {
    decision = 'deny';
    reason = capped(out.reason) ?? reason;
  }
  if (out.continue === false) {
    decision = 'deny';
    reason = capped(out.stopReason) ?? capped(out.reason) ?? reason ?? 'hook asked to stop (continue: false)';
  }

  let updatedData: unknown;
  const data = asData(event.data);
  if (specific.updatedInput !== undefined && data) {
    // Claude Code's updatedInput replaces the tool input: on tool events picode maps it back to
    // the data key tool_input came from (`args` for agent tool calls); on other events
    // (`llm.request`: `{ system, messages }`) it is merged onto the data itself.
    const isTool = typeof (data.tool ?? data.toolName ?? data.tool_name) === 'string';
    updatedData = isTool ? { [toolInputKey(data) ?? 'input']: specific.updatedInput } : specific.updatedInput;
  }
  const picodeUpdate = out.updatedData ?? specific.updatedData;
  if (picodeUpdate !== undefined) {
    updatedData = updatedData !== undefined && asData(picodeUpdate) ? { ...(updatedData as Data), ...(picodeUpdate as Data) } : picodeUpdate;
  }
  const additionalContext = capped(specific.additionalContext ?? out.additionalContext);
  return {
    ...(decision !== undefined ? { decision } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(updatedData !== undefined ? { updatedData } : {}),
    ...(additionalContext !== undefined ? { additionalContext } : {}),
  };
}

/** The environment of a shell hook: the host's, plus what a Claude Code hook may read. */
export function hookEnv(base: NodeJS.ProcessEnv, event: PicodeEvent, cwd: string, hookName: string): NodeJS.ProcessEnv {
  return {
    ...base,
    PICODE_SESSION: event.session,
    PICODE_EVENT: event.type,
    PICODE_EVENT_ID: String(event.id),
    PICODE_HOOK: hookName,
    ...(event.pane ? { PICODE_PANE: event.pane } : {}),
    // Where picode is installed: shipped hook scripts live under it (layouts/automations/guard.mjs).
    PICODE_PACKAGE: packageRoot(),
    CLAUDE_PROJECT_DIR: cwd,
  };
}
