/**
 * A unified diff of two texts, line by line (Myers' O(ND) algorithm), for showing what a
 * `write_file` call changes. Small and dependency-free: agents write source files, not
 * gigabytes, and the diff is for a person to read.
 */
type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

export function unifiedDiff(before: string, after: string, options: { path?: string; context?: number } = {}): string {
  const context = options.context ?? 3;
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  if (!ops.some((op) => op.kind !== ' ')) return '';
  const path = options.path ?? 'file';
  const out = [`--- a/${path}`, `+++ b/${path}`];
  // Group changes into hunks with `context` lines around them.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === ' ') i++;
    if (i >= ops.length) break;
    let start = Math.max(0, i - context);
    let end = i;
    let lastChange = i;
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') lastChange = end;
      else if (end - lastChange > context * 2) break;
      end++;
    }
    end = Math.min(ops.length, lastChange + context + 1);
    const [oldStart, newStart] = positionsAt(ops, start);
    const hunk = ops.slice(start, end);
    const oldLen = hunk.filter((o) => o.kind !== '+').length;
    const newLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldLen ? oldStart + 1 : oldStart},${oldLen} +${newLen ? newStart + 1 : newStart},${newLen} @@`);
    for (const op of hunk) out.push(op.kind + op.line);
    i = end;
    start = end;
  }
  return out.join('\n') + '\n';
}

function positionsAt(ops: readonly Op[], index: number): [number, number] {
  let oldLine = 0;
  let newLine = 0;
  for (let k = 0; k < index; k++) {
    if (ops[k]!.kind !== '+') oldLine++;
    if (ops[k]!.kind !== '-') newLine++;
  }
  return [oldLine, newLine];
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Myers' shortest edit script, returned as keep/delete/insert operations in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[offset + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
  }
  trace.push(v.slice());
  // Walk back through the saved frontiers to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push({ kind: ' ', line: a[x - 1]! }); x--; y--; }
    if (d === 0) break;
    if (x === prevX) { ops.push({ kind: '+', line: b[y - 1]! }); y--; }
    else { ops.push({ kind: '-', line: a[x - 1]! }); x--; }
  }
  while (x > 0 && y > 0) { ops.push({ kind: ' ', line: a[x - 1]! }); x--; y--; }
  return ops.reverse();
}
