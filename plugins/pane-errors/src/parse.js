// Recognisers for diagnostics in terminal output. Pure functions (no capabilities), so they
// are unit-tested directly (tests/unit/plugins/pane-errors.test.ts).
//
// scan(lines, from) looks at lines[from..] for findings; it may look back at earlier lines
// for context (a Python traceback's `File` lines, a Rust error's header before its `-->`).

const MAX_MESSAGE = 300;
const MAX_DETAIL = 1500;

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function finding(kind, severity, message, file, line, column, detail) {
  const d = { kind, severity, message: clip(message.trim(), MAX_MESSAGE) };
  if (file) d.file = file;
  if (line) d.line = line;
  if (column) d.column = column;
  if (detail) d.detail = clip(detail, MAX_DETAIL);
  return d;
}

const severityOf = (word) => (/^warn/i.test(word) ? 'warning' : /^(note|info|hint)/i.test(word) ? 'info' : 'error');

// One-line recognisers: [regex, (match, lines, index) => finding | undefined]
const single = [
  // TypeScript (tsc): src/a.ts(12,5): error TS2322: Type ...
  [/^(\S+\.[cm]?tsx?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/, (m) =>
    finding('typescript', severityOf(m[4]), `${m[5]}: ${m[6]}`, m[1], +m[2], +m[3])],
  // TypeScript (pretty): src/a.ts:12:5 - error TS2322: Type ...
  [/^(\S+\.[cm]?tsx?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$/, (m) =>
    finding('typescript', severityOf(m[4]), `${m[5]}: ${m[6]}`, m[1], +m[2], +m[3])],
  // GCC / Clang / Swift / many linters: file.c:12:5: error: message
  [/^([^\s:][^:]*\.[A-Za-z0-9]+):(\d+):(?:(\d+):)? (fatal error|error|warning): (.*)$/, (m) =>
    finding('compiler', m[4] === 'fatal error' ? 'error' : severityOf(m[4]), m[5], m[1], +m[2], m[3] ? +m[3] : undefined)],
  // Go build / vet: ./main.go:12:5: undefined: x
  [/^(\.{0,2}\/?[\w./-]+\.go):(\d+):(\d+): (.*)$/, (m) =>
    finding('go', 'error', m[4], m[1], +m[2], +m[3])],
  // pytest summary: FAILED tests/test_a.py::test_x - AssertionError: boom
  [/^FAILED (\S+?)::(\S+)(?: - (.*))?$/, (m) =>
    finding('test', 'error', `${m[2]} failed${m[3] ? `: ${m[3]}` : ''}`, m[1])],
  // go test: --- FAIL: TestParse (0.00s)
  [/^\s*--- FAIL: (\S+) \(([\d.]+s)\)/, (m, lines, i) => {
    const next = lines[i + 1] ?? '';
    const loc = /^\s+([\w./-]+\.go):(\d+): (.*)$/.exec(next);
    return finding('test', 'error', `${m[1]} failed${loc ? `: ${loc[3]}` : ''}`, loc?.[1], loc ? +loc[2] : undefined);
  }],
  // cargo test: test tests::parses ... FAILED
  [/^test (\S+) \.\.\. FAILED$/, (m) => finding('test', 'error', `${m[1]} failed`)],
  // Jest / Vitest file header: FAIL src/a.test.ts
  [/^\s*FAIL\s+(\S+\.(?:[cm]?[jt]sx?))(?:\s|$)/, (m) => finding('test', 'error', `test file failed: ${m[1]}`, m[1])],
  // Vitest / Jest / Mocha failing test: × suite > name  |  ✕ name  |  1) name
  [/^\s*(?:×|✕|✗)\s+(.+?)(?:\s+\d+ms)?$/, (m) => finding('test', 'error', `${m[1]} failed`)],
  // Java / Kotlin: Exception in thread "main" java.lang.IllegalStateException: msg
  [/^Exception in thread "[^"]*" ([\w.$]+(?:Exception|Error))(?:: (.*))?$/, (m, lines, i) => {
    const at = lines.slice(i + 1, i + 8).map((l) => /^\s+at [\w.$<>]+\(([\w$.-]+):(\d+)\)/.exec(l)).find(Boolean);
    return finding('stack', 'error', `${m[1]}${m[2] ? `: ${m[2]}` : ''}`, at?.[1], at ? +at[2] : undefined, undefined,
      lines.slice(i, i + 8).join('\n'));
  }],
  // Make: make: *** [Makefile:12: all] Error 2
  [/^make(?:\[\d+\])?: \*\*\* \[([^:\]]+):(\d+): ([^\]]+)\] Error (\d+)$/, (m) =>
    finding('build', 'error', `make target ${m[3]} failed (exit ${m[4]})`, m[1], +m[2])],
];

// Python: the exception line closes a traceback: indented frame lines right above it, and
// "Traceback (most recent call last):" above those.
function python(lines, i) {
  const m = /^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Warning))(?:: (.*))?$/.exec(lines[i]);
  if (!m) return undefined;
  let j = i - 1;
  while (j >= 0 && i - j <= 200 && /^\s+\S/.test(lines[j])) j--;
  if (j < 0 || j === i - 1 || !/^Traceback \(most recent call last\):/.test(lines[j])) return undefined;
  const start = j;
  let file;
  let line;
  for (let k = i - 1; k > start; k--) {
    const f = /^\s*File "([^"]+)", line (\d+)/.exec(lines[k]);
    if (f) { file = f[1]; line = +f[2]; break; }
  }
  return finding('stack', 'error', `${m[1]}${m[2] ? `: ${m[2]}` : ''}`, file, line, undefined, lines.slice(start, i + 1).join('\n'));
}

// JavaScript / Node: "TypeError: msg" followed by "    at fn (file:line:col)".
function javascript(lines, i) {
  const m = /^(?:Uncaught )?((?:[A-Z]\w*)?Error)(?: \[\w+\])?: (.*)$/.exec(lines[i]);
  if (!m) return undefined;
  const frames = [];
  for (let j = i + 1; j < Math.min(lines.length, i + 12); j++) {
    if (/^\s+at /.test(lines[j])) frames.push(lines[j]);
    else if (frames.length > 0) break;
  }
  if (frames.length === 0) return undefined; // not a stack trace (could be prose)
  const own = frames.find((f) => !/node:internal|node_modules/.test(f)) ?? frames[0];
  const loc = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(own);
  return finding('stack', 'error', `${m[1]}: ${m[2]}`, loc?.[1]?.replace(/^file:\/\//, ''), loc ? +loc[2] : undefined, loc ? +loc[3] : undefined,
    [lines[i], ...frames].join('\n'));
}

// Rust: "error[E0308]: mismatched types" ... " --> src/main.rs:4:5"
function rust(lines, i) {
  const arrow = /^\s*--> ([^\s:]+):(\d+):(\d+)/.exec(lines[i]);
  if (!arrow) return undefined;
  for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
    const head = /^(error|warning)(\[E\d+\])?: (.*)$/.exec(lines[j]);
    if (head) return finding('rust', severityOf(head[1]), `${head[2] ? `${head[2].slice(1, -1)}: ` : ''}${head[3]}`, arrow[1], +arrow[2], +arrow[3]);
  }
  return undefined;
}

export function scanLine(lines, i) {
  const line = lines[i];
  if (!line || line.length > 2000) return undefined;
  for (const [re, build] of single) {
    const m = re.exec(line);
    if (m) return build(m, lines, i);
  }
  return python(lines, i) ?? javascript(lines, i) ?? rust(lines, i);
}

/** Findings in lines[from..] (earlier lines are context only). */
export function scan(lines, from = 0) {
  const out = [];
  for (let i = Math.max(0, from); i < lines.length; i++) {
    const d = scanLine(lines, i);
    if (d) out.push(d);
  }
  return out;
}

export function diagnosticKey(d) {
  return `${d.severity}|${d.file ?? ''}|${d.line ?? ''}|${d.message}`;
}
