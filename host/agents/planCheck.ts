import type { PlanStepRecord } from './planStore.js';

/**
 * A plan step is done when its acceptance check ran and passed, not when an agent says so.
 * The check is the command the step's acceptance names (the planner is asked for "a command
 * and what it must show", written in backticks: "`npm test` passes"); it runs as a child
 * process in the plan's directory, and its exit code and output are kept with the step.
 */
export interface StepCheck {
  /** The command run, or undefined when the acceptance names none. */
  readonly command: string | undefined;
  readonly exitCode: number | null;
  /** The end of its output (stdout and stderr). */
  readonly output: string;
  /** `done` (passed), `failed` (ran and failed), `review` (could not be checked: a person decides). */
  readonly verdict: 'done' | 'failed' | 'review';
  readonly reason: string;
  readonly finishedAt: number;
}

/** Longest a check may run. */
export const checkTimeoutMs = 10 * 60_000;
const keptOutput = 4000;

/** The acceptance's command: its first backticked span (``` fences included), if any. */
export function acceptanceCommand(step: Pick<PlanStepRecord, 'acceptance'>): string | undefined {
  const fenced = /```(?:[a-z]*\n)?([\s\S]*?)```/.exec(step.acceptance);
  const inline = /`([^`\n]+)`/.exec(step.acceptance);
  const command = (fenced?.[1] ?? inline?.[1])?.trim();
  return command ? command.replace(/^\$\s+/, '') : undefined;
}

/** Runs the step's check (killing everything it started when it ends) and says what it shows. */
export async function runStepCheck(step: PlanStepRecord, options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number }): Promise<StepCheck> {
  const command = acceptanceCommand(step);
  if (!command) {
    return {
      command, exitCode: null, output: '', verdict: 'review', finishedAt: Date.now(),
      reason: `its acceptance names no command to run (${step.acceptance ? `"${step.acceptance.slice(0, 120)}"` : 'none given'}): check it and mark it done or failed`,
    };
  }
  const { runShellCommand } = await import('../hooks/shell.js');
  const timeoutMs = options.timeoutMs ?? checkTimeoutMs;
  const result = await runShellCommand(command, '', {
    cwd: options.cwd, env: options.env ?? process.env, timeoutMs, maxOutputBytes: 256 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const output = `${result.stdout}${result.stderr}`.slice(-keptOutput);
  const base = { command, exitCode: result.exitCode, output, finishedAt: Date.now() };
  if (result.spawnError) return { ...base, verdict: 'review', reason: `the check \`${command}\` could not start: ${result.spawnError}` };
  if (result.aborted) return { ...base, verdict: 'review', reason: `the check \`${command}\` was stopped before it finished (the host stopped)` };
  if (result.timedOut) return { ...base, verdict: 'failed', reason: `the check \`${command}\` did not finish within ${Math.round(timeoutMs / 1000)} s` };
  if (result.exitCode === 0) return { ...base, verdict: 'done', reason: `the check \`${command}\` passed (exit 0)` };
  return { ...base, verdict: 'failed', reason: `the check \`${command}\` failed (${result.exitCode === null ? `killed by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`})` };
}
