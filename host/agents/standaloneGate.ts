import type { ToolCall } from '../../src/providers/types.js';
import type { StandaloneGateOptions } from '../llm/standaloneGate.js';
import type { AgentRunRecord } from './runStore.js';

/**
 * The `agent.tool.before` hook point for a CLI run without a host: the same gates as in the
 * host (hooks, then plugins that declare the event), from host/llm/standaloneGate.ts.
 * Undefined when nothing gates the event.
 */
export async function standaloneToolGate(options: StandaloneGateOptions): Promise<{
  gate: (run: AgentRunRecord, call: ToolCall) => Promise<{ decision: 'allow' | 'ask' | 'deny'; reason?: string | undefined; args?: unknown; additionalContext?: string | undefined }>;
  stop(): Promise<void>;
} | undefined> {
  const { standaloneGate } = await import('../llm/standaloneGate.js');
  const gates = await standaloneGate(options, 'agent.tool.before');
  if (!gates) return undefined;
  return {
    gate: async (run, call) => {
      const data = { run: run.id, task: run.task, tool: call.name, callId: call.id, args: call.args, cwd: run.worktree ?? run.cwd };
      const decision = await gates.pass({ type: 'agent.tool.before', data });
      return { decision: decision.decision, reason: decision.reason, args: decision.data.args, additionalContext: decision.additionalContext };
    },
    stop: () => gates.stop(),
  };
}
