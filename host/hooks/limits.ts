/**
 * The two limits that keep a storm of events from taking the machine: a token bucket per
 * hook (runs per window) and a counting semaphore with a bounded queue for shell processes.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly refillPerMs: number;

  constructor(private readonly capacity: number, windowMs: number, private readonly now: () => number = Date.now) {
    this.tokens = capacity;
    this.last = now();
    this.refillPerMs = capacity / windowMs;
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (t - this.last) * this.refillPerMs);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number, private readonly maxQueued: number) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function, or with undefined when the queue is full (the caller drops the work). */
  acquire(): Promise<(() => void) | undefined> {
    if (this.active < this.slots) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueued) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.active++;
        resolve(this.releaser());
      });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
    };
  }
}
