import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The pinned Claude Code for these tests, installed on demand outside the repository (never a dependency). */
export const claudeCodeVersion = '2.1.328';

/**
 * Path of the `claude` binary in `~/.cache/picode-test-tools/claude-code-VERSION/`, installing it
 * there first when it is missing. Undefined when it cannot be installed (no network); under
 * CI=true that is an error, so the test fails instead of skipping.
 */
export function claudeCodeBinary(): string | undefined {
  const dir = join(process.env.PICODE_TEST_TOOLS ?? join(homedir(), '.cache', 'picode-test-tools'), `claude-code-${claudeCodeVersion}`);
  const bin = join(dir, 'node_modules', '.bin', 'claude');
  if (existsSync(join(dir, 'done.flag')) && existsSync(bin)) return bin;
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', `@anthropic-ai/claude-code@${claudeCodeVersion}`], { stdio: 'ignore', timeout: 600_000 });
    writeFileSync(join(dir, 'done.flag'), `${new Date().toISOString()}\n`);
    return bin;
  } catch (error) {
    if (process.env.CI === 'true') throw new Error(`cannot install Claude Code ${claudeCodeVersion} into ${dir}: ${(error as Error).message}`);
    return undefined;
  }
}
