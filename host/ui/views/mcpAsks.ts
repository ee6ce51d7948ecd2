import { line, wrap, type Line } from '../frame.js';

/** A call of an MCP client waiting for a person (an item of `mcp.approvals.watch`). */
export interface McpApprovalRow {
  readonly id: number;
  readonly client: string;
  readonly run?: number | undefined;
  readonly tool: string;
  readonly args: unknown;
  readonly reason?: string | undefined;
  readonly since: number;
}

/**
 * The oldest MCP call waiting for approval, as the agent pane shows it: who asks (the MCP
 * client, and its picode run when known), which tool with which arguments, and why a hook
 * asked. `y` / `n` / `a` answer this one (`picode mcp approve ID ...` does the same).
 */
export function mcpApprovalLines(pending: readonly McpApprovalRow[], width: number): Line[] {
  const first = pending[0];
  if (!first) return [];
  const who = `${first.client}${first.run !== undefined ? ` (agent run #${first.run})` : ''}`;
  const args = JSON.stringify(first.args ?? {});
  const out: Line[] = [line(''), line(`MCP call ${first.id} waits for your approval:`, 'warn')];
  out.push(...wrap(`${who} asks to call ${first.tool} ${args.length > width * 3 ? `${args.slice(0, width * 3)}…` : args}`, width).map((t) => line(t, 'warn')));
  if (first.reason) out.push(...wrap(`(${first.reason})`, width).map((t) => line(t, 'dim')));
  if (pending.length > 1) out.push(line(`${pending.length - 1} more MCP call${pending.length > 2 ? 's wait' : ' waits'} after this one`, 'dim'));
  return out;
}

/**
 * Subscribes to the MCP calls waiting for approval. A view often connects while the host is
 * still starting its extensions (the socket is served first), so a method the MCP extension
 * has not registered yet is asked again each second for a while, until the connection ends.
 */
export async function watchMcpApprovals(
  client: { call<T>(method: string, params?: unknown): Promise<T>; readonly closed: Promise<void> },
  onChange: (pending: McpApprovalRow[]) => void,
): Promise<void> {
  let closed = false;
  void client.closed.then(() => { closed = true; });
  for (let attempt = 0; attempt < 120 && !closed; attempt++) {
    try {
      onChange((await client.call<{ pending: McpApprovalRow[] }>('mcp.approvals.watch')).pending);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
