import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The real coding-agent CLIs the external-agent tests drive, pinned and installed on demand
 * into a cache outside the repository (`~/.cache/picode-test-tools/<name>-<version>/`, by
 * `npm install --prefix`), never picode dependencies. `done.flag` marks a finished install.
 * When one cannot be installed the tests that need it skip, except when CI=true: there they
 * fail, so a CI run never passes by skipping the real thing.
 */
export interface AgentCli {
  readonly name: 'claude-code' | 'codex';
  readonly pkg: string;
  readonly version: string;
  readonly bin: string;
}

export const agentClis = {
  claude: { name: 'claude-code', pkg: '@anthropic-ai/claude-code', version: '2.1.328', bin: 'claude' },
  codex: { name: 'codex', pkg: '@openai/codex', version: '0.169.0', bin: 'codex' },
} as const satisfies Record<string, AgentCli>;

export function toolsCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.PICODE_TEST_TOOLS ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'picode-test-tools');
}

/** The directory holding the CLI's executable (`node_modules/.bin`), installing it first when needed; undefined when it cannot be had. */
export function ensureAgentCli(cli: AgentCli, env: NodeJS.ProcessEnv = process.env): { binDir: string } | { error: string } {
  const dir = join(toolsCache(env), `${cli.name}-${cli.version}`);
  const binDir = join(dir, 'node_modules', '.bin');
  const works = (): boolean => spawnSync(join(binDir, cli.bin), ['--version'], { encoding: 'utf8', timeout: 60_000 }).status === 0;
  if (existsSync(join(binDir, cli.bin)) && (existsSync(join(dir, 'done.flag')) || works())) return { binDir };
  mkdirSync(dir, { recursive: true });
  const install = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', `${cli.pkg}@${cli.version}`], { encoding: 'utf8', timeout: 600_000 });
  if (install.status !== 0 || !works()) return { error: `installing ${cli.pkg}@${cli.version} into ${dir} failed: ${(install.stderr || install.error?.message || '').slice(-800)}` };
  writeFileSync(join(dir, 'done.flag'), `${cli.pkg}@${cli.version}\n`);
  return { binDir };
}

/** For `describe.skipIf`: whether tests needing the CLI run; under CI=true a failed install throws instead. */
export function agentCliOrSkip(cli: AgentCli): { binDir: string } | undefined {
  const result = ensureAgentCli(cli);
  if ('binDir' in result) return result;
  if (process.env.CI === 'true') throw new Error(`${result.error}\n(CI=true: the external agent tests need the real ${cli.pkg})`);
  console.warn(`skipping: ${result.error}`);
  return undefined;
}
