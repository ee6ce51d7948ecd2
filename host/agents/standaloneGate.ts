import { makeEvent, type PicodeEvent } from '../bus/envelope.js';
import type { PicodeConfig } from '../config/schema.js';
import type { ToolCall } from '../../src/providers/types.js';
import type { AgentRunRecord } from './runStore.js';

/**
 * The `agent.tool.before` hook point for a CLI run without a host: the hook engine of
 * host/hooks/standalone.ts. Undefined when no hook listens to the event.
 */
export async function standaloneToolGate(options: { config: PicodeConfig; cwd: string; env: NodeJS.ProcessEnv }): Promise<{
  gate: (run: AgentRunRecord, call: ToolCall) => Promise<{ decision: 'allow' | 'ask' | 'deny'; reason?: string | undefined; args?: unknown; additionalContext?: string | undefined }>;
  stop(): Promise<void>;
} | undefined> {
  const { standaloneHookEngine } = await import('../hooks/standalone.js');
  const engine = await standaloneHookEngine(options, 'agent.tool.before');
  if (!engine) return undefined;
  return {
    gate: async (run, call) => {
      const data = { run: run.id, task: run.task, tool: call.name, callId: call.id, args: call.args, cwd: run.worktree ?? run.cwd };
      const event = makeEvent({ type: 'agent.tool.before', session: run.session ?? '', data });
      const decision = await engine.decide(event);
      if (!decision) return { decision: 'allow' };
      return { decision: decision.decision, reason: decision.reason, args: (decision.data as typeof data | undefined)?.args, additionalContext: decision.additionalContext };
    },
    stop: () => engine.stop(1000),
  };
}
