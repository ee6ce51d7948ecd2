import { describe, expect, it } from 'vitest';
import { ServiceDirectory } from '../../../host/api/serviceDirectory.js';

describe('the host\'s service directory', () => {
  const runtime = { name: 'plugins' } as never;

  it('gives a provided service to whoever asks, until it is withdrawn', () => {
    const services = new ServiceDirectory();
    expect(services.get('plugins')).toBeUndefined();
    const withdraw = services.provide('plugins', runtime);
    expect(services.get('plugins')).toBe(runtime);
    expect(() => services.provide('plugins', runtime)).toThrow(/provided twice/);
    withdraw();
    expect(services.get('plugins')).toBeUndefined();
  });

  it('wakes a waiter when an extension starting later provides the service', async () => {
    const services = new ServiceDirectory();
    const waiting = services.when('plugins', 60_000);
    services.provide('plugins', runtime);
    await expect(waiting).resolves.toBe(runtime);
    await expect(services.when('plugins', 60_000)).resolves.toBe(runtime);
  });

  it('answers undefined when nothing provides it in time', async () => {
    const services = new ServiceDirectory();
    await expect(services.when('llm', 1)).resolves.toBeUndefined();
  });
});
