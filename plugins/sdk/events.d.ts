// Generated from the event catalog (host/bus/catalog) by plugins/sdk/generate-events.mjs. Do not edit.

/** Event type -> the payload (`data`, JSON-decoded) of that event. `*` entries cover every type with that prefix. */
export interface EventPayloads {
  /** The host attached to the session (at `picode up`, or when a host is restarted on a running session). */
  "session.started": {
    "mux": "tmux" | "zellij";
    "tmuxSocket"?: string;
    "pid": number;
    "panes": number;
    "resumed": boolean;
  };
  /** The host stopped observing the session: the session or the tmux server ended, or the host was stopped. The last event a host emits. */
  "session.stopped": {
    "reason": string;
  };
  /** A pane exists that the host had not seen: every pane at attach, then each new split or window. */
  "pane.opened": {
    "pane": {
      "id": string;
      "name"?: string;
      "windowId": string;
      "windowName": string;
      "index": number;
      "width": number;
      "height": number;
      "active": boolean;
      "command": string;
      "cwd": string;
      "pid"?: number;
      "dead": boolean;
    };
  };
  /** A pane is gone (its program exited, or it was killed). A command still running in it ends with `command.finished` (exit unknown) first. */
  "pane.closed": {
    "bytes": number;
  };
  /** A pane changed size. */
  "pane.resized": {
    "width": number;
    "height": number;
  };
  /** A pane became the active pane of the session's current window. */
  "pane.focused": Record<string, unknown>;
  /** A pane printed something. Output is coalesced per pane: the first chunk after a quiet spell is sent at once, then chunks are joined for `host.output.flushMs`. The text never splits a UTF-8 character. */
  "pane.output": {
    "text": string;
    "offset": number;
    "bytes": number;
    "truncatedChars"?: number;
  };
  /** A pane printed nothing for `host.idleMs` after printing something (once per quiet spell). */
  "pane.idle": {
    "idleMs": number;
    "offset": number;
  };
  /** Output of a pane was lost because the host fell behind a flooding pane (tmux flow control). Reported, never silent. */
  "pane.output.dropped": {
    "reason": string;
    "bytes"?: number;
    "offset"?: number;
  };
  /** A command started in a pane: the shell's OSC 133 `C` mark (`picode shell-init`), or the start of a `picode run`. */
  "command.started": {
    "command": string;
    "offset": number;
    "source": "osc133" | "sentinel";
  };
  /** A command finished: the OSC 133 `D` mark with its exit status, the end of a `picode run`, or an inferred end (the pane closed, or a new prompt began) with an unknown exit. */
  "command.finished": {
    "command": string;
    "exitCode": number | null;
    "durationMs": number;
    "output": {
      "from": number;
      "to": number;
    };
    "outputTail": string;
    "source": "osc133" | "sentinel";
    "reason"?: string;
  };
  /** The host loaded its config files again (they changed, or `picode reload`) and applied what it can while running. */
  "config.reloaded": {
    "files": Array<string>;
    "changed": Array<string>;
    "applied": Array<string>;
    "needsRestart": Array<string>;
  };
  /** A changed config file is invalid: the host keeps running with the config it had. The error names the file and key. */
  "config.invalid": {
    "error": string;
    "hint"?: string;
  };
  /** An extension of the host (plugins, hooks, llm, agents) failed to load, start or stop; the host carries on without it. */
  "host.extension.failed": {
    "extension": string;
    "phase": "load" | "start" | "stop" | "reconfigure";
    "error": string;
  };
  /** A plugin was loaded (at host start, after `picode plugin enable`/`grant`, or on hot reload). */
  "plugin.loaded": {
    "plugin": string;
    "version": string;
    "permissions": Array<string>;
  };
  /** A plugin could not be loaded (not granted, not built, bad component) or was stopped after repeated failures (`plugins.defaults.maxFailures` within `failureWindowMs`). `picode plugin list` shows the status; fix it and `picode plugin enable NAME`. */
  "plugin.failed": {
    "plugin": string;
    "reason": string;
  };
  /** A plugin falls behind: its event queue is full and the oldest events were dropped (at most one report per 5 s). */
  "plugin.dropped": {
    "plugin": string;
    "queued": number;
  };
  /** A loaded plugin changed state: restarted, throttled under load, eased, disabled after repeated failures, retried after the cool-down, running again. Each change is reported once. */
  "plugin.state": {
    "plugin": string;
    "state": "restarting" | "throttled" | "eased" | "failed" | "retrying" | "running";
    "detail"?: string;
    "retryAt"?: number;
  };
  /** Files changed under the watched root (chokidar). Changes are debounced into batches (`watch.debounceMs`, at most `watch.maxWaitMs` apart during a storm); paths ignored by `.gitignore` or `watch.ignore` never appear. A hook `path` matcher matches when any path of the batch matches. */
  "file.changed": {
    "root": string;
    "path": string;
    "paths": Array<string>;
    "changes": Array<{
      "path": string;
      "kind": "add" | "change" | "unlink" | "addDir" | "unlinkDir";
    }>;
    "count": number;
    "truncated": boolean;
  };
  /** A finding in pane output (compiler error, failing test, stack trace), emitted by plugins such as `pane-errors`. */
  "diagnostic": {
    "severity": "error" | "warning" | "info";
    "message": string;
    "file"?: string;
    "line"?: number;
    "column"?: number;
    "source": string;
    "kind"?: string;
    "detail"?: string;
  };
  /** A message for the user (from a hook's `notify` action or a plugin); shown by the log pane and `picode events`. */
  "notification": {
    "level": "info" | "warning" | "error";
    "title"?: string;
    "message": string;
    "source": string;
    "context"?: string;
  };
  /** Text or keys are about to be sent to a pane (by the CLI, a hook, a plugin or an agent). Blocking: a hook can deny it (the send is refused with the reason) or replace `text`. */
  "pane.send.before": {
    "text"?: string;
    "keys"?: Array<string>;
    "enter": boolean;
    "origin": string;
    "secret"?: boolean;
  };
  /** A hook finished running (also recorded in `hook_runs`). Runs triggered by a `hook.*` event do not emit it, so hooks on hook events cannot loop. */
  "hook.run": {
    "hook": string;
    "action": string;
    "eventId": number;
    "eventType": string;
    "outcome": "ok" | "blocked" | "error" | "timeout" | "unavailable";
    "decision"?: "allow" | "ask" | "deny";
    "reason"?: string;
    "durationMs": number;
  };
  /** Hook runs were dropped by a rate limit or coalesced while the hook was busy (at most one report per hook per second). */
  "hook.dropped": {
    "hook": string;
    "reason": "rate-limit" | "coalesced" | "queue-full";
    "count": number;
  };
  /** Before anything is sent to a model. Hooks may redact (`updatedInput` with `system`/`messages`), add context, or block it. */
  "llm.request": {
    "requestId": string;
    "models": Array<string>;
    "purpose": string;
    "sources": Array<string>;
    "system"?: string;
    "messages": Array<{
      "role": "user" | "assistant" | "tool";
      "content": string;
    }>;
    "tools": Array<string>;
  };
  /** Streamed answer text of a request made through the host (coalesced); the agent pane shows `ask` answers live. */
  "llm.response.delta": {
    "requestId": string;
    "purpose": string;
    "question"?: string;
    "text": string;
  };
  /** A request made through the host finished (or failed): the answer, tokens, cost. */
  "llm.response": {
    "requestId": string;
    "purpose": string;
    "question"?: string;
    "model"?: string;
    "text": string;
    "toolCalls": number;
    "sources": Array<string>;
    "usage": {
      "input": number;
      "cachedInput": number;
      "cacheWrite": number;
      "output": number;
      "reasoning": number;
    };
    "costUsd"?: number;
    "outcome": string;
    "error"?: string;
  };
  /** The approval policy holds a request until someone answers `llm.approve` (the asking terminal, or a pane). */
  "llm.approval.requested": {
    "approvalId": string;
    "models": Array<string>;
    "sources": Array<string>;
    "preview": string;
  };
  /** A plan (or a revision) was requested; its job is generating it. */
  "plan.created": {
    "plan": {
      "id": number;
      "task": string;
      "status": "generating" | "ready" | "failed" | "superseded";
      "revision": number;
      "steps": number;
      "error"?: string;
    };
  };
  /** A plan was generated and saved with its steps. */
  "plan.ready": {
    "plan": {
      "id": number;
      "task": string;
      "status": "generating" | "ready" | "failed" | "superseded";
      "revision": number;
      "steps": number;
      "error"?: string;
    };
  };
  /** Generating a plan failed or was cancelled. */
  "plan.failed": {
    "plan": {
      "id": number;
      "task": string;
      "status": "generating" | "ready" | "failed" | "superseded";
      "revision": number;
      "steps": number;
      "error"?: string;
    };
  };
  /** A step was approved, skipped, edited, handed to an agent, or finished. */
  "plan.step.updated": {
    "plan": {
      "id": number;
      "task": string;
      "status": "generating" | "ready" | "failed" | "superseded";
      "revision": number;
      "steps": number;
      "error"?: string;
    };
    "step": number;
    "action": string;
  };
  /** An agent run started (`picode agent`, a plan step, or a hook). */
  "agent.started": {
    "run": {
      "id": number;
      "task": string;
      "model": string;
      "status": "working" | "waiting_approval" | "waiting_input" | "done" | "failed" | "stopped" | "interrupted";
      "workPane"?: string;
      "worktree"?: string;
      "turns": number;
      "inputTokens": number;
      "outputTokens": number;
      "costUsd": number;
      "error"?: string;
      "jobId"?: number;
      "kind"?: string;
      "statusSource"?: "hooks" | "inferred" | "picode";
    };
  };
  /** An agent run changed state: working, waiting_approval, waiting_input, done, failed, stopped, interrupted. */
  "agent.status": {
    "run": {
      "id": number;
      "task": string;
      "model": string;
      "status": "working" | "waiting_approval" | "waiting_input" | "done" | "failed" | "stopped" | "interrupted";
      "workPane"?: string;
      "worktree"?: string;
      "turns": number;
      "inputTokens": number;
      "outputTokens": number;
      "costUsd": number;
      "error"?: string;
      "jobId"?: number;
      "kind"?: string;
      "statusSource"?: "hooks" | "inferred" | "picode";
    };
    "status": "working" | "waiting_approval" | "waiting_input" | "done" | "failed" | "stopped" | "interrupted";
    "detail"?: string;
    "kind"?: string;
    "source"?: "hooks" | "inferred";
    "agentSession"?: string;
  };
  /** An agent run ended (done, failed, stopped or interrupted). */
  "agent.finished": {
    "run": {
      "id": number;
      "task": string;
      "model": string;
      "status": "working" | "waiting_approval" | "waiting_input" | "done" | "failed" | "stopped" | "interrupted";
      "workPane"?: string;
      "worktree"?: string;
      "turns": number;
      "inputTokens": number;
      "outputTokens": number;
      "costUsd": number;
      "error"?: string;
      "jobId"?: number;
      "kind"?: string;
      "statusSource"?: "hooks" | "inferred" | "picode";
    };
    "status": "working" | "waiting_approval" | "waiting_input" | "done" | "failed" | "stopped" | "interrupted";
    "detail"?: string;
  };
  /** An agent is about to call a tool. Hooks may allow, ask a person, deny, rewrite the arguments or add context. */
  "agent.tool.before": {
    "run": number;
    "task": string;
    "tool": string;
    "callId": string;
    "args": unknown;
    "cwd": string;
    "via"?: "mcp";
    "client"?: string;
    "kind"?: string;
    "agentSession"?: string;
  };
  /** An external agent finished a tool call (from its PostToolUse hook). */
  "agent.tool.after": {
    "run": number;
    "kind": string;
    "agentSession"?: string;
    "tool": string;
    "callId": string;
    "ok": boolean;
    "output": string;
  };
  /** An external agent was given a prompt (role user) or ended a turn with a message (role assistant). */
  "agent.message": {
    "run": number;
    "kind": string;
    "agentSession"?: string;
    "role": "user" | "assistant";
    "text": string;
  };
  /** An external agent's hook call could not be read; it was recorded and ignored. */
  "agent.hook.malformed": {
    "run": number;
    "reason": string;
    "body": string;
  };
  /** A background job was created. */
  "job.created": {
    "job": {
      "id": number;
      "kind": string;
      "title": string;
      "status": "queued" | "running" | "done" | "failed" | "cancelled" | "interrupted";
      "stage"?: string;
      "stagesDone": number;
      "stages": Array<string>;
      "progress": number;
      "message"?: string;
      "error"?: string;
      "createdAt": number;
      "startedAt"?: number;
      "finishedAt"?: number;
    };
  };
  /** A job started, or resumed at its first incomplete stage. */
  "job.started": {
    "job": {
      "id": number;
      "kind": string;
      "title": string;
      "status": "queued" | "running" | "done" | "failed" | "cancelled" | "interrupted";
      "stage"?: string;
      "stagesDone": number;
      "stages": Array<string>;
      "progress": number;
      "message"?: string;
      "error"?: string;
      "createdAt": number;
      "startedAt"?: number;
      "finishedAt"?: number;
    };
  };
  /** A job entered a stage or reported progress (at most ~10 per second per job). */
  "job.progress": {
    "job": {
      "id": number;
      "kind": string;
      "title": string;
      "status": "queued" | "running" | "done" | "failed" | "cancelled" | "interrupted";
      "stage"?: string;
      "stagesDone": number;
      "stages": Array<string>;
      "progress": number;
      "message"?: string;
      "error"?: string;
      "createdAt": number;
      "startedAt"?: number;
      "finishedAt"?: number;
    };
  };
  /** A job ended: done, failed or cancelled. */
  "job.finished": {
    "job": {
      "id": number;
      "kind": string;
      "title": string;
      "status": "queued" | "running" | "done" | "failed" | "cancelled" | "interrupted";
      "stage"?: string;
      "stagesDone": number;
      "stages": Array<string>;
      "progress": number;
      "message"?: string;
      "error"?: string;
      "createdAt": number;
      "startedAt"?: number;
      "finishedAt"?: number;
    };
  };
  /** A job was cut off by the host stopping; `picode jobs resume ID` continues it. */
  "job.interrupted": {
    "job": {
      "id": number;
      "kind": string;
      "title": string;
      "status": "queued" | "running" | "done" | "failed" | "cancelled" | "interrupted";
      "stage"?: string;
      "stagesDone": number;
      "stages": Array<string>;
      "progress": number;
      "message"?: string;
      "error"?: string;
      "createdAt": number;
      "startedAt"?: number;
      "finishedAt"?: number;
    };
  };
  /** An MCP client (another agent, through `picode mcp serve`) called one of picode's tools; recorded once decided and run. */
  "mcp.call": {
    "tool": string;
    "client": string;
    "clientVersion"?: string;
    "run"?: number;
    "transport"?: string;
    "args": unknown;
    "decision": "allow" | "deny";
    "by": "policy" | "gate" | "person" | "remembered" | "timeout" | "cancelled";
    "isError": boolean;
    "cancelled"?: boolean;
    "durationMs": number;
  };
  /** A call of an MCP client waits for a person: `picode mcp approve ID yes|no|always`. */
  "mcp.approval.requested": {
    "id": number;
    "client": string;
    "run"?: number;
    "tool": string;
    "args": unknown;
    "reason"?: string;
  };
  /** An MCP server of `mcp.servers` changed state (starting, ready, restarting, failed, stopped) or tools. */
  "mcp.server.changed": {
    "name": string;
    "transport": "stdio" | "http";
    "target": string;
    "state": "idle" | "starting" | "ready" | "restarting" | "failed" | "stopped" | "disabled";
    "tools": number;
    "lastError"?: string;
    "restarts": number;
    "pid"?: number;
  };
  /** A restarted host found lines the pane printed while no host ran in tmux's history; they follow as `pane.output` from `offset` (as tmux rendered them: plain text, no colours or escapes). */
  "pane.recovered": {
    "offset": number;
    "bytes": number;
    "lines": number;
  };
  /** A restarted host could not find what the pane printed while no host ran (tmux's history was cleared, or scrolled past its limit): that output is lost, and reported with its estimated size. */
  "pane.gap": {
    "offset": number;
    "estimatedBytes": number;
    "reason": string;
  };
}

/** Types outside EventPayloads that the catalog allows (their payload is free-form JSON). */
export type OpenEventType = `plugin.${string}` | `user.${string}`;
