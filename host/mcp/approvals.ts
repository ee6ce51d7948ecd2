import { PicodeError } from '../core/errors.js';
import type { ApprovalAnswer } from '../../src/agents/policy.js';

/** A call of an MCP client waiting for a person (`picode mcp approve ID yes|no|always`). */
export interface PendingMcpApproval {
  readonly id: number;
  readonly client: string;
  readonly run: number | undefined;
  readonly tool: string;
  readonly args: unknown;
  readonly reason: string | undefined;
  readonly since: number;
}

/**
 * Calls that the policy or a gate sent to a person. Each waits until it is answered, its
 * caller goes away, or the timeout passes (then it is denied: nobody said yes). "always"
 * allows that tool for that client until the host stops.
 */
export class McpApprovals {
  private nextId = 1;
  private readonly pending = new Map<number, PendingMcpApproval & { resolve: (answer: ApprovalAnswer | undefined) => void }>();
  private readonly always = new Set<string>();
  private readonly listeners = new Set<(pending: readonly PendingMcpApproval[]) => void>();

  constructor(private readonly timeoutMs: number) {}

  isAlwaysAllowed(client: string, tool: string): boolean {
    return this.always.has(`${client}\0${tool}`);
  }

  /** Resolves with the answer, or undefined when the caller left or nobody answered in time. */
  request(fields: Omit<PendingMcpApproval, 'id' | 'since'>, signal: AbortSignal, onRequested: (pending: PendingMcpApproval) => void): Promise<ApprovalAnswer | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const finish = (answer: ApprovalAnswer | undefined): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (!this.pending.delete(id)) return;
        if (answer === 'always') this.always.add(`${fields.client}\0${fields.tool}`);
        this.changed();
        resolve(answer);
      };
      const onAbort = (): void => finish(undefined);
      const timer = setTimeout(() => finish(undefined), this.timeoutMs);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
      const entry = { ...fields, id, since: Date.now(), resolve: finish };
      this.pending.set(id, entry);
      this.changed();
      onRequested(publicView(entry));
    });
  }

  answer(id: number, answer: ApprovalAnswer): PendingMcpApproval {
    const entry = this.pending.get(id);
    if (!entry) {
      const waiting = [...this.pending.keys()];
      throw new PicodeError(`no MCP call ${id} is waiting for an approval`, {
        hint: waiting.length ? `waiting: ${waiting.join(', ')} (see \`picode mcp approvals\`)` : 'nothing is waiting (it may have timed out, or its client went away)',
      });
    }
    entry.resolve(answer);
    return publicView(entry);
  }

  list(): PendingMcpApproval[] {
    return [...this.pending.values()].map(publicView);
  }

  watch(listener: (pending: readonly PendingMcpApproval[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Denies everything still waiting (the host stops). */
  close(): void {
    for (const entry of [...this.pending.values()]) entry.resolve(undefined);
  }

  private changed(): void {
    const list = this.list();
    for (const l of this.listeners) {
      try { l(list); } catch { /* a broken watcher must not block approvals */ }
    }
  }
}

function publicView(entry: PendingMcpApproval): PendingMcpApproval {
  return { id: entry.id, client: entry.client, run: entry.run, tool: entry.tool, args: entry.args, reason: entry.reason, since: entry.since };
}
