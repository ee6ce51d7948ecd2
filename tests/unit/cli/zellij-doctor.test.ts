import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doctorChecks } from '../../../host/mux/zellij/doctor.js';
import { startFakeZellij, type FakeZellij } from '../../fixtures/zellij/harness.js';

let fake: FakeZellij;
beforeEach(() => { fake = startFakeZellij(); });
afterEach(() => {
  const violations = fake.violations();
  fake.cleanup();
  expect(violations).toEqual([]);
});

describe("picode doctor's Zellij checks", () => {
  it('reports the version, the session we run in, the sessions, and a socket directory too long for names', async () => {
    const checks = await doctorChecks({ ...fake.env, ZELLIJ: '0', ZELLIJ_SESSION_NAME: 'main', ZELLIJ_SOCKET_DIR: `/tmp/${'x'.repeat(80)}` });
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['zellij', 'ok'], ['zellij session', 'ok'], ['zellij sessions', 'ok'], ['zellij socket path', 'warn'],
    ]);
    expect(checks[1]!.detail).toContain('inside Zellij session main');
    expect(checks[3]!.fix).toContain('ZELLIJ_SOCKET_DIR');
  });

  it('says Zellij is missing, with how to install it, when it is not on PATH', async () => {
    const checks = await doctorChecks({ ...fake.env, PATH: '/nonexistent' });
    expect(checks).toEqual([expect.objectContaining({ name: 'zellij', status: 'missing', fix: expect.stringContaining('install Zellij 0.45') })]);
  });
});
