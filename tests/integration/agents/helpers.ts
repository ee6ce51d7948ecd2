import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startFakeLlm, type FakeLlm } from '../../fixtures/fake-llm/index.js';
import type { CliResult } from '../../support/cli.js';
import { startHostProcess, stopHostProcesses, type HostProcess } from '../../support/hostProcess.js';
import { createWorld } from '../../support/world.js';

export const root = resolve(__dirname, '..', '..', '..');
export const bin = join(root, 'bin', 'picode.js');

export type { CliResult };

/**
 * A private world for the agents suites, on the shared harness (tests/support/world.ts): a tmux
 * server of its own, a fresh HOME, PICODE_HOME and XDG_CONFIG_HOME, a hermetic environment, a
 * project directory whose test fails until `add` is fixed, and the fake LLM server (the real
 * SDKs point at it through OPENAI_BASE_URL).
 */
export interface AgentsWorld {
  readonly socket: string;
  readonly home: string;
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  readonly llm: FakeLlm;
  tmux(...args: string[]): string;
  cli(args: string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult>;
  startHost(session: string): HostProcess;
  dispose(): Promise<void>;
}

export async function createAgentsWorld(): Promise<AgentsWorld> {
  const llm = await startFakeLlm();
  const world = createWorld({
    env: { OPENAI_BASE_URL: llm.openaiBaseUrl, OPENAI_API_KEY: 'sk-test-agents-0123456789abcdef' },
  });
  // The caller's Anthropic key must not pick another provider than the fake one.
  delete world.env.ANTHROPIC_API_KEY;
  const { socket, env, tmux } = world;
  const home = world.dir;
  env.XDG_CONFIG_HOME = join(home, 'config');
  const project = join(home, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'add.js'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(join(project, 'test.mjs'), "import { add } from './add.js';\nif (add(2, 3) !== 5) { console.error('FAIL: add(2, 3) = ' + add(2, 3)); process.exit(1); }\nconsole.log('PASS');\n");
  mkdirSync(join(home, 'config', 'picode'), { recursive: true });
  // The shipped plugins gate llm.request with a 100 ms deadline, which a loaded CI machine can
  // miss (failing closed): give them room so these suites test agents, not the machine's load.
  writeFileSync(join(home, 'config', 'picode', 'config.yaml'), 'models: openai:gpt-test\nfailover:\n  retries: 0\nplugins:\n  defaults:\n    eventDeadlineMs: 10000\n');
  const hosts: HostProcess[] = [];
  const cli = (args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> =>
    world.cli(args, { cwd: options.cwd ?? project, env: options.env, timeoutMs: options.timeoutMs ?? 30_000 });
  const startHost = (session: string): HostProcess => {
    const host = startHostProcess({ session, socket, cwd: project, env });
    hosts.push(host);
    return host;
  };
  const dispose = async () => {
    await stopHostProcesses(hosts);
    await world.dispose();
    await llm.close();
  };
  return { socket, home, project, env, llm, tmux, cli, startHost, dispose };
}

/** Polls until a check yields a value (the host suite's helper). */
export { until } from '../host/helpers.js';

export const samplePlan = {
  summary: 'Fix add() so the test passes.',
  steps: [
    { title: 'Run the failing test', detail: 'See how add() fails.', files: ['test.mjs'], commands: ['node test.mjs'], acceptance: 'the failure shows add(2, 3) = -1' },
    { title: 'Fix add()', detail: 'It subtracts; make it add.', files: ['add.js'], commands: [], acceptance: '`node test.mjs` prints PASS' },
  ],
};

/** A project hook on agent.tool.before in Claude Code's PreToolUse style: no `rm -rf` from agents. */
export const noRmRfHookConfig = [
  'hooks:',
  '  - name: no-rm-rf',
  '    event: agent.tool.before',
  '    match: { tool: run_command }',
  `    command: 'if grep -q "rm -rf"; then echo "no rm -rf from agents" >&2; exit 2; fi'`,
  '',
].join('\n');

/** Opens a pane view (`picode pane KIND`) in a new window of the session; returns its pane id. */
export function openPaneView(world: AgentsWorld, session: string, kind: string, extra: string[] = []): string {
  const command = [process.execPath, bin, 'pane', kind, '--session', session, ...extra].map((a) => `'${a}'`).join(' ');
  return world.tmux('new-window', '-d', '-P', '-F', '#{pane_id}', '-t', session, '-n', kind, '-c', world.project, command).trim();
}

export function capturePane(world: AgentsWorld, pane: string): string {
  return world.tmux('capture-pane', '-p', '-t', pane);
}

/** Waits until the pane shows the text; on timeout the error carries the screen and the host log. */
export async function paneShows(world: AgentsWorld, pane: string, text: string | RegExp, hostLog: () => string, timeoutMs = 30_000): Promise<string> {
  const { until } = await import('../host/helpers.js');
  let screen = '';
  try {
    return await until(`pane ${pane} to show ${String(text)}`, () => {
      screen = capturePane(world, pane);
      return (typeof text === 'string' ? screen.includes(text) : text.test(screen)) ? screen : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- the pane shows ---\n${screen}\n--- the host log ---\n${hostLog().slice(-3000)}`);
  }
}
