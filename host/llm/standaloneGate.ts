import { makeEvent } from '../bus/envelope.js';
import type { PicodeConfig } from '../config/schema.js';
import type { GatePass, LlmRequestData } from './gate.js';

/**
 * The `llm.request` gate outside the host (`picode ask` with no host running): the hook
 * engine of host/hooks/standalone.ts. Returns undefined when no hook listens to
 * `llm.request` (nothing to load).
 */
export async function standaloneGatePass(options: {
  readonly config: PicodeConfig;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}): Promise<{ pass: GatePass; stop(): Promise<void> } | undefined> {
  const { standaloneHookEngine } = await import('../hooks/standalone.js');
  const engine = await standaloneHookEngine(options, 'llm.request');
  if (!engine) return undefined;
  return {
    pass: async (input) => {
      const decision = await engine.decide(makeEvent({ type: 'llm.request', session: '', data: input.data }));
      return decision ? { ...decision, data: decision.data as LlmRequestData } : { decision: 'allow', data: input.data };
    },
    stop: () => engine.stop(1000),
  };
}
