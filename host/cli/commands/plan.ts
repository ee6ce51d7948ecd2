import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import type { AgentsClient } from '../../agents/client.js';
import { positiveInt, withAgentsClient, withParent } from '../support.js';
import type { PlanRecord } from '../../agents/planStore.js';
import { listOptions, listRequest, printListing } from '../listing.js';

/**
 * `picode plan "TASK"` generates a plan as a background job in the session's host (shown in
 * the plan pane), or in this process when no host runs; `plan show|list|revise|step` read
 * and change plans.
 */
export function define(program: Command): void {
  const plan = program.command('plan')
    .description('generate a plan for a task (a background job in the host), show it, revise it')
    .argument('[task]', 'the task to plan')
    .option('--model <model>', 'model (`provider:model` or an alias); default: config `plans.model`, then the `models` chain')
    .option('--wait', 'wait for the plan and print it (always on without a host)')
    .option('--session <name>', 'session (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--json', 'print the plan as JSON')
    .action(async (task: string | undefined, opts: { model?: string; wait?: boolean; session?: string; json?: boolean }, cmd: Command) => {
      if (!task) {
        cmd.help({ error: true });
        return;
      }
      await withAgentsClient(cmd, opts.session, async (client) => {
        const waiter = opts.wait || client.standalone ? await watchPlans(client) : undefined;
        const created = await client.call<{ plan: PlanRecord; job: { id: number } }>('plan.create', { task, model: opts.model, cwd: process.cwd() });
        if (!waiter) {
          process.stdout.write(opts.json ? `${JSON.stringify(created.plan)}\n` : `plan #${created.plan.id} is being generated (job #${created.job.id}); it appears in the plan pane, or run \`picode plan show ${created.plan.id}\`\n`);
          return;
        }
        if (!opts.json) process.stderr.write(`generating plan #${created.plan.id} (job #${created.job.id})…\n`);
        printPlan(await waiter(created.plan.id), opts.json === true);
      });
    });

  plan.command('show')
    .description('print a plan with its steps (default: the current plan of the session)')
    .argument('[plan]', 'plan id')
    .option('--session <name>', 'session')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, opts: { session?: string; json?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, async (client) => {
        const found = await client.call<PlanRecord | null>('plan.get', id === undefined ? {} : { plan: positiveInt(id, 'PLAN') });
        if (!found) {
          if (opts.json) process.stdout.write('null\n');
          else process.stdout.write('no plan yet: create one with `picode plan "TASK"`\n');
          return;
        }
        printPlan(found, opts.json === true);
      });
    });

  listOptions(plan.command('list'), 'plans', 50)
    .description('list plans, newest first')
    .option('--session <name>', 'session')
    .option('--json', 'print JSON')
    .action(async (opts: { session?: string; json?: boolean; limit: number; all?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, (client) => printListing({
        fetch: (page) => client.call<PlanRecord[]>('plan.list', page), keyOf: (p) => p.id, request: listRequest(opts, 'newestFirst'),
        json: opts.json === true, empty: 'no plans',
        print: (plans) => { for (const p of plans) process.stdout.write(`#${p.id}  rev ${p.revision}  ${p.status.padEnd(10)} ${String(p.steps.length).padStart(2)} steps  ${p.task.slice(0, 70)}\n`); },
      }));
    });

  plan.command('revise')
    .description('ask for a revision of a plan; the new revision supersedes it once ready')
    .argument('<plan>', 'plan id')
    .argument('<feedback>', 'what should change')
    .option('--wait', 'wait for the revision and print it')
    .option('--session <name>', 'session')
    .option('--json', 'print JSON')
    .action(async (id: string, feedback: string, opts: { wait?: boolean; session?: string; json?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      await withAgentsClient(cmd, opts.session, async (client) => {
        const waiter = opts.wait || client.standalone ? await watchPlans(client) : undefined;
        const created = await client.call<{ plan: PlanRecord; job: { id: number } }>('plan.revise', { plan: positiveInt(id, 'PLAN'), feedback, cwd: process.cwd() });
        if (!waiter) {
          process.stdout.write(opts.json ? `${JSON.stringify(created.plan)}\n` : `revision ${created.plan.revision} of the plan is plan #${created.plan.id} (job #${created.job.id})\n`);
          return;
        }
        printPlan(await waiter(created.plan.id), opts.json === true);
      });
    });

  plan.command('step')
    .description('act on a step: approve, unapprove, skip, done, fail, reset, or agent (hand it to an agent run)')
    .argument('<step>', 'step id (as printed by `picode plan show`)')
    .argument('<action>', 'approve | unapprove | skip | done | fail | reset | agent')
    .option('--model <model>', 'model for the agent (action agent)')
    .option('--session <name>', 'session')
    .option('--json', 'print the plan as JSON')
    .action(async (step: string, action: string, opts: { model?: string; session?: string; json?: boolean }, cmd: Command) => {
      opts = withParent(cmd, opts);
      const actions = ['approve', 'unapprove', 'skip', 'done', 'fail', 'reset', 'agent'];
      if (!actions.includes(action)) throw new PicodeError(`plan step: unknown action "${action}"`, { hint: `actions: ${actions.join(', ')}` });
      await withAgentsClient(cmd, opts.session, async (client) => {
        const updated = await client.call<PlanRecord>('plan.step', { step: positiveInt(step, 'STEP'), action, model: opts.model, cwd: process.cwd() });
        printPlan(updated, opts.json === true);
      }, action === 'agent');
    });
}

/** Subscribes before the plan is requested, so its end cannot be missed. */
async function watchPlans(client: AgentsClient): Promise<(id: number) => Promise<PlanRecord>> {
  const seen = new Map<number, PlanRecord>();
  const waiting = new Map<number, (plan: PlanRecord) => void>();
  const settle = (plan: PlanRecord) => {
    seen.set(plan.id, plan);
    if (plan.status !== 'generating') waiting.get(plan.id)?.(plan);
  };
  client.onNotification('plan.changed', (params) => settle((params as { plan: PlanRecord }).plan));
  await client.call('plan.watch');
  return (id) => new Promise<PlanRecord>((resolve, reject) => {
    waiting.set(id, (plan) => (plan.status === 'failed' ? reject(new PicodeError(`plan #${id} failed: ${plan.error ?? 'unknown error'}`, {
      hint: 'see `picode jobs list` for the job, and `picode doctor` for the providers',
    })) : resolve(plan)));
    const known = seen.get(id);
    if (known) settle(known);
  });
}

function printPlan(plan: PlanRecord, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(plan)}\n`);
    return;
  }
  const lines = [`plan #${plan.id}${plan.revision > 1 ? ` (revision ${plan.revision})` : ''} · ${plan.status} · ${plan.task}`];
  if (plan.error) lines.push(`error: ${plan.error}`);
  if (plan.summary) lines.push('', plan.summary);
  for (const s of plan.steps) {
    lines.push('', `${s.position}. [${s.status}${s.approved ? ', approved' : ''}${s.assignee ? `, ${s.assignee}` : ''}] ${s.title}   (step ${s.id})`);
    if (s.detail) lines.push(`   ${s.detail}`);
    if (s.files.length) lines.push(`   files: ${s.files.join(', ')}`);
    for (const c of s.commands) lines.push(`   $ ${c}`);
    if (s.acceptance) lines.push(`   done when: ${s.acceptance}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

