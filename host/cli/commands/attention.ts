import type { Command } from 'commander';
import { withAgentsClient } from '../support.js';
import type { PendingApproval } from '../../agents/agentService.js';

interface Waiting {
  id: number; kind: string; status: string; pane?: string; since: number; task: string; pendingApproval: PendingApproval | null;
}

/**
 * `picode attention`: the agents waiting for a person (an approval or their next prompt),
 * oldest first; `--next` switches the tmux client to the oldest one's pane. `picode up` can
 * bind a key to it (docs/agents.md).
 */
export function define(program: Command): void {
  program.command('attention')
    .description('list agents waiting for approval or input, oldest first; --next switches to the oldest')
    .option('--next', 'switch the tmux client to the pane of the agent that has waited longest')
    .option('--json', 'print JSON')
    .option('--session <name>', 'session (default: PICODE_SESSION, else the current tmux session, else the only one with a host)')
    .action(async (opts: { next?: boolean; json?: boolean; session?: string }, cmd: Command) => {
      await withAgentsClient(cmd, opts.session, async (client) => {
        const waiting = await client.call<Waiting[]>('agent.attention');
        if (opts.next) {
          const first = waiting[0];
          if (!first) { process.stdout.write('no agent is waiting\n'); return; }
          const { pane } = await client.call<{ pane: string }>('agent.select', { run: first.id });
          process.stdout.write(opts.json ? `${JSON.stringify({ ...first, pane })}\n` : `agent #${first.id} (${first.kind}) ${first.status.replace('_', ' ')} in pane ${pane}\n`);
          return;
        }
        if (opts.json) { process.stdout.write(`${JSON.stringify(waiting)}\n`); return; }
        if (!waiting.length) { process.stdout.write('no agent is waiting\n'); return; }
        for (const w of waiting) {
          const what = w.pendingApproval ? `approve ${w.pendingApproval.call.name}? (picode agent approve ${w.id} yes|no|always)` : w.status.replace('_', ' ');
          process.stdout.write(`#${w.id}  ${w.kind.padEnd(8)} ${(w.pane ?? '-').padEnd(5)} waiting since ${new Date(w.since).toLocaleTimeString()}  ${what}  ${w.task.split('\n')[0]!.slice(0, 50)}\n`);
        }
      }, true);
    });
}

