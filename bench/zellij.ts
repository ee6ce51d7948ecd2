/**
 * `npm run bench -- zellij [--lines N]`: what following a pane costs the host on Zellij
 * compared with tmux, and what it recovers, in the same run.
 *
 * The workload: a program prints N log lines (~70 characters) into a pane of 50 rows x 200
 * columns. It is fed to the two observers as each multiplexer delivers it:
 *
 * - tmux (the peer): control mode `%output %1 <octal-escaped bytes>` lines, one per 4 KiB of
 *   output, parsed by the host's ControlStreamParser (host/mux/tmux/control/parser.ts);
 * - Zellij: `subscribe --format json` NDJSON `pane_update` events, one per rendered viewport,
 *   parsed and diffed by the Zellij observer's ViewportDiffer + MarkDecoder, with Zellij
 *   rendering after every K lines (K = 1, 10, 50 = one screen, 100 = two screens).
 *
 * Reported per configuration: host CPU time per output line (median of the runs), and the
 * fraction of the printed lines the observer's text contains (tmux: all bytes; Zellij: lines
 * that scrolled past between two renders are lost).
 *
 * Also: import time of a Zellij KDL layout (30 panes, templates) vs the same layout in
 * picode YAML through picode's own loader, in the same run.
 *
 * Nothing here runs Zellij (it cannot run on the machine this was written on): the NDJSON is
 * generated in the shape Zellij 0.45's source defines. One JSON document goes to stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlStreamParser, encodeOctal } from '../host/mux/tmux/control/parser.js';
import { MarkDecoder } from '../host/mux/zellij/marks.js';
import { ViewportDiffer } from '../host/mux/zellij/viewport.js';
import { importZellijLayout } from '../host/layout/importers/zellij.js';
import { loadLayout } from '../host/layout/load.js';
import { toPicodeYaml } from '../host/layout/convert.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const LINES = arg('--lines', 20_000);
const RUNS = arg('--runs', 7);
const ROWS = 50;
const COLS = 200;
const log = (text: string): void => { process.stderr.write(`${text}\n`); };

const lines = Array.from({ length: LINES }, (_, i) =>
  `2026-11-21T00:00:${String(i % 60).padStart(2, '0')}.000Z INFO request ${i} GET /api/items/${i * 7} 200 ${i % 97}ms`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The control-mode stream tmux would send for this output. */
function tmuxStream(): Buffer {
  const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4096) {
    out.push(Buffer.from('%output %1 '), encodeOctal(bytes.subarray(i, i + 4096)), Buffer.from('\n'));
  }
  return Buffer.concat(out);
}

/** The NDJSON `zellij subscribe --format json` would print, rendering after every `k` lines. */
function zellijStream(k: number): string[] {
  const events: string[] = [];
  const viewport = (upTo: number): string[] => {
    const visible = lines.slice(Math.max(0, upTo - (ROWS - 1)), upTo);
    visible.push(''); // the cursor's empty line
    while (visible.length < ROWS) visible.push('');
    return visible.map((l) => l.padEnd(COLS, ' '));
  };
  events.push(JSON.stringify({ event: 'pane_update', pane_id: 'terminal_1', viewport: viewport(0), scrollback: null, is_initial: true }));
  for (let upTo = k; upTo <= LINES; upTo += k) {
    events.push(JSON.stringify({ event: 'pane_update', pane_id: 'terminal_1', viewport: viewport(upTo), scrollback: null, is_initial: false }));
  }
  return events;
}

/** Fraction of the printed lines present, in order, in the observer's text. */
function recovered(text: string): number {
  const seen = new Set(text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n/));
  return lines.filter((l) => seen.has(l)).length / LINES;
}

function benchTmux(): { msPerKLine: number; recovered: number } {
  const stream = tmuxStream();
  let text = '';
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const chunks: Buffer[] = [];
    samples.push(time(() => {
      const parser = new ControlStreamParser((line) => {
        if (line.kind === 'output') chunks.push(line.data);
      });
      for (let i = 0; i < stream.length; i += 65536) parser.push(stream.subarray(i, i + 65536));
    }));
    text = Buffer.concat(chunks).toString('utf8');
  }
  return { msPerKLine: median(samples) / (LINES / 1000), recovered: recovered(text) };
}

function benchZellij(k: number): { renderEvery: number; updates: number; msPerKLine: number; recovered: number } {
  const events = zellijStream(k);
  let text = '';
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let out = '';
    samples.push(time(() => {
      const differ = new ViewportDiffer();
      const marks = new MarkDecoder();
      for (const line of events) {
        const event = JSON.parse(line) as { viewport: string[]; is_initial: boolean };
        out += marks.decode(differ.update(event.viewport, event.is_initial));
      }
    }));
    text = out;
  }
  return { renderEvery: k, updates: events.length, msPerKLine: median(samples) / (LINES / 1000), recovered: recovered(text) };
}

async function benchImport(): Promise<{ panes: number; kdlMs: number; picodeYamlMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'picode-bench-zellij-'));
  try {
    const tabs = Array.from({ length: 10 }, (_, t) => `    tab name="t${t}" split_direction="vertical" {
        dev name="edit${t}" { pane name="log${t}" command="tail" { args "-f" "app${t}.log"; }; }
        pane name="shell${t}" size="30%"
    }`).join('\n');
    const kdl = `layout {\n    pane_template name="dev" split_direction="horizontal" {\n        pane command="nvim"\n        children\n    }\n${tabs}\n}\n`;
    const kdlFile = join(dir, 'work.kdl');
    writeFileSync(kdlFile, kdl);
    const spec = importZellijLayout(kdl, { file: kdlFile, cwd: dir, env: {} });
    const yamlFile = join(dir, 'work.yaml');
    writeFileSync(yamlFile, (await toPicodeYaml(spec)).text);
    await loadLayout(yamlFile, { cwd: dir, env: {} }); // warm the loader's imports (yaml, zod)
    const kdlSamples: number[] = [];
    const yamlSamples: number[] = [];
    for (let run = 0; run < RUNS * 3; run++) {
      kdlSamples.push(time(() => importZellijLayout(kdl, { file: kdlFile, cwd: dir, env: {} })));
      const t0 = process.hrtime.bigint();
      await loadLayout(yamlFile, { cwd: dir, env: {} });
      yamlSamples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const panes = spec.windows.reduce((n, w) => n + JSON.stringify(w.root).split('"kind":"pane"').length - 1, 0);
    return { panes, kdlMs: median(kdlSamples), picodeYamlMs: median(yamlSamples) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

log(`zellij bench: ${LINES} lines, ${RUNS} runs per configuration, pane ${ROWS}x${COLS}`);
const tmux = benchTmux();
log(`tmux control mode: ${tmux.msPerKLine.toFixed(3)} ms per 1000 lines`);
const zellij = [1, 10, 50, 100].map((k) => {
  const result = benchZellij(k);
  log(`zellij, a render every ${k} lines: ${result.msPerKLine.toFixed(3)} ms per 1000 lines, ${(result.recovered * 100).toFixed(1)}% of lines recovered`);
  return result;
});
const layoutImport = await benchImport();
log(`import: ${layoutImport.panes} panes, KDL ${layoutImport.kdlMs.toFixed(2)} ms, picode YAML ${layoutImport.picodeYamlMs.toFixed(2)} ms`);

process.stdout.write(`${JSON.stringify({
  bench: 'zellij',
  lines: LINES,
  runs: RUNS,
  pane: { rows: ROWS, columns: COLS },
  follow: {
    tmuxControlMode: { msPer1000Lines: round(tmux.msPerKLine), recovered: tmux.recovered },
    zellijViewports: zellij.map((z) => ({ renderEveryLines: z.renderEvery, updates: z.updates, msPer1000Lines: round(z.msPerKLine), recovered: round(z.recovered) })),
  },
  import: { panes: layoutImport.panes, zellijKdlMs: round(layoutImport.kdlMs), picodeYamlMs: round(layoutImport.picodeYamlMs) },
  note: 'generated subscribe NDJSON in Zellij 0.45 shapes; no real Zellij was run',
}, null, 2)}\n`);

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
