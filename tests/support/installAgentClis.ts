import { agentClis, ensureAgentCli } from './agentClis.js';

/**
 * vitest globalSetup: installs the pinned agent CLIs (tests/support/agentClis.ts) once, before
 * any test file runs, so that test files running in parallel never install the same CLI into
 * the same cache folder at once. A CLI that cannot be installed is left to the test files,
 * which skip, or fail under CI=true.
 */
export default function setup(): void {
  for (const cli of Object.values(agentClis)) {
    const result = ensureAgentCli(cli);
    if ('error' in result) console.warn(`picode tests: ${result.error}`);
  }
}
