/**
 * Messages a person sends to a running agent. The loop drains the inbox before each model
 * call (so a message typed mid-run reaches the model at its next turn) and waits on it when
 * an interactive run has answered and has nothing left to do.
 */
export class AgentInbox {
  private readonly queue: string[] = [];
  private waiter: ((text: string | undefined) => void) | undefined;

  push(text: string): void {
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      resolve(text);
      return;
    }
    this.queue.push(text);
  }

  drain(): string[] {
    return this.queue.splice(0, this.queue.length);
  }

  get size(): number {
    return this.queue.length;
  }

  /** The next message; undefined when the signal aborts first. */
  next(signal: AbortSignal): Promise<string | undefined> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiter = undefined;
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (text) => {
        signal.removeEventListener('abort', onAbort);
        resolve(text);
      };
    });
  }
}
