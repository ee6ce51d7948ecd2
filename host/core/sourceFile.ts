import { parseDocument, visit, LineCounter, isMap, isSeq, isScalar, type Node } from 'yaml';
import { PicodeError } from './errors.js';

/**
 * A parsed YAML or JSON file that remembers where every value came from, so an error found
 * later (by the schema or by a loader) can name the line. JSON is parsed as YAML 1.2, of
 * which it is a subset, so both formats report positions the same way.
 */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly data: unknown;
  /** 1-based line of the value at `path` (or of its key, with `key: true`); the nearest existing ancestor when absent. */
  lineOf(path: readonly PropertyKey[], options?: { key?: boolean }): number | undefined;
}

/** Alias expansions a YAML file may use: enough for any real layout, far too few for an alias bomb. */
export const maxYamlAliases = 1000;

export interface ParseOptions {
  /** Reads every unquoted scalar (tmuxinator files: YAML 1.1 as Ruby's Psych reads it, see layout/importers/psych.ts). */
  readonly plainScalar?: (text: string) => unknown;
}

export function parseSource(file: string, text: string, options: ParseOptions = {}): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new PicodeError(`${file}:${line}: not valid YAML/JSON: ${first.message.split('\n')[0]}`, {
      hint: 'fix the syntax at that line (indentation, quotes, a missing ":")',
    });
  }
  const { plainScalar } = options;
  if (plainScalar) {
    visit(doc, {
      Scalar(_key, node) {
        // The merge key `<<` is read by the parser itself (its value is a symbol).
        if (node.type === 'PLAIN' && typeof node.value !== 'symbol' && typeof node.source === 'string') node.value = plainScalar(node.source);
      },
    });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: maxYamlAliases }) as unknown;
  } catch (error) {
    // yaml refuses to expand a document whose aliases multiply (a "billion laughs" file).
    throw new PicodeError(`${file}: its YAML aliases (*name) expand too much (${(error as Error).message})`, {
      hint: `a layout or config uses at most ${maxYamlAliases} alias expansions: write the repeated parts out, or use fewer nested aliases`,
    });
  }

  function lineOf(path: readonly PropertyKey[], options: { key?: boolean } = {}): number | undefined {
    let node: unknown = doc.contents;
    let line = startLine(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) return line;
        if (last && options.key) return startLine(pair.key) ?? line;
        node = pair.value;
        line = startLine(pair.value) ?? startLine(pair.key) ?? line;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) return line;
        line = startLine(node) ?? line;
      } else {
        return line;
      }
    }
    return line;
  }

  function startLine(node: unknown): number | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  }

  return { file, text, data, lineOf };
}
