import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The event catalog is the source of the bus's types: compiling calls against the real
 * BusApi/GateRegistry shows which ones tsc accepts. Each probe line is compiled; the test
 * lists the lines that fail.
 */
const api = resolve('host/api/hostApi.js');
const dir = mkdtempSync(join(tmpdir(), 'picode-event-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failingLines(body: string[]): number[] {
  const file = join(dir, `probe${Math.random().toString(36).slice(2)}.ts`);
  const header = [
    `import type { BusApi, GateRegistry } from ${JSON.stringify(api)};`,
    'declare const bus: BusApi; declare const gates: GateRegistry;',
  ];
  writeFileSync(file, [...header, ...body].join('\n'));
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, noEmit: true, skipLibCheck: true, types: ['node'],
  });
  const lines = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line - header.length + 1);
  return [...new Set(lines)].sort((a, b) => a - b);
}

describe('typed events', () => {
  it('accepts payloads matching the catalog and rejects the rest, unknown types and non-blocking gates', () => {
    expect(failingLines([
      /* 1 ok  */ "bus.emit({ type: 'pane.resized', pane: '%1', data: { width: 80, height: 24 } });",
      /* 2 bad */ "bus.emit({ type: 'pane.resized', data: { width: '80', height: 24 } });",
      /* 3 bad */ "bus.emit({ type: 'no.such.event', data: {} });",
      /* 4 ok  */ "bus.emit({ type: 'user.deployed', data: { anything: [1] } });",
      /* 5 bad */ "bus.emit({ type: 'plugin.loaded', data: { plugin: 'x' } });",
      /* 6 ok  */ "bus.emit({ type: 'plugin.mine', data: 'free-form' });",
      /* 7 bad */ "void gates.pass({ type: 'pane.resized', data: { width: 1, height: 2 } });",
      /* 8 ok  */ "void gates.pass({ type: 'pane.send.before', data: { enter: true, origin: 'cli' } }).then((d) => d.data.origin.length);",
      /* 9 ok  */ "const n: number = bus.emit({ type: 'pane.idle', data: { idleMs: 1, offset: 2 } }).data.idleMs;",
      /* 10 bad */ "const s: string = bus.emit({ type: 'pane.idle', data: { idleMs: 1, offset: 2 } }).data.idleMs;",
    ])).toEqual([2, 3, 5, 7, 10]);
  }, 120_000);
});
