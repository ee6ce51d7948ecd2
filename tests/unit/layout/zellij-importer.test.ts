import { describe, expect, it } from 'vitest';
import { importZellijLayout } from '../../../host/layout/importers/zellij.js';
import { panesOf, type LayoutNode, type SessionSpec } from '../../../host/layout/model.js';

const ctx = { file: '/layouts/work.kdl', cwd: '/home/dev/project', env: { HOME: '/home/dev', EDITOR: 'nvim' } };
const load = (text: string): SessionSpec => importZellijLayout(text, ctx);

/** A compact picture of a tree: panes by name (or command), splits as row(...) / column(...). */
function shape(node: LayoutNode): string {
  if (node.kind === 'pane') {
    const label = node.name ?? (Array.isArray(node.command) ? node.command.join(' ') : node.role);
    return node.size ? `${label}@${'percent' in node.size ? `${node.size.percent}%` : node.size.cells}` : label;
  }
  const size = node.size ? `@${'percent' in node.size ? `${node.size.percent}%` : node.size.cells}` : '';
  return `${node.direction}(${node.children.map(shape).join(', ')})${size}`;
}

// Zellij's bundled layouts (zellij-utils/assets/layouts), verbatim.
const DEFAULT = `layout {
    pane size=1 borderless=true {
        plugin location="tab-bar"
    }
    pane
    pane size=1 borderless=true {
        plugin location="status-bar"
    }
}
`;
const COMPACT = `layout {
    pane
    pane size=1 borderless=true {
        plugin location="compact-bar"
    }
}
`;
const STRIDER = `layout {
    pane size=1 borderless=true {
        plugin location="tab-bar"
    }
    pane split_direction="Vertical" {
        pane size="20%" {
            plugin location="strider"
        }
        pane
    }
    pane size=2 borderless=true {
        plugin location="status-bar"
    }
}
`;

describe('importing Zellij layouts', () => {
  it("imports Zellij's default, compact and strider layouts as one shell, reporting their plugin panes", () => {
    for (const [text, plugins] of [[DEFAULT, ['tab-bar', 'status-bar']], [COMPACT, ['compact-bar']], [STRIDER, ['tab-bar', 'strider', 'status-bar']]] as const) {
      const spec = load(text);
      expect(spec.windows).toHaveLength(1);
      expect(shape(spec.windows[0]!.root)).toBe('shell');
      expect(spec.unsupported).toEqual(plugins.map((p) => `plugin pane ${p} (a Zellij plugin; picode layouts have no plugin panes)`));
      expect(spec.source).toEqual({ format: 'zellij', file: '/layouts/work.kdl' });
      expect(spec.name).toBe('work');
      expect(spec.windows[0]!.root).toMatchObject({ cwd: '/home/dev/project', onExit: 'shell', command: undefined });
    }
  });

  it('maps split_direction, sizes, names, focus, commands with args, cwd and close_on_exit', () => {
    const spec = load(`layout {
    pane split_direction="vertical" {
        pane size="30%" name="monitor" command="htop" focus=true
        pane size="70%" name="logs" command="tail" cwd="/var/log" close_on_exit=true {
            args "-f" "syslog"
        }
    }
    pane size=10 name="shell" cwd="sub"
}`);
    const root = spec.windows[0]!.root;
    expect(shape(root)).toBe('column(row(monitor@30%, logs@70%), shell@10)');
    const [monitor, logs, shell] = [...panesOf(root)];
    expect(monitor).toMatchObject({ command: ['htop'], focus: true, onExit: 'hold', cwd: '/home/dev/project' });
    expect(logs).toMatchObject({ command: ['tail', '-f', 'syslog'], onExit: 'close', cwd: '/var/log' });
    expect(shell).toMatchObject({ command: undefined, onExit: 'shell', cwd: '/home/dev/project/sub' });
  });

  it('makes tabs windows, composing cwd: layout, then tab, then pane', () => {
    const spec = load(`layout {
    cwd "/srv"
    tab name="api" cwd="api" {
        pane cwd="src"
    }
    tab name="web" focus=true split_direction="vertical" {
        pane
        pane cwd="/abs"
    }
}`);
    expect(spec.windows.map((w) => [w.name, w.focus, w.cwd])).toEqual([['api', false, '/srv/api'], ['web', true, '/srv']]);
    expect((spec.windows[0]!.root as { cwd: string }).cwd).toBe('/srv/api/src');
    expect(shape(spec.windows[1]!.root)).toBe('row(shell, shell)');
    expect([...panesOf(spec.windows[1]!.root)].map((p) => p.cwd)).toEqual(['/srv', '/abs']);
    expect(spec.cwd).toBe('/srv');
  });

  it('expands pane_template: properties overridden, args appended, children filled', () => {
    const spec = load(`layout {
    pane_template name="dev" split_direction="vertical" {
        pane name="editor" size="60%"
        children
    }
    pane_template name="runner" command="cargo" close_on_exit=true {
        args "run"
    }
    dev {
        runner name="tests" {
            args "--" "--test-threads=1"
        }
    }
    runner name="plain" close_on_exit=false
}`);
    const root = spec.windows[0]!.root;
    expect(shape(root)).toBe('column(row(editor@60%, tests), plain)');
    const [, tests, plain] = [...panesOf(root)];
    expect(tests).toMatchObject({ command: ['cargo', 'run', '--', '--test-threads=1'], onExit: 'close' });
    expect(plain).toMatchObject({ command: ['cargo', 'run'], onExit: 'hold' });
  });

  it('expands default_tab_template and tab_template around each tab', () => {
    const spec = load(`layout {
    default_tab_template {
        pane size=1 borderless=true {
            plugin location="tab-bar"
        }
        children
        pane size=2 borderless=true {
            plugin location="status-bar"
        }
    }
    tab_template name="with-logs" split_direction="vertical" {
        children
        pane name="logs" size="25%" command="journalctl" {
            args "-f"
        }
    }
    tab name="edit" {
        pane name="vim" command="vim"
        pane name="term"
    }
    with-logs name="run" {
        pane name="server"
    }
}`);
    expect(spec.windows.map((w) => w.name)).toEqual(['edit', 'run']);
    expect(shape(spec.windows[0]!.root)).toBe('column(vim, term)');
    expect(shape(spec.windows[1]!.root)).toBe('row(server, logs@25%)');
    expect(spec.windows[0]!.focus).toBe(true); // the first tab, when none asks for focus
    expect(spec.unsupported).toEqual(['plugin pane tab-bar (a Zellij plugin; picode layouts have no plugin panes)', 'plugin pane status-bar (a Zellij plugin; picode layouts have no plugin panes)']);
  });

  it('puts root panes into default_tab_template, and an empty children into a shell', () => {
    const spec = load(`layout {
    default_tab_template split_direction="vertical" {
        pane name="side" size=30
        children
    }
    pane name="main"
}`);
    expect(shape(spec.windows[0]!.root)).toBe('row(side@30, main)');
    const empty = load('layout {\n    default_tab_template {\n        pane name="top"\n        children\n    }\n}\n');
    expect(shape(empty.windows[0]!.root)).toBe('column(top, shell)');
  });

  it('reports floating panes, swap layouts, start_suspended and stacked by name', () => {
    const spec = load(`layout {
    pane stacked=true {
        pane name="a" command="ls" start_suspended=true
        pane name="b"
    }
    floating_panes {
        pane name="scratch" x="10%" y=2 width="80%" height="80%"
        pane command="lazygit"
    }
    swap_tiled_layout name="wide" {
        tab max_panes=4 {
            pane
        }
    }
    new_tab_template {
        pane
    }
}`);
    expect(shape(spec.windows[0]!.root)).toBe('column(a, b)');
    expect(spec.unsupported).toEqual([
      'stacked panes (shown as a column split)',
      'floating pane scratch (picode layouts have no floating panes)',
      'floating pane lazygit (picode layouts have no floating panes)',
      'swap_tiled_layout wide (picode layouts have no swap layouts)',
      'new_tab_template (only used for tabs opened later in Zellij)',
      'start_suspended (a) (the command starts immediately)',
    ]);
  });

  it('opens `edit` panes in $EDITOR and reads picode pane views back as roles', () => {
    const spec = load(`layout {
    pane edit="README.md"
    pane name="plan" command="picode" {
        args "pane" "plan" "--session" "work"
    }
}`);
    const [edit, plan] = [...panesOf(spec.windows[0]!.root)];
    expect(edit).toMatchObject({ command: ['nvim', '/home/dev/project/README.md'], role: 'shell' });
    expect(plan).toMatchObject({ role: 'plan', command: undefined, name: 'plan' });
  });

  it('accepts KDL v2 and a last node without ";" before "}"', () => {
    const v2 = load('layout {\n    pane split_direction=vertical focus=#true {\n        pane; pane\n    }\n}\n');
    expect(shape(v2.windows[0]!.root)).toBe('row(shell, shell)');
    const terse = load('layout { pane split_direction="vertical" { pane command="a"; pane command="b" } }');
    expect(shape(terse.windows[0]!.root)).toBe('row(a, b)');
  });

  it('imports a session layout as Zellij dumps it (dump-layout, resurrection)', () => {
    const spec = load(`layout {
    cwd "/home/dev"
    tab name="Tab #1" focus=true hide_floating_panes=true {
        pane size=1 borderless=true {
            plugin location="zellij:tab-bar"
        }
        pane split_direction="vertical" {
            pane cwd="project" size="50%" focus=true
            pane command="htop" cwd="project" size="50%" {
                start_suspended true
            }
        }
        pane size=2 borderless=true {
            plugin location="zellij:status-bar"
        }
        floating_panes {
            pane command="lazygit" cwd="project" {
                x 10
                y 5
                width "80%"
                height "80%"
            }
        }
    }
    new_tab_template {
        pane size=1 borderless=true {
            plugin location="zellij:tab-bar"
        }
        pane
    }
    swap_tiled_layout name="vertical" {
        tab max_panes=5 {
            pane split_direction="vertical" {
                pane
                pane {
                    children
                }
            }
        }
    }
}`);
    expect(spec.windows.map((w) => [w.name, w.focus, w.cwd])).toEqual([['Tab #1', true, '/home/dev']]);
    expect(shape(spec.windows[0]!.root)).toBe('row(shell@50%, htop@50%)');
    const [shell, htop] = [...panesOf(spec.windows[0]!.root)];
    expect(shell).toMatchObject({ cwd: '/home/dev/project', focus: true });
    expect(htop).toMatchObject({ command: ['htop'], cwd: '/home/dev/project', onExit: 'hold' });
    expect(spec.unsupported).toEqual([
      'new_tab_template (only used for tabs opened later in Zellij)',
      'swap_tiled_layout vertical (picode layouts have no swap layouts)',
      'floating pane lazygit (picode layouts have no floating panes)',
      'plugin pane zellij:tab-bar (a Zellij plugin; picode layouts have no plugin panes)',
      'start_suspended (the command starts immediately)',
      'plugin pane zellij:status-bar (a Zellij plugin; picode layouts have no plugin panes)',
    ]);
  });

  it('names the file and line of a problem', () => {
    expect(() => load('layout {\n    pane size="abc"\n}\n')).toThrow(/work\.kdl:2:5: size should be a fixed number/);
    expect(() => load('layout {\n    pane\n    bogus\n}\n')).toThrow(/work\.kdl:3:5: Unknown layout node: 'bogus'/);
    expect(() => load('layout {\n    pane split_direction="diagonal"\n}\n')).toThrow(/:2:5: split_direction should be either "horizontal" or "vertical" found: diagonal/);
    expect(() => load('layout {\n  pane command="a" {\n    args\n  }\n}\n')).toThrow(/:3:5: args cannot be empty/);
    expect(() => load('layout {\n    pane size=\n}\n')).toThrow(/work\.kdl:2:\d+: not valid KDL/);
    expect(() => load('pane\n')).toThrow(/No layout found/);
    expect(() => load('pane\nlayout {\n  pane\n}\n')).toThrow(/work\.kdl:1:1: This node should be inside the main "layout" node/);
    expect(() => load('layout {\n  tab\n  pane\n}\n')).toThrow(/:3:3: Cannot have both tabs and panes in the same node/);
    expect(() => load('layout {\n  pane_template name="loop" {\n    loop\n  }\n  loop\n}\n')).toThrow(/uses itself/);
  });
});
