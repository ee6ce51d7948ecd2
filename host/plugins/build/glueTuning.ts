/**
 * Rewrites of jco's generated glue that change its speed, never its behaviour, applied once
 * when a transpiled component is written to the cache (loader.ts).
 *
 * Each rewrite matches one exact piece of jco's output. A jco that generates something else
 * simply leaves it unmatched: the glue stays correct, only slower, and the unit test
 * (tests/unit/plugins/glueTuning.test.ts) fails so the rewrite is updated with jco.
 * `GLUE_REVISION` is stored in the cache entry's metadata: entries written by a picode with
 * other rewrites are transpiled again.
 */

export const GLUE_REVISION = 1;

interface GlueRewrite {
  readonly name: string;
  readonly find: string;
  readonly replace: string;
}

const rewrites: readonly GlueRewrite[] = [
  {
    // jco 1.35 looks up `process.env.JCO_DEBUG` on every call of `_debugLog`, several times
    // per component call, and builds the log arguments each time. `process.env` is an
    // interceptor object (a lookup in the environment, not a property read): a sizeable share of
    // a small plugin's call time (docs/benchmarks.md, "plugins"). Reading it once
    // when the glue loads lets V8 drop the calls altogether. Plugin workers get an empty
    // environment, so the value never changes while the glue runs.
    name: 'debug-log-flag-read-once',
    find: [
      '  const _debugLog = (...args) => {',
      '    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }',
      '    console.debug(...args);',
      '  };',
    ].join('\n'),
    replace: [
      '  const _jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;',
      '  const _debugLog = (...args) => {',
      '    if (!_jcoDebug) { return; }',
      '    console.debug(...args);',
      '  };',
    ].join('\n'),
  },
];

export interface TunedGlue {
  readonly source: string;
  /** Names of the rewrites that matched. */
  readonly applied: readonly string[];
}

export function tuneGlue(source: string): TunedGlue {
  let out = source;
  const applied: string[] = [];
  for (const rewrite of rewrites) {
    if (!out.includes(rewrite.find)) continue;
    out = out.split(rewrite.find).join(rewrite.replace);
    applied.push(rewrite.name);
  }
  return { source: out, applied };
}

export const glueRewriteNames: readonly string[] = rewrites.map((r) => r.name);
