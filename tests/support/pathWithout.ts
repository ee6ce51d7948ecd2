import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PATH of one private directory that holds every command of the current PATH but `missing`
 * (symlinks, the first of each name as the shell would find it): a machine without those tools,
 * e.g. without GNU `stdbuf` as on macOS or busybox systems.
 */
export function pathWithout(missing: readonly string[], from = process.env.PATH ?? ''): { path: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'picode-path-'));
  const seen = new Set(missing);
  for (const source of from.split(':').filter(Boolean)) {
    let names: string[];
    try { names = readdirSync(source); } catch { continue; }
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      symlinkSync(join(source, name), join(dir, name));
    }
  }
  return { path: dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
