import { describe, expect, it } from 'vitest';
import { scan } from '../../../plugins/pane-errors/src/parse.js';

const find = (text: string) => scan(text.split('\n'));

describe('pane-errors recognisers', () => {
  it.each([
    ['tsc', "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.", { kind: 'typescript', file: 'src/app.ts', line: 12, column: 5, message: "TS2322: Type 'string' is not assignable to type 'number'." }],
    ['tsc pretty', "src/app.ts:30:1 - error TS2304: Cannot find name 'foo'.", { kind: 'typescript', file: 'src/app.ts', line: 30, column: 1 }],
    ['gcc', "main.c:7:3: error: implicit declaration of function 'prnitf'", { kind: 'compiler', file: 'main.c', line: 7, column: 3, severity: 'error' }],
    ['clang warning', 'lib/x.cpp:99:12: warning: unused variable \'n\' [-Wunused-variable]', { kind: 'compiler', severity: 'warning', line: 99 }],
    ['go', './main.go:12:5: undefined: fooBar', { kind: 'go', file: './main.go', line: 12, message: 'undefined: fooBar' }],
    ['pytest', 'FAILED tests/test_api.py::test_login - AssertionError: assert 401 == 200', { kind: 'test', file: 'tests/test_api.py', message: 'test_login failed: AssertionError: assert 401 == 200' }],
    ['cargo test', 'test parser::tests::parses_empty ... FAILED', { kind: 'test', message: 'parser::tests::parses_empty failed' }],
    ['vitest', ' FAIL  src/math.test.ts > add > adds', { kind: 'test', file: 'src/math.test.ts' }],
    ['make', 'make: *** [Makefile:4: main.o] Error 1', { kind: 'build', file: 'Makefile', line: 4 }],
  ])('recognises %s', (_name, line, expected) => {
    const found = find(line);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject(expected);
  });

  it('reads a Python traceback: the exception, the innermost frame, the whole trace as detail', () => {
    const [d] = find([
      'Traceback (most recent call last):',
      '  File "/srv/app.py", line 8, in <module>',
      '    main()',
      '  File "/srv/app.py", line 5, in main',
      '    raise ValueError("bad config")',
      'ValueError: bad config',
    ].join('\n'));
    expect(d).toMatchObject({ kind: 'stack', message: 'ValueError: bad config', file: '/srv/app.py', line: 5 });
    expect(d.detail).toContain('Traceback');
  });

  it('reads a Node stack trace, pointing at the first frame outside node internals', () => {
    const [d] = find([
      "TypeError: Cannot read properties of undefined (reading 'port')",
      '    at node:internal/modules/cjs/loader:1:1',
      '    at start (/srv/server.js:3:22)',
    ].join('\n'));
    expect(d).toMatchObject({ kind: 'stack', file: '/srv/server.js', line: 3, column: 22 });
  });

  it('reads a Rust error with its location line, a Go test failure and a Java exception', () => {
    expect(find('error[E0308]: mismatched types\n --> src/main.rs:4:18')[0]).toMatchObject({ kind: 'rust', message: 'E0308: mismatched types', file: 'src/main.rs', line: 4, column: 18 });
    expect(find('--- FAIL: TestParse (0.00s)\n    parse_test.go:14: got 3, want 4')[0]).toMatchObject({ message: 'TestParse failed: got 3, want 4', file: 'parse_test.go', line: 14 });
    expect(find('Exception in thread "main" java.lang.IllegalStateException: not started\n\tat com.acme.App.run(App.java:42)')[0])
      .toMatchObject({ message: 'java.lang.IllegalStateException: not started', file: 'App.java', line: 42 });
  });

  it('does not mistake prose, a lone exception name or a non-traceback for a finding', () => {
    expect(find([
      'All 42 tests passed.',
      'Error handling is described in docs/errors.md',
      'ValueError: this line has no traceback above it',
      'TypeError: and this one has no stack below it',
      'compiled successfully in 1.2s',
    ].join('\n'))).toEqual([]);
  });

  it('only reports lines from the given index, using earlier ones as context', () => {
    const lines = ['error[E0425]: cannot find value `x`', ' --> src/lib.rs:2:5'];
    expect(scan(lines, 1)).toHaveLength(1);
    expect(scan(lines, 2)).toHaveLength(0);
  });
});
