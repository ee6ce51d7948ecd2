// pane-errors: watches pane output for compiler errors, test failures and stack traces
// (TypeScript, C/C++, Go, Rust, Python, JavaScript, Java, pytest, go test, cargo test,
// Jest/Vitest, make). Each new finding becomes a `diagnostic` event; the recent ones are
// offered as context to plans, agents and `picode ask`.
import * as log from 'picode:plugin/log@0.1.0';
import * as panes from 'picode:plugin/panes-read@0.1.0';
import { act, contextItem, describe, parseData, stripAnsi, trimToBudget } from '@picode/sdk';
import { diagnosticKey, scan } from './parse.js';

const KEEP_LINES = 300;     // rolling window of output per pane
const KEEP_FINDINGS = 50;   // recent findings per pane, for context
const SEEN_LIMIT = 2000;    // findings already reported (not reported again while the text scrolls)

/** Per pane: complete lines, the unfinished last line, findings, keys already reported. */
const panesState = new Map();

function stateOf(pane) {
  let s = panesState.get(pane);
  if (!s) {
    s = { lines: [], partial: '', findings: [], seen: new Set(), name: undefined };
    panesState.set(pane, s);
  }
  return s;
}

/** Appends output text; returns the index of the first new complete line. */
function append(s, text) {
  const parts = (s.partial + stripAnsi(text).replace(/\r\n?/g, '\n')).split('\n');
  s.partial = parts.pop() ?? '';
  if (s.partial.length > 4000) s.partial = s.partial.slice(-4000);
  const from = s.lines.length;
  s.lines.push(...parts);
  const drop = s.lines.length - KEEP_LINES;
  if (drop > 0) {
    s.lines.splice(0, drop);
    return Math.max(0, from - drop);
  }
  return from;
}

function report(s, pane, findings, actions) {
  for (const f of findings) {
    const key = diagnosticKey(f);
    if (s.seen.has(key)) continue;
    s.seen.add(key);
    if (s.seen.size > SEEN_LIMIT) s.seen = new Set([...s.seen].slice(-SEEN_LIMIT / 2));
    s.findings.push(f);
    if (s.findings.length > KEEP_FINDINGS) s.findings.shift();
    const { kind, ...rest } = f;
    actions.push(act.emit('diagnostic', { ...rest, source: 'pane-errors', kind }, pane));
  }
}

export const guest = {
  describe() {
    return describe({
      name: 'pane-errors',
      version: '0.1.0',
      summary: 'Compiler errors, test failures and stack traces found in pane output.',
      events: ['pane.output', 'command.finished', 'pane.closed'],
      contextProviders: ['diagnostics'],
      tools: [{
        name: 'diagnostics',
        description: 'Recent errors, test failures and stack traces seen in the panes (optionally of one pane).',
        inputSchema: { type: 'object', properties: { pane: { type: 'string', description: 'pane id or name' } } },
      }],
    });
  },

  onEvent(events) {
    const actions = [];
    for (const event of events) {
      const pane = event.pane ?? '?';
      if (event.type === 'pane.closed') {
        panesState.delete(pane);
        continue;
      }
      const s = stateOf(pane);
      if (event.paneName) s.name = event.paneName;
      const data = parseData(event);
      if (event.type === 'pane.output' && typeof data.text === 'string') {
        const from = append(s, data.text);
        report(s, pane, scan(s.lines, from), actions);
      } else if (event.type === 'command.finished' && typeof data.exitCode === 'number' && data.exitCode !== 0) {
        // The stream may have missed the start (a full queue, a plugin restart): read the
        // pane itself for the failed command's output, else use the event's tail.
        let text = typeof data.outputTail === 'string' ? data.outputTail : '';
        try {
          text = panes.capture(pane, 200);
        } catch (error) {
          log.write('debug', `capture ${pane}: ${error}`);
        }
        const lines = stripAnsi(text).split('\n');
        const before = s.findings.length;
        report(s, pane, scan(lines, 0), actions);
        if (s.findings.length === before) {
          report(s, pane, [{ kind: 'command', severity: 'error', message: `${data.command || 'command'} exited with ${data.exitCode}`, detail: lines.slice(-15).join('\n') }], actions);
        }
      }
    }
    const total = [...panesState.values()].reduce((n, s) => n + s.findings.length, 0);
    if (actions.length > 0) actions.push(act.setStatus(`${total} recent diagnostic(s)`));
    return actions;
  },

  gatherContext(request) {
    const items = [];
    for (const [pane, s] of panesState) {
      if (s.findings.length === 0) continue;
      const text = s.findings.slice().reverse().map((f) => {
        const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}${f.column ? `:${f.column}` : ''}: ` : '';
        return `${f.severity}: ${where}${f.message}${f.detail ? `\n${f.detail.split('\n').slice(0, 12).map((l) => `    ${l}`).join('\n')}` : ''}`;
      }).join('\n');
      const errors = s.findings.filter((f) => f.severity === 'error').length;
      items.push(contextItem(`pane-errors:${s.name ?? pane}`, `Errors seen in pane ${s.name ?? pane} (most recent first)`, text, errors > 0 ? 80 : 50));
    }
    return trimToBudget(items, request.tokenBudget);
  },

  callTool(name, args) {
    if (name !== 'diagnostics') throw `unknown tool ${name}`;
    let pane;
    try { pane = JSON.parse(args || '{}').pane; } catch { throw 'arguments must be JSON'; }
    const out = [];
    for (const [id, s] of panesState) {
      if (pane && pane !== id && pane !== s.name) continue;
      for (const f of s.findings) out.push({ pane: s.name ?? id, ...f });
    }
    return JSON.stringify(out);
  },
};
