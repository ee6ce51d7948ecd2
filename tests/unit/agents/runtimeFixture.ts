import type { FakeLlm } from '../../fixtures/fake-llm/index.js';
import { createProviderService } from '../../../src/providers/service.js';
import type { Store } from '../../../host/store/db.js';
import { createAgentsRuntime, type AgentsRuntime, type AgentsRuntimeOptions } from '../../../host/agents/runtime.js';
import { localEnvironment } from '../../../host/agents/toolEnvironment.js';

/** Jobs, agents and plans over a real store, with the real provider layer pointed at the fake LLM. */
export function testRuntime(fake: FakeLlm, store: Store, extra: Partial<AgentsRuntimeOptions> = {}): AgentsRuntime {
  const llm = createProviderService({
    config: { providers: { openai: { baseUrl: fake.openaiBaseUrl } }, models: 'openai:gpt-test', failover: { retries: 0 } },
    env: { OPENAI_API_KEY: 'sk-test-0123456789abcdef' },
  });
  return createAgentsRuntime({
    store,
    session: 'main',
    config: { agents: { maxTurns: 10, maxTokens: 1_000_000, maxCostUsd: 0, approvals: { default: 'ask', tools: {} } }, plans: {} },
    llm: async () => llm,
    environment: (run, root) => localEnvironment(root, `agent:${run.id}`),
    env: {},
    ...extra,
  });
}
