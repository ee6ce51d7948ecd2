import { describe, expect, it } from 'vitest';
import { importZellijLayout } from '../../../host/layout/importers/zellij.js';
import { panesOf, type SessionSpec } from '../../../host/layout/model.js';

/**
 * What Zellij 0.45's layout parser (zellij-utils/src/kdl/kdl_layout_parser.rs) rejects, with
 * its own messages, at the line and column of the node or property at fault.
 */
const env = { HOME: '/home/z', PROJ: '/srv/proj', SUB: 'sub', EMPTY: '' };
const load = (text: string): SessionSpec => importZellijLayout(text, { file: '/l/x.kdl', cwd: '/launch', env });

const rejected: Array<[string, string, string]> = [
  ['a misspelt pane property, with a did-you-mean', 'layout {\n  pane spit_size=1\n}', 'x.kdl:2:8: Unknown pane property: spit_size (did you mean "size"?)'],
  ['a misspelt property written as a child node', 'layout {\n  pane {\n    comand "ls"\n  }\n}', 'x.kdl:3:5: Unknown pane property: comand (did you mean "command"?)'],
  ['a bare argument on a pane', 'layout {\n  pane "ls"\n}', 'x.kdl:2:8: Unknown pane property: ls'],
  ['a command on a pane with child panes', 'layout {\n  pane command="tail" {\n    pane\n  }\n}', 'x.kdl:2:3: Cannot have both properties (command/edit/plugin) and nested children'],
  ['a cwd and borderless on a pane with child panes', 'layout {\n  pane cwd="/a" borderless=true {\n    pane\n  }\n}', 'x.kdl:2:3: Cannot have both properties (borderless, cwd) and nested children'],
  ['args without a command', 'layout {\n  pane {\n    args "-f"\n  }\n}', 'x.kdl:2:3: args can only be set if a command was specified'],
  ['close_on_exit without a command', 'layout {\n  pane close_on_exit=true\n}', 'x.kdl:2:3: close_on_exit can only be set if a command was specified'],
  ['start_suspended without a command', 'layout {\n  pane start_suspended=true\n}', 'x.kdl:2:3: start_suspended can only be set if a command was specified'],
  ['args without a command in the template or the pane', 'layout {\n  pane_template name="t"\n  t {\n    args "a"\n  }\n}', 'x.kdl:3:3: args can only be specified if a command was specified either in the pane_template or in the pane'],
  ['two focused tabs', 'layout {\n  tab focus=true\n  tab focus=true\n}', 'x.kdl:3:3: Only one tab can be focused'],
  ['two children blocks in a template that receives panes', 'layout {\n  pane_template name="t" {\n    children\n    children\n  }\n  t {\n    pane\n  }\n}', 'x.kdl:2:3: This template has 2 children blocks, only 1 is allowed when used to insert child panes'],
  ['panes for a template without a children block', 'layout {\n  pane_template name="t" {\n    pane\n  }\n  t {\n    pane\n  }\n}', 'x.kdl:2:3: This template has 0 children blocks, only 1 is allowed when used to insert child panes'],
  ['a tab inside a pane', 'layout {\n  pane {\n    tab\n  }\n}', 'x.kdl:3:5: Unknown pane property: tab'],
  ['a tab inside a tab', 'layout {\n  tab {\n    tab\n  }\n}', 'x.kdl:3:5: Invalid tab property: tab'],
  ['a tab outside the layout node', 'tab\nlayout {\n  pane\n}', 'x.kdl:1:1: This node should be inside the main "layout" node'],
  ['a tab property inside the braces', 'layout {\n  tab {\n    name "x"\n  }\n}', 'x.kdl:3:5: Tab property \'name\' must be placed on the tab title line and not in the child braces'],
  ['an unknown tab property', 'layout {\n  tab nme="x"\n}', 'x.kdl:2:7: Invalid tab property \'nme\' (did you mean "name"?)'],
  ['a tab template property inside its braces', 'layout {\n  tab_template name="t" {\n    focus true\n  }\n}', 'x.kdl:3:5: Tab property \'focus\' must be placed on the tab_template title line and not in the child braces'],
  ['a children node with properties in a tab template', 'layout {\n  tab_template name="t" {\n    children split_direction="vertical"\n  }\n}', 'x.kdl:3:5: The `children` node must be bare. All properties should be places on the node consuming this template.'],
  ['a children node with panes in it', 'layout {\n  pane {\n    children {\n      pane\n    }\n  }\n}', 'x.kdl:3:5: Invalid `children` properties: pane'],
  ['a stacked pane without children', 'layout {\n  pane stacked=true\n}', 'x.kdl:2:3: A stacked pane must have children nodes or possibly a "children" node if in a swap_layout'],
  ['a vertical stack', 'layout {\n  pane stacked=true split_direction="vertical" {\n    pane\n    pane\n  }\n}', 'x.kdl:2:3: Stacked panes cannot be vertical'],
  ['nested panes in a stack', 'layout {\n  pane stacked=true {\n    pane {\n      pane\n    }\n  }\n}', 'x.kdl:4:7: Stacked panes cannot have children'],
  ['an expanded pane outside a stack', 'layout {\n  pane expanded=true\n}', 'x.kdl:2:3: An expanded pane must be part of a stack'],
  ['a template name with a space', 'layout {\n  pane_template name="my pane"\n}', 'x.kdl:2:3: Node names (my pane) cannot contain whitespace.'],
  ['a template named by a reserved word', 'layout {\n  pane_template name="command"\n}', 'x.kdl:2:3: Node name \'command\' is a reserved word.'],
  ['a template name starting with a digit', 'layout {\n  tab_template name="1tab"\n}', 'x.kdl:2:3: Template names cannot start with numbers'],
  ['a template name with parentheses', 'layout {\n  pane_template name="a(b)"\n}', 'x.kdl:2:3: Template names cannot contain parantheses'],
  ['a template without a name', 'layout {\n  pane_template {\n    pane\n  }\n}', 'x.kdl:2:3: Pane templates must have a name'],
  ['two pane templates of one name', 'layout {\n  pane_template name="t"\n  pane_template name="t"\n}', 'x.kdl:3:3: Duplicate definition of the "t" pane_template'],
  ['a tab template named as a pane template', 'layout {\n  pane_template name="t"\n  tab_template name="t"\n}', 'x.kdl:3:3: There is already a pane_template with the name "t" - can\'t have a tab_template with the same name'],
  ['a pane template with tiled and floating properties', 'layout {\n  pane_template name="t" size=1 x=2\n}', 'x.kdl:2:3: A pane_template cannot have both pane (size) and floating pane (x) properties'],
  ['a non-pane node in floating_panes', 'layout {\n  floating_panes {\n    tab\n  }\n}', 'x.kdl:3:5: floating_panes can only contain pane nodes, found: tab'],
  ['a tiled property on a floating pane', 'layout {\n  floating_panes {\n    pane size=1\n  }\n}', 'x.kdl:3:10: Unknown floating pane property: size'],
  ['two layout nodes', 'layout {\n  pane\n}\nlayout {\n  pane\n}', 'x.kdl:4:1: Only one layout node per file allowed'],
  ['a command and an edit', 'layout {\n  pane command="a" edit="b"\n}', 'x.kdl:2:3: cannot have both a command and an edit instruction for the same pane'],
  ['a command and a plugin', 'layout {\n  pane command="a" {\n    plugin location="x"\n  }\n}', 'x.kdl:3:5: Cannot have both a command/edit and a plugin block for a single pane'],
  ['a pane directly in a swap layout', 'layout {\n  swap_tiled_layout name="s" {\n    pane\n  }\n}', "x.kdl:3:5: Unknown layout node: 'pane'"],
  ['a tab directly in a swap floating layout', 'layout {\n  swap_floating_layout name="f" {\n    tab\n  }\n}', "x.kdl:3:5: Unknown layout node: 'tab'"],
  ['a quoted pane constraint', 'layout {\n  swap_tiled_layout {\n    tab max_panes="4"\n  }\n}', 'x.kdl:3:5: max_panes should be a fixed number (eg. 1) and not a quoted string ("4")'],
  ['two pane constraints', 'layout {\n  swap_tiled_layout {\n    tab max_panes=4 min_panes=2\n  }\n}', 'x.kdl:3:5: cannot have more than one constraint'],
  ['a zero size', 'layout {\n  pane size=0\n}', 'x.kdl:2:3: size should be'],
  ['an unset variable in cwd', 'layout {\n  pane cwd="$NOPE_UNSET/x"\n}', 'x.kdl:2:3: error looking key \'NOPE_UNSET\' up: environment variable not found'],
  ['an unset variable in command', 'layout {\n  pane command="${NOPE_UNSET}/bin/x"\n}', 'x.kdl:2:3: error looking key \'NOPE_UNSET\' up'],
];

describe('Zellij layouts Zellij rejects are rejected, with its message, line and column', () => {
  it.each(rejected)('%s', (_name, text, message) => {
    expect(() => load(text)).toThrow(message);
  });
});

describe('$VAR and ~ in cwd, command and edit, as Zellij expands them (shellexpand)', () => {
  const spec = load([
    'layout {',
    '  cwd "$PROJ"',
    '  pane cwd="$SUB"',
    '  pane cwd="~/notes" command="~/bin/tool" {',
    '    args "$HOME" "${PROJ}"',
    '  }',
    '  pane cwd="${UNSET_WITH_DEFAULT:-fallback}" command="$PROJ/run"',
    '}',
  ].join('\n'));
  const panes = [...panesOf(spec.windows[0]!.root)];
  it.each([
    ['the layout cwd', () => spec.cwd, '/srv/proj'],
    ['a relative cwd from a variable', () => panes[0]!.cwd, '/srv/proj/sub'],
    ['~ in cwd and command', () => [panes[1]!.cwd, (panes[1]!.command as string[])[0]], ['/home/z/notes', '/home/z/bin/tool']],
    ['args are passed as written, as Zellij does', () => (panes[1]!.command as string[]).slice(1), ['$HOME', '${PROJ}']],
    ['${VAR:-default}', () => panes[2]!.cwd, '/srv/proj/fallback'],
    ['a variable in command', () => (panes[2]!.command as string[])[0], '/srv/proj/run'],
  ])('%s', (_name, actual, expected) => {
    expect((actual as () => unknown)()).toEqual(expected);
  });
});

describe('what Zellij accepts stays accepted', () => {
  it.each([
    ['a stack with an expanded pane', 'layout {\n  pane stacked=true {\n    pane\n    pane expanded=true\n  }\n}'],
    ['properties as child nodes', 'layout {\n  pane {\n    size 3\n    name "x"\n    command "ls"\n    close_on_exit true\n  }\n}'],
    ['a template consumer with a cwd and panes', 'layout {\n  pane_template name="t" {\n    pane\n    children\n  }\n  t cwd="/x" {\n    pane\n  }\n}'],
    ['args on a template consumer when the template has the command', 'layout {\n  pane_template name="t" command="tail"\n  t {\n    args "-f" "x"\n  }\n}'],
    ['a tab with hide_floating_panes and a floating pane with x/y', 'layout {\n  tab hide_floating_panes=true {\n    pane\n    floating_panes {\n      pane x=1 y="10%" width=10 height=5 pinned=true\n    }\n  }\n}'],
  ])('%s', (_name, text) => {
    expect(() => load(text)).not.toThrow();
  });
});

describe('layout convert --to kdl writes a cwd only where the source had one, as it had it', () => {
  it('keeps relative directories relative and adds none of its own', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadLayout } = await import('../../../host/layout/load.js');
    const { toKdl } = await import('../../../host/layout/convert.js');
    const dir = mkdtempSync(join(tmpdir(), 'convert-cwd-'));
    writeFileSync(join(dir, 'l.yaml'), 'name: l\nwindows:\n  - name: a\n    panes:\n      - command: ls\n      - cwd: sub\n  - name: b\n    cwd: ~/elsewhere\n');
    const { text: written } = toKdl(await loadLayout(join(dir, 'l.yaml'), { cwd: dir, env: { HOME: '/home/z' } }));
    const text = written.split('\n').filter((line) => !line.startsWith('//')).join('\n');
    expect(text).not.toContain(dir);
    expect(text).not.toMatch(/^ {4}cwd /m);
    expect(text).toContain('cwd="sub"');
    expect(text).toContain('tab name="b" cwd="~/elsewhere"');
  });
});
