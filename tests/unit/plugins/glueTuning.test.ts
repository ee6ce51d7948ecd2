import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { glueRewriteNames, tuneGlue } from '../../../host/plugins/build/glueTuning.js';
import { stopTranspileWorker, transpileCached } from '../../../host/plugins/build/loader.js';
import { tempDir } from '../../integration/plugins/helpers.js';

const component = readFileSync(resolve(__dirname, '..', '..', '..', 'plugins', 'pane-errors', 'pane-errors.wasm'));

describe('tuning jco glue', () => {
  const tmp = tempDir('picode-glue-');
  afterAll(async () => {
    await stopTranspileWorker();
    tmp.dispose();
  });

  it('applies every rewrite to the glue the installed jco generates (update glueTuning.ts when this fails after a jco upgrade)', async () => {
    const entry = await transpileCached(component, tmp.dir);
    const cached = readFileSync(entry.jsFile, 'utf8');
    // The cached glue is already tuned: tuning it again finds nothing left to rewrite...
    expect(tuneGlue(cached).applied).toEqual([]);
    expect(cached).toContain('const _jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;');
    expect(cached).not.toContain('if (!globalThis?.process?.env?.JCO_DEBUG) { return; }');
    // ...and each rewrite did match: undoing them gives back glue on which all of them apply.
    const untuned = cached
      .replace('  const _jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;\n', '')
      .replace('    if (!_jcoDebug) { return; }', '    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }');
    expect(tuneGlue(untuned).applied).toEqual(glueRewriteNames);
  }, 60_000);

  it('leaves glue it does not recognise unchanged', () => {
    const source = 'export function instantiate() { return {}; }\n';
    expect(tuneGlue(source)).toEqual({ source, applied: [] });
  });
});
