import type { IpcRegistry } from '../../api/hostApi.js';
import { int, objectParams, str } from '../params.js';
import type { AgentsRuntime } from '../runtime.js';
import type { AgentRunRecord } from '../runStore.js';
import type { ExternalAgents, ListedRun } from './service.js';

/** A run as `agent list` shows it, with or without a host (without one there are no external runs to decorate). */
export function listedRun(run: AgentRunRecord, external: ExternalAgents | undefined): ListedRun {
  return external ? external.listed(run) : { ...run, kind: 'picode', pane: run.workPane, statusSource: 'picode', since: run.updatedAt };
}

/**
 * IPC methods only external agents have: `agent.attention` (runs waiting for a person,
 * oldest first), `agent.select` (switch the tmux client to a run's pane) and
 * `agent.transcript` (the agent's own session file, read into picode's entries).
 */
export function externalMethods(ipc: IpcRegistry, rt: AgentsRuntime, external: ExternalAgents): void {
  ipc.register('agent.attention', () => rt.agents.list()
    .filter((r) => r.status === 'waiting_approval' || r.status === 'waiting_input')
    .map((r) => ({ ...external.listed(r), pendingApproval: external.pendingApproval(r.id) ?? null }))
    .sort((a, b) => a.since - b.since));
  ipc.register('agent.select', async (raw) => {
    const params = objectParams('agent.select', raw);
    return { pane: await external.select(int('agent.select', params, 'run'), str('agent.select', params, 'client', true)) };
  });
  // The pane's own process, for a run it started in place (Zellij): the agent's pid, then its end.
  ipc.register('agent.launched', (raw) => {
    const params = objectParams('agent.launched', raw);
    external.launched(int('agent.launched', params, 'run'), str('agent.launched', params, 'token'), int('agent.launched', params, 'pid'));
    return { ok: true };
  });
  ipc.register('agent.exited', (raw) => {
    const params = objectParams('agent.exited', raw);
    return external.exited(int('agent.exited', params, 'run'), str('agent.exited', params, 'token'),
      int('agent.exited', params, 'exitCode', true), str('agent.exited', params, 'signal', true));
  });
  ipc.register('agent.transcript', async (raw) => {
    const run = int('agent.transcript', objectParams('agent.transcript', raw), 'run');
    const record = external.external(run);
    const { importTranscript } = await import('./transcript.js');
    const imported = record ? importTranscript(record.kind, record.transcriptPath, record.agentSession) : undefined;
    if (!imported) return { source: 'picode', path: null, usage: null, entries: rt.runs.entries(run).map((e) => e.entry) };
    return { source: record!.kind, path: imported.path, usage: imported.usage, entries: imported.entries };
  });
}
