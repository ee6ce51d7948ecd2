import type { HostClient } from '../ipc/client.js';
import type { LlmStatus } from '../llm/status.js';
import { line, wrap, type Line } from './frame.js';

/** How often and how long a view asks a host that does not answer yet (extensions start after the socket). */
const retries = 30;
const retryMs = 1000;

/**
 * What the plan and agent views say, as soon as they start, when the host has no usable LLM
 * provider for their requests: why, and what would enable one, wrapped to the pane's width.
 * Kept up to date by the host (`llm.status.watch`) when a config reload changes it.
 */
export class LlmNotice {
  private status: LlmStatus | undefined;

  constructor(private readonly purpose: 'plan' | 'agent') {}

  async subscribe(client: HostClient, redraw: () => void): Promise<void> {
    client.onNotification('llm.status.changed', (params) => {
      const p = params as { purpose: string; status: LlmStatus };
      if (p.purpose !== this.purpose) return;
      this.status = p.status;
      redraw();
    });
    // A view that connects while the host is still starting its extensions is asked again a
    // little later; a host without the llm extension never answers: nothing is said rather
    // than a guess, and the view works without it.
    const ask = async (attempt: number): Promise<void> => {
      try {
        this.status = await client.call<LlmStatus>('llm.status.watch', { purpose: this.purpose });
        if (attempt > 0) redraw();
      } catch {
        if (attempt < retries) setTimeout(() => void ask(attempt + 1), retryMs).unref();
      }
    };
    await ask(0);
  }

  set(status: LlmStatus | undefined): void {
    this.status = status;
  }

  /** None while a provider is usable. */
  lines(width: number): Line[] {
    const status = this.status;
    if (!status || status.usable) return [];
    const out = wrap(status.problem ?? 'no LLM provider is usable', width).map((t) => line(t, 'warn'));
    if (status.hint) out.push(...wrap(`To enable one: ${status.hint}`, width).map((t) => line(t, 'dim')));
    out.push(line(''));
    return out;
  }
}
