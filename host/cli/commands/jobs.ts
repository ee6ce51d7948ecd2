import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { withAgentsClient, withParent } from '../support.js';
import type { JobRecord } from '../../jobs/types.js';
import { listOptions, listRequest, printListing } from '../listing.js';

/** `picode jobs [list|cancel|retry|resume]`: the background jobs of a session (or of this machine without a host). */
export function define(program: Command): void {
  const jobs = program.command('jobs')
    .description('list, cancel, retry and resume background jobs (plans, agent runs)')
    .option('--session <name>', 'session (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--status <list>', 'only these statuses, comma-separated (queued,running,done,failed,cancelled,interrupted)')
    .option('--json', 'print JSON')
    .action(async (opts: ListOptions, cmd: Command) => list(cmd, opts));
  listOptions(jobs, 'jobs', 100);

  listOptions(jobs.command('list'), 'jobs', 100)
    .description('list jobs, newest first, with stage, progress and duration')
    .option('--session <name>', 'session')
    .option('--status <list>', 'only these statuses, comma-separated')
    .option('--json', 'print JSON')
    .action(async (opts: ListOptions, cmd: Command) => list(cmd, withParent(cmd, opts)));

  for (const [name, description] of [
    ['cancel', 'cancel a queued, running or interrupted job'],
    ['retry', 'run a finished job again from its first stage'],
    ['resume', 'continue an interrupted (or failed) job at its first incomplete stage'],
  ] as const) {
    jobs.command(name)
      .description(description)
      .argument('<job>', 'job id')
      .option('--session <name>', 'session')
      .option('--json', 'print the job as JSON')
      .action(async (id: string, opts: { session?: string; json?: boolean }, cmd: Command) => {
        opts = withParent(cmd, opts);
        const job = Number(id);
        if (!Number.isInteger(job) || job < 1) throw new PicodeError(`jobs ${name}: expected a job id, got "${id}"`, { hint: 'see the ids with `picode jobs list`' });
        await withAgentsClient(cmd, opts.session, async (client) => {
          const result = await client.call<JobRecord>(`jobs.${name}`, { job });
          if (client.standalone && name !== 'cancel') {
            process.stderr.write(`job #${job} runs in this process (no host)…\n`);
            await client.idle();
            const final = await client.call<JobRecord>('jobs.get', { job });
            process.stdout.write(opts.json ? `${JSON.stringify(final)}\n` : `job #${final.id}: ${final.status}${final.error ? ` (${final.error})` : ''}\n`);
            if (final.status !== 'done') process.exitCode = 1;
            return;
          }
          process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `job #${result.id}: ${result.status}\n`);
        });
      });
  }
}

interface ListOptions { session?: string; status?: string; json?: boolean; limit: number; all?: boolean }

async function list(cmd: Command, opts: ListOptions): Promise<void> {
  const { formatDuration } = await import('../../ui/frame.js');
  await withAgentsClient(cmd, opts.session, (client) => printListing({
    fetch: (page) => client.call<JobRecord[]>('jobs.list', { ...page, ...(opts.status ? { status: opts.status } : {}) }),
    keyOf: (j) => j.id, request: listRequest(opts, 'newestFirst'), json: opts.json === true, empty: 'no jobs',
    print: (rows) => printJobs(rows, formatDuration),
  }));
}

/** One line per job: status, kind, stage, progress, duration, title. */
function printJobs(rows: readonly JobRecord[], formatDuration: (ms: number) => string): void {
  for (const j of rows) {
    const end = j.finishedAt ?? (j.status === 'running' ? Date.now() : undefined);
    const duration = j.startedAt !== undefined && end !== undefined ? formatDuration(end - j.startedAt) : '';
    const stage = `${j.stage ?? '-'} ${j.stagesDone}/${j.stages.length}`;
    process.stdout.write(`#${String(j.id).padEnd(4)} ${j.status.padEnd(11)} ${j.kind.padEnd(6)} ${stage.padEnd(16)} ${String(Math.round(j.progress * 100)).padStart(3)}%  ${duration.padEnd(7)} ${j.title}${j.error ? `  (${j.error})` : ''}\n`);
  }
}

