import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseKdlV1 } from '@bgotink/kdl/v1-compat';
import { importZellijLayout } from '../../../host/layout/importers/zellij.js';
import { kdlString, writeZellijLayout, type PaneProgram } from '../../../host/layout/zellijKdl.js';
import type { LayoutNode, PaneSpec, SessionSpec, WindowSpec } from '../../../host/layout/model.js';

/** Pane programs as argv, as a test resolver: the command list itself. */
const program = (pane: PaneSpec): PaneProgram => ({
  argv: Array.isArray(pane.command) ? pane.command : undefined,
  closeOnExit: pane.onExit === 'close',
});

const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', '\r', '\u0001', '\u007f', '\u2028', 'é', '🙂', ' ', '/', '#', '{', '}', ';', '='), fc.string({ minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 12 });

describe('the KDL writer', () => {
  it('writes strings that KDL v1 parses back exactly', () => {
    // Code points KDL forbids literally (bidi isolates and marks, BOM) and its extra newlines.
    for (const s of ['\u2066x\u2069', '\u200e', '\u202e', '\ufeff', 'a\u0085b', 'a\u2028b', 'tab\tq"\\']) {
      expect(parseKdlV1(`node ${kdlString(s)}`).nodes[0]!.getArgument(0)).toBe(s);
    }
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
      const doc = parseKdlV1(`node ${kdlString(s)}`);
      expect(doc.nodes[0]!.getArgument(0)).toBe(s);
    }), { numRuns: 500 });
  });

  it('writes tabs, split directions, sizes, commands, cwd and focus that Zellij reads back', () => {
    const spec: SessionSpec = {
      name: 's', cwd: '/w', env: {}, before: [], options: { 'mouse': 'on' }, source: { format: 'picode', file: '/w/s.yaml' }, unsupported: [],
      windows: [{
        name: 'main', cwd: '/w', env: {}, focus: false, tmuxLayout: 'tiled', options: {},
        root: { kind: 'split', direction: 'row', size: undefined, children: [
          { kind: 'pane', name: 'ed"it', role: 'shell', command: ['vim', 'a b.txt'], typed: [], onExit: 'close', cwd: '/w/src', env: {}, focus: true, size: { percent: 62.5 }, shellInit: false, plugin: undefined },
          { kind: 'split', direction: 'column', size: { cells: 40 }, children: [
            { kind: 'pane', name: undefined, role: 'shell', command: undefined, typed: [], onExit: 'shell', cwd: '/w', env: {}, focus: false, size: undefined, shellInit: false, plugin: undefined },
            { kind: 'pane', name: 'log', role: 'shell', command: ['tail', '-f', 'x'], typed: [], onExit: 'hold', cwd: '/w', env: {}, focus: false, size: { cells: 5 }, shellInit: false, plugin: undefined },
          ] },
        ] },
      }],
    };
    const { text: kdl, dropped } = writeZellijLayout(spec, { chrome: false, program });
    expect(kdl).toBe([
      'layout {',
      '    tab name="main" split_direction="vertical" {',
      '        pane name="ed\\"it" size="62.5%" focus=true command="vim" cwd="/w/src" close_on_exit=true {',
      '            args "a b.txt"',
      '        }',
      '        pane split_direction="horizontal" size=40 {',
      '            pane cwd="/w"',
      '            pane name="log" size=5 command="tail" cwd="/w" {',
      '                args "-f" "x"',
      '            }',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'));
    expect(dropped).toEqual(['options (mouse): tmux session options', 'main: layout "tiled" (a tmux layout; the split tree is kept)']);
  });

  it('adds the tab-bar and status-bar around every tab when asked, as Zellij does by default', () => {
    const spec = importZellijLayout('layout {\n    pane\n}\n', { file: '/x.kdl', cwd: '/w', env: {} });
    const { text: kdl } = writeZellijLayout(spec, { chrome: true, program });
    const back = importZellijLayout(kdl, { file: '/x.kdl', cwd: '/w', env: {} });
    expect(withoutSources(back.windows[0]!.root)).toEqual(withoutSources(spec.windows[0]!.root));
    expect(back.unsupported).toEqual(['plugin pane tab-bar (a Zellij plugin; picode layouts have no plugin panes)', 'plugin pane status-bar (a Zellij plugin; picode layouts have no plugin panes)']);
  });

  it('round-trips any layout tree through KDL and the importer', () => {
    const paneArb: fc.Arbitrary<PaneSpec> = fc.record({
      name: fc.option(text, { nil: undefined }),
      command: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      close: fc.boolean(),
      cwd: fc.constantFrom('/w', '/w/a b', '/tmp/"q"'),
      size: fc.option(fc.oneof(fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent })), fc.integer({ min: 1, max: 200 }).map((cells) => ({ cells }))), { nil: undefined }),
    }).map(({ name, command, close, cwd, size }) => ({
      kind: 'pane', name, role: 'shell', command, typed: [], onExit: command === undefined ? 'shell' : close ? 'close' : 'hold',
      cwd, env: {}, focus: false, size, shellInit: false, plugin: undefined,
    }));
    const tree: fc.Arbitrary<LayoutNode> = fc.letrec<{ node: LayoutNode }>((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        paneArb,
        fc.record({
          kind: fc.constant('split' as const),
          direction: fc.constantFrom('row' as const, 'column' as const),
          size: fc.option(fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent })), { nil: undefined }),
          children: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
        })),
    })).node;
    const windowArb: fc.Arbitrary<WindowSpec> = fc.record({ name: fc.option(text, { nil: undefined }), root: tree })
      .map(({ name, root }) => ({ name, cwd: '/w', env: {}, focus: false, root: root.kind === 'split' ? { ...root, size: undefined } : { ...root, size: undefined }, tmuxLayout: undefined, options: {} }));
    fc.assert(fc.property(fc.array(windowArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (windows, chrome) => {
      const withFocus = windows.map((w, i) => ({ ...w, focus: i === 0 }));
      const spec: SessionSpec = { name: 'x', cwd: '/w', env: {}, before: [], options: {}, windows: withFocus, source: { format: 'picode', file: '/w/x.yaml' }, unsupported: [] };
      const { text: kdl } = writeZellijLayout(spec, { chrome, program });
      parseKdlV1(kdl); // strict KDL v1, as Zellij reads it
      const back = importZellijLayout(kdl, { file: '/w/x.kdl', cwd: '/w', env: {} });
      expect(back.windows.map((w) => w.name)).toEqual(withFocus.map((w) => w.name));
      expect(back.windows.map((w) => w.focus)).toEqual(withFocus.map((w) => w.focus));
      expect(back.windows.map((w) => withoutSources(w.root))).toEqual(withFocus.map((w) => w.root));
    }), { numRuns: 200 });
  });
});

/** The tree without `cwdSource` (the directory as a file wrote it, which the writer's absolute cwd adds). */
function withoutSources<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'cwdSource' ? undefined : value))) as T;
}
