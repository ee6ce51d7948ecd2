import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importZellijLayout } from '../../../host/layout/importers/zellij.js';
import { TmuxMux } from '../../../host/mux/tmux/tmux.js';
import { killTmuxServer } from '../../support/tmuxServer.js';
import { hermeticEnv } from '../../support/world.js';

/**
 * Zellij layouts run on tmux: Zellij's own bundled layouts (default, compact, strider) and a
 * project layout with tabs, templates, commands with args, cwd, sizes and focus, imported and
 * launched on a private tmux server; then checked from tmux's side (names, cwd, geometry,
 * the commands running).
 */
const socket = `picode-test-zellij-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const root = mkdtempSync(join(tmpdir(), 'picode-zellij-tmux-'));
const env = hermeticEnv({ SHELL: '/bin/sh', PICODE_HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'config') });
const mux = new TmuxMux({ socket, env });

beforeAll(() => {
  mkdirSync(join(root, 'project', 'web'), { recursive: true });
});

afterAll(() => {
  killTmuxServer(socket);
  rmSync(root, { recursive: true, force: true });
});

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Geometry { window: string; name: string; left: number; top: number; width: number; height: number; cwd: string; active: boolean }

function geometry(session: string): Geometry[] {
  return tmux('list-panes', '-s', '-t', `=${session}`, '-F', '#{window_name}\t#{@picode_name}\t#{pane_left}\t#{pane_top}\t#{pane_width}\t#{pane_height}\t#{pane_current_path}\t#{pane_active}')
    .trim().split('\n').map((line) => {
      const [window, name, left, top, width, height, cwd, active] = line.split('\t');
      return { window: window!, name: name!, left: Number(left), top: Number(top), width: Number(width), height: Number(height), cwd: cwd!, active: active === '1' };
    });
}

async function waitForText(target: string, text: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', target);
    if (screen.includes(text)) return screen;
    if (Date.now() > deadline) throw new Error(`"${text}" never appeared in ${target}:\n${screen}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const launch = { replace: false, width: 120, height: 40 };

describe("Zellij layouts launched on tmux", () => {
  it("runs Zellij's default, compact and strider layouts as one shell each", async () => {
    const bundled: Record<string, string> = {
      default: 'layout {\n    pane size=1 borderless=true {\n        plugin location="tab-bar"\n    }\n    pane\n    pane size=1 borderless=true {\n        plugin location="status-bar"\n    }\n}\n',
      compact: 'layout {\n    pane\n    pane size=1 borderless=true {\n        plugin location="compact-bar"\n    }\n}\n',
      strider: 'layout {\n    pane size=1 borderless=true {\n        plugin location="tab-bar"\n    }\n    pane split_direction="Vertical" {\n        pane size="20%" {\n            plugin location="strider"\n        }\n        pane\n    }\n    pane size=2 borderless=true {\n        plugin location="status-bar"\n    }\n}\n',
    };
    for (const [name, text] of Object.entries(bundled)) {
      const spec = importZellijLayout(text, { file: join(root, `${name}.kdl`), cwd: join(root, 'project'), env });
      const result = await mux.launch(spec, { ...launch, session: name });
      expect(result.panes).toHaveLength(1);
      const [pane] = geometry(name);
      expect(pane).toMatchObject({ width: 120, height: 40, cwd: join(root, 'project') });
    }
  });

  it('runs a project layout: tabs as windows, templates expanded, commands with args, cwd, sizes and focus', async () => {
    const text = `layout {
    default_tab_template {
        pane size=1 borderless=true {
            plugin location="tab-bar"
        }
        children
    }
    pane_template name="watch" close_on_exit=false {
        command "sh"
    }
    tab name="code" focus=true split_direction="vertical" {
        pane name="editor" size="30%"
        pane split_direction="horizontal" {
            watch name="tests" cwd="web" {
                args "-c" "echo zellij-import-ok; pwd; sleep 60"
            }
            pane name="shell" focus=true size=10
        }
    }
    tab name="logs" {
        pane name="tail" command="sh" {
            args "-c" "printf 'logs %s\\\\n' \\"ready\\"; sleep 60"
        }
    }
}
`;
    const spec = importZellijLayout(text, { file: join(root, 'project.kdl'), cwd: join(root, 'project'), env });
    expect(spec.unsupported).toEqual(['plugin pane tab-bar (a Zellij plugin; picode layouts have no plugin panes)']);
    const result = await mux.launch(spec, { ...launch, session: 'project' });
    expect(result.panes.map((p) => p.name)).toEqual(['editor', 'tests', 'shell', 'tail']);
    const panes = geometry('project');
    expect(panes.map((p) => p.window)).toEqual(['code', 'code', 'code', 'logs']);
    const [editor, tests, shell, tail] = panes as [Geometry, Geometry, Geometry, Geometry];
    // vertical = side by side: the editor is left of the stacked pair, at about 30% of 120 columns.
    expect(editor.left).toBe(0);
    expect(tests.left).toBeGreaterThan(editor.width);
    expect(Math.abs(editor.width - 36)).toBeLessThanOrEqual(1);
    // horizontal = stacked: tests above shell, shell 10 lines high.
    expect(tests.left).toBe(shell.left);
    expect(shell.top).toBeGreaterThan(tests.top);
    expect(shell.height).toBe(10);
    expect(shell.active).toBe(true);
    expect(tail.width).toBe(120);
    expect(tmux('display-message', '-p', '-t', '=project:', '#{window_name}').trim()).toBe('code');
    const screen = await waitForText('=project:code.1', 'zellij-import-ok');
    expect(screen).toContain(join(root, 'project', 'web'));
    await waitForText('=project:logs.0', 'logs ready');
  });

  it('runs a Zellij layout with `picode up file.kdl` (the CLI, on tmux), warning about what it leaves out', () => {
    const file = join(root, 'project', 'cli.kdl');
    writeFileSync(file, 'layout {\n    tab name="one" {\n        pane name="a"\n    }\n    tab name="two" split_direction="vertical" {\n        pane name="b"\n        pane name="c" size="25%"\n    }\n    floating_panes {\n        pane name="float"\n    }\n}\n');
    const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'picode.js');
    const result = spawnSync(process.execPath, [bin, '--tmux-socket', socket, 'up', file, '--detach', '--json'],
      { cwd: join(root, 'project'), env: { ...env, PICODE_NO_HOST: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    const launched = JSON.parse(result.stdout) as { session: string; format: string; unsupported: string[]; panes: Array<{ name: string }> };
    expect(launched).toMatchObject({ session: 'cli', format: 'zellij', unsupported: ['floating pane float (picode layouts have no floating panes)'] });
    expect(launched.panes.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(result.stderr).toContain('floating pane float');
    const panes = geometry('cli');
    expect(panes.map((p) => [p.window, p.name])).toEqual([['one', 'a'], ['two', 'b'], ['two', 'c']]);
    expect(Math.abs(panes[2]!.width - 20)).toBeLessThanOrEqual(1); // 25% of the 80 columns of a detached launch
  });
});
