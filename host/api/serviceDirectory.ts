import type { HostServices, ServiceName, ServiceRegistry, Unsubscribe } from './hostApi.js';

/** The host's one ServiceRegistry: what extensions provide each other, with waiters for late ones. */
export class ServiceDirectory implements ServiceRegistry {
  private readonly services = new Map<ServiceName, unknown>();
  private readonly waiters = new Map<ServiceName, Array<(service: unknown) => void>>();

  provide<K extends ServiceName>(name: K, service: HostServices[K]): Unsubscribe {
    if (this.services.has(name)) throw new Error(`service ${String(name)} is provided twice`);
    this.services.set(name, service);
    for (const wake of this.waiters.get(name)?.splice(0) ?? []) wake(service);
    return () => {
      if (this.services.get(name) === service) this.services.delete(name);
    };
  }

  get<K extends ServiceName>(name: K): HostServices[K] | undefined {
    return this.services.get(name) as HostServices[K] | undefined;
  }

  when<K extends ServiceName>(name: K, timeoutMs: number): Promise<HostServices[K] | undefined> {
    const now = this.get(name);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const list = this.waiters.get(name) ?? [];
      this.waiters.set(name, list);
      const wake = (service: unknown): void => { clearTimeout(timer); resolve(service as HostServices[K]); };
      const timer = setTimeout(() => {
        const i = list.indexOf(wake);
        if (i >= 0) list.splice(i, 1);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      list.push(wake);
    });
  }
}
