import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../../host/layout/load.js';
import { paneProgram, type PlanOptions } from '../../../host/mux/tmux/plan.js';
import type { LayoutNode, PaneSpec } from '../../../host/layout/model.js';
import { parseWith } from '../../../host/agents/external/kinds.js';
import { wiringFor } from '../../../host/agents/external/wiring.js';
import { meaningOf } from '../../../host/agents/external/hookEvents.js';

const root = resolve(__dirname, '..', '..', '..');
const options: PlanOptions = {
  session: 's', width: 120, height: 40, shell: '/bin/bash', shellInitArgv: undefined,
  picodeArgv: ['/usr/bin/node', '/pkg/bin/picode.js'], tmuxSocket: 'sock',
};

function panes(node: LayoutNode): PaneSpec[] {
  return node.kind === 'pane' ? [node] : node.children.flatMap(panes);
}

describe('external agents in layouts and on the command line', () => {
  it('a layout pane with `agent: claude` starts `picode agent --with claude` on itself, held after exit', async () => {
    const spec = await loadLayout(resolve(root, 'layouts', 'agents-external.yaml'), { cwd: root, env: {} });
    const claude = panes(spec.windows[0]!.root).find((p) => p.name === 'claude')!;
    expect(claude.agent).toEqual({ with: 'claude', task: '', worktree: true });
    expect(claude.onExit).toBe('hold');
    expect(paneProgram(claude, options)).toEqual([
      '/usr/bin/node', '/pkg/bin/picode.js', 'agent', '', '--with', 'claude', '--pane', 'self', '--session', 's', '--tmux-socket', 'sock', '--worktree',
    ]);
  });

  it('refuses `agent` together with `command`, and `task` without `agent`', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(resolve(tmpdir(), 'picode-layout-'));
    writeFileSync(resolve(dir, 'bad.yaml'), 'name: bad\nwindows:\n  - panes:\n      - { agent: claude, command: vim }\n      - { task: hello }\n');
    await expect(loadLayout(resolve(dir, 'bad.yaml'), { cwd: dir, env: {} })).rejects.toThrow(/either `agent` or `command`[\s\S]*only apply to a pane with `agent: KIND`/);
  });

  it('reads --with: kinds, command lines, and an unknown kind named with the known ones', () => {
    expect(parseWith('claude')).toEqual({ kind: 'claude', command: ['claude'] });
    expect(parseWith(`my-agent --flag 'two words'`)).toEqual({ kind: 'command', command: ['my-agent', '--flag', 'two words'] });
    expect(parseWith('./agent.sh')).toEqual({ kind: 'command', command: ['./agent.sh'] });
    expect(() => parseWith('cluade')).toThrow(/unknown agent kind "cluade"/);
  });

  it('wires Claude Code with http hooks whose token stays out of the command line', () => {
    const wiring = wiringFor({ kind: 'claude', hookUrl: 'http://127.0.0.1:9/hooks/3', token: 'secret-token', blockingTimeoutSeconds: 120 });
    expect(wiring.args[0]).toBe('--settings');
    expect(wiring.args.join(' ')).not.toContain('secret-token');
    const settings = JSON.parse(wiring.args[1]!) as { hooks: Record<string, Array<{ hooks: Array<{ type: string; timeout: number; headers: Record<string, string> }> }>> };
    expect(settings.hooks.PermissionRequest![0]!.hooks[0]).toMatchObject({ type: 'http', timeout: 130, headers: { 'x-picode-token': '$PICODE_HOOK_TOKEN' } });
    expect(wiring.env).toEqual({ PICODE_HOOK_URL: 'http://127.0.0.1:9/hooks/3', PICODE_HOOK_TOKEN: 'secret-token' });
  });

  it('reads what a hook call means, for Claude Code and Codex alike', () => {
    expect(meaningOf({ hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'needs you' })).toEqual({ kind: 'notification', status: 'waiting_approval', text: 'needs you' });
    expect(meaningOf({ type: 'agent-turn-complete', 'last-assistant-message': 'Done.' })).toEqual({ kind: 'turn.end', text: 'Done.', failed: undefined });
    expect(meaningOf({ hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_use_id: 't', tool_input: {}, error: 'boom' })).toMatchObject({ kind: 'tool.after', ok: false, output: 'boom' });
  });
});
