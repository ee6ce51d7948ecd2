import type { Command } from 'commander';
import { globalOptions } from '../globals.js';
import { PicodeError } from '../../core/errors.js';

const kinds = ['plan', 'agent', 'jobs', 'log'] as const;
type Kind = (typeof kinds)[number];

/**
 * `picode pane plan|agent|jobs|log`: the full-screen views layouts start in panes with those
 * roles. They talk to the session's host over IPC, redraw on its notifications and reconnect
 * when it restarts; `q` quits.
 */
export function define(program: Command): void {
  program.command('pane')
    .description("run one of picode's pane views: plan, agent, jobs or log (keys are listed on its bottom line)")
    .argument('<kind>', 'plan | agent | jobs | log')
    .option('--session <name>', 'session (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .option('--run <id>', 'agent: show this run instead of following the newest')
    .action(async (kind: string, opts: { session?: string; run?: string }, cmd: Command) => {
      if (!(kinds as readonly string[]).includes(kind)) {
        throw new PicodeError(`pane: unknown view "${kind}"`, { hint: `views: ${kinds.join(', ')}` });
      }
      const { resolveSessionTarget } = await import('../../ipc/target.js');
      const { session, tmuxSocket } = await resolveSessionTarget({ session: opts.session, tmuxSocket: globalOptions(cmd).tmuxSocket, command: 'pane' });
      const run = opts.run === undefined ? undefined : Number(opts.run);
      if (run !== undefined && (!Number.isInteger(run) || run < 1)) throw new PicodeError(`--run: expected a run id, got "${opts.run}"`);
      const [{ runView }, { connectHost }] = await Promise.all([import('../../ui/run.js'), import('../../ipc/client.js')]);
      const view = await createView(kind as Kind, session, run);
      await runView(view, { connect: () => connectHost(session, tmuxSocket) });
    });
}

async function createView(kind: Kind, session: string, run: number | undefined) {
  switch (kind) {
    case 'plan': return new (await import('../../ui/views/plan.js')).PlanView(session, process.cwd());
    case 'agent': return new (await import('../../ui/views/agent.js')).AgentView(session, run);
    case 'jobs': return new (await import('../../ui/views/jobs.js')).JobsView(session);
    case 'log': return new (await import('../../ui/views/log.js')).LogView(session);
  }
}
