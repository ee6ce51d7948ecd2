import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeLlm, type FakeLlm } from '../../../fixtures/fake-llm/index.js';
import { createAgentsWorld, until, type AgentsWorld } from '../helpers.js';

export { until };

/** What `picode agent list --json` prints per run. */
export interface ListedRun {
  id: number; kind: string; pane?: string; status: string; statusSource: string; since: number; task: string; worktree?: string; error?: string;
}

/**
 * A private world for external agents: the agents world (itself on the shared harness,
 * tests/support/world.ts: private tmux server, hermetic environment, PICODE_HOME, a project,
 * teardown of what it started) plus a second fake LLM server that the agent CLIs talk to (it
 * answers their side requests itself), a HOME of their own seeded so Claude Code starts
 * without onboarding, and their executables on PATH (the host finds them there, as it would
 * a user's).
 */
export interface ExternalWorld extends AgentsWorld {
  readonly agentLlm: FakeLlm;
  readonly agentHome: string;
  readonly session: string;
  host: ReturnType<AgentsWorld['startHost']>;
  list(): Promise<ListedRun[]>;
  run(id: number): Promise<ListedRun>;
  waitStatus(id: number, status: string | RegExp, timeoutMs?: number): Promise<ListedRun>;
  agentEvents(type: string): Promise<Array<{ type: string; pane?: string; data: Record<string, unknown> }>>;
  /** The environment of the agent process in a pane (Linux /proc): what picode gave it. */
  paneEnv(pane: string): Record<string, string>;
}

export const apiKey = 'sk-ant-test-external-0123456789abcdef';

export async function createExternalWorld(options: { binDirs: string[]; session?: string; projectConfig?: string; env?: Record<string, string> }): Promise<ExternalWorld> {
  const world = await createAgentsWorld();
  const agentLlm = await startFakeLlm({ sideAnswer: 'ok' });
  const agentHome = join(world.home, 'agent-home');
  mkdirSync(agentHome, { recursive: true });
  // Claude Code: no onboarding, the project trusted, the API key accepted (see tests/fixtures notes in docs/agents.md).
  writeFileSync(join(agentHome, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
    projects: { [world.project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  }));
  Object.assign(world.env, {
    HOME: agentHome,
    PATH: [...options.binDirs, world.env.PATH ?? ''].join(':'),
    ANTHROPIC_BASE_URL: agentLlm.anthropicBaseUrl,
    ANTHROPIC_API_KEY: apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CODEX_HOME: join(agentHome, '.codex'),
    ...options.env,
  });
  mkdirSync(join(agentHome, '.codex'), { recursive: true });
  if (options.projectConfig) writeFileSync(join(world.project, 'picode.config.yaml'), options.projectConfig);
  const session = options.session ?? 'ext';
  world.tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', world.project);
  const host = world.startHost(session);
  await until('the host', async () => ((await world.cli(['agent', 'list', '--session', session], { timeoutMs: 120_000 })).code === 0 ? true : undefined), 180_000);

  const list = async (): Promise<ListedRun[]> => {
    const result = await world.cli(['agent', 'list', '--json', '--session', session]);
    if (result.code !== 0) throw new Error(`agent list failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as ListedRun[];
  };
  const run = async (id: number): Promise<ListedRun> => {
    const found = (await list()).find((r) => r.id === id);
    if (!found) throw new Error(`no run ${id} in agent list`);
    return found;
  };
  const ext: ExternalWorld = Object.assign(world, {
    agentLlm, agentHome, session, host, list, run,
    async waitStatus(id: number, status: string | RegExp, timeoutMs = 150_000): Promise<ListedRun> {
      let last: ListedRun | undefined;
      try {
        return await until(`run ${id} to be ${String(status)}`, async () => {
          last = await run(id);
          return (typeof status === 'string' ? last.status === status : status.test(last.status)) ? last : undefined;
        }, timeoutMs);
      } catch (error) {
        const pane = last?.pane ? world.tmux('capture-pane', '-p', '-t', last.pane) : '';
        throw new Error(`${(error as Error).message}\nlast: ${JSON.stringify(last)}\n--- agent pane ---\n${pane}\n--- host log ---\n${host.stderr().slice(-3000)}`);
      }
    },
    async agentEvents(type: string) {
      const result = await world.cli(['events', '--json', '--type', type, '--since', '0', '--session', session]);
      return result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; pane?: string; data: Record<string, unknown> });
    },
    paneEnv(pane: string): Record<string, string> {
      const pid = world.tmux('display-message', '-p', '-t', pane, '#{pane_pid}').trim();
      const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
      return Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    },
  });
  // The agent CLIs and picode share a 2-core CI machine with everything else: a CLI call gets
  // minutes, not the agents world's default 30 s, before it counts as hung.
  const baseCli = world.cli;
  ext.cli = (cliArgs, cliOptions = {}) => baseCli(cliArgs, { timeoutMs: 120_000, ...cliOptions });
  const dispose = world.dispose;
  ext.dispose = async () => { await dispose(); await agentLlm.close(); };
  return ext;
}
