import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../support/world.js';

/**
 * First contact (issue 12 §9): `picode layout check` of a tmuxp file warns about a misspelt key
 * with a did-you-mean, as picode's own format does, and a missing required key or value says
 * "missing" (never "unexpected nothing").
 */
describe('layout check of imported and own formats', () => {
  let world: World;
  beforeAll(() => { world = createWorld(); });
  afterAll(async () => { await world?.dispose(); });

  const check = (name: string, text: string) => {
    writeFileSync(join(world.dir, name), text);
    return world.cli(['layout', 'check', name]);
  };

  it('a tmuxp file with a misspelt key: a warning naming the key it resembles', async () => {
    const r = await check('misspelt.yaml', 'session_name: demo\nwindows:\n  - window_name: main\n    panes:\n      - shell_comand: echo hi\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning');
    expect(r.stderr).toContain('windows[0].panes[0].shell_comand (unknown key, did you mean "shell_command"?)');
    expect(r.stdout).toContain('not supported: windows[0].panes[0].shell_comand (unknown key, did you mean "shell_command"?)');
  });

  it('a tmuxp file without a required key says it is missing', async () => {
    const r = await check('nameless.yaml', 'windows:\n  - window_name: main\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nameless\.yaml:1: session_name: missing/);
    expect(r.stderr).not.toContain('unexpected');
  });

  it('an empty value where a command or pane belongs says what was expected', async () => {
    const r = await check('empty.yaml', 'name: x\nwindows:\n  - panes:\n    - command:\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/empty\.yaml:4: windows\[0\]\.panes\[0\]\.command: expected a string or a list, found null/);
    expect(r.stderr).not.toContain('unexpected');
  });
});
