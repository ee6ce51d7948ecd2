import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folders of host/ form a one-way stack: a folder imports only folders below it (or, among
 * the extensions, a peer that does not import it back). Every import counts, `import type` and
 * lazy `import()` too: a type-only cycle still means neither side can be read alone.
 *
 *   core
 *   store, config, terminal  (the database; the config schema and loading; what a pane's bytes mean)
 *   bus, layout              (events, catalog, gates; layout files, their model, the formats written from it)
 *   mux                      (tmux and Zellij; builds SessionSpecs from layout/model)
 *   api                      (the host API every extension gets: host/api/hostApi.ts)
 *   ipc                      (the socket protocol, server, client, session resolver)
 *   hooks, plugins, llm, agents, jobs, mcp   (extensions: they reach each other via api services)
 *   daemon                   (the host process: starts the extensions, daemon/extensions.ts)
 *   ui                       (pane views: IPC clients)
 *   cli                      (commands)
 */
const layers: ReadonlyArray<readonly string[]> = [
  ['core'],
  ['store', 'config', 'terminal'],
  ['bus', 'layout'],
  ['mux'],
  ['api'],
  ['ipc'],
  ['hooks', 'plugins', 'llm', 'agents', 'jobs', 'mcp'],
  ['daemon'],
  ['ui'],
  ['cli'],
];

const hostDir = resolve('host');
const importPattern = /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Folder -> folder -> the imports that make the edge (`file: specifier`). */
function folderImports(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(hostDir)) {
    const from = relative(hostDir, file).split('/')[0]!;
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (!specifier.startsWith('.')) continue;
      const target = relative(hostDir, resolve(dirname(file), specifier));
      if (target.startsWith('..')) continue;
      const parts = target.split('/');
      if (parts.length < 2) continue;
      const to = parts[0]!;
      if (to === from) continue;
      const byTarget = edges.get(from) ?? new Map<string, string[]>();
      edges.set(from, byTarget);
      byTarget.set(to, [...(byTarget.get(to) ?? []), `${relative(hostDir, file)}: ${specifier}`]);
    }
  }
  return edges;
}

describe('the folders of host/', () => {
  const edges = folderImports();
  const imports = (a: string, b: string): string[] => edges.get(a)?.get(b) ?? [];

  it('are all placed in the stack', () => {
    const placed = new Set(layers.flat());
    const folders = readdirSync(hostDir).filter((name) => statSync(join(hostDir, name)).isDirectory());
    expect(folders.filter((f) => !placed.has(f))).toEqual([]);
  });

  it('never import each other', () => {
    const cycles: string[] = [];
    for (const [a, targets] of edges) {
      for (const b of targets.keys()) {
        if (a < b && imports(b, a).length > 0) {
          cycles.push(`${a} <-> ${b}:\n    ${[...imports(a, b), ...imports(b, a)].join('\n    ')}`);
        }
      }
    }
    expect(cycles).toEqual([]);
  });

  it('import only downwards (or a peer extension)', () => {
    const rank = new Map(layers.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
    const upwards: string[] = [];
    for (const [a, targets] of edges) {
      for (const [b, where] of targets) {
        if ((rank.get(b) ?? Infinity) > (rank.get(a) ?? -Infinity)) upwards.push(`${a} -> ${b}: ${where[0]}`);
      }
    }
    expect(upwards).toEqual([]);
  });
});
