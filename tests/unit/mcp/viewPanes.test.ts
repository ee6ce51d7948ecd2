import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { viewRoleOf } from '../../../host/mcp/viewPanes.js';
import type { PaneInfo } from '../../../host/mux/types.js';

const pane = (pid: number | undefined): PaneInfo => ({
  id: '%1', name: undefined, windowId: '@1', windowName: 'w', index: 0, width: 80, height: 24, active: true, command: 'node', cwd: '/', pid, dead: false,
});

/** Runs `sh -c 'exec -a ... sleep'`-like processes whose command lines look like picode's views. */
async function withProcess(argv: string[], check: (pid: number) => Promise<void>): Promise<void> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 50));
    await check(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

describe('finding picode\'s view panes from their process', () => {
  it('sees `picode pane agent` however it was started, and nothing else', async () => {
    await withProcess(['sh', '-c', 'sleep 5', 'picode-pane', '/x/bin/picode.js', 'pane', 'agent', '--session', 's'], async (pid) => {
      expect(await viewRoleOf(pane(pid))).toBe('agent');
    });
    await withProcess(['sh', '-c', "sleep 5 # 'node' '/x/bin/picode.js' 'pane' 'jobs'"], async (pid) => {
      expect(await viewRoleOf(pane(pid))).toBe('jobs');
    });
    await withProcess(['sh', '-c', 'sleep 5 # vim notes-about-picode pane agent-smith'], async (pid) => {
      expect(await viewRoleOf(pane(pid))).toBeUndefined();
    });
    expect(await viewRoleOf(pane(undefined))).toBeUndefined();
  });
});
