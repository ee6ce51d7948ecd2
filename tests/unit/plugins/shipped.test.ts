import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceDigest } from '../../../host/plugins/build/builder.js';
import { readManifest } from '../../../host/plugins/manifest.js';

const root = resolve(__dirname, '..', '..', '..');
const shipped = ['pane-errors', 'secrets-redactor', 'git-context', 'file-context'];

describe('what ships is what the sources say', () => {
  it('the generated interface types and capability signatures match plugins/wit/plugin.wit', () => {
    // Exits 1 with the stale files named when someone edits the WIT without regenerating.
    expect(() => execFileSync(process.execPath, [join(root, 'plugins', 'sdk', 'generate-types.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it.each(shipped)('the committed component of %s was built from its current sources', (name) => {
    const manifest = readManifest(join(root, 'plugins', name), true);
    const recorded = readFileSync(`${manifest.component}.digest`, 'utf8').trim();
    // Stale: run `picode plugin build plugins/NAME` and commit the component and its .digest.
    expect(recorded).toBe(sourceDigest(manifest));
  });
});
